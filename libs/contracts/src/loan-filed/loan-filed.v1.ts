/**
 * A bank filed a valid loan row: intake checked its format and identifiers and that the bank
 * never filed this loan id before. Underwriting decides it.
 *
 * Key: the programme id. Underwriting's aggregate is the programme's book (quota and borrower
 * exposure), so one key keeps every loan of a programme in filing order on one partition.
 */
export const loanFiledV1 = {
  topic: 'g2g.intake.loan-filed.v1',
  version: 1,
  key: (v: LoanFiledV1) => v.programme,
} as const;

export interface LoanFiledV1 {
  /** `{bank}/{loan_id}`: the guarantee's id everywhere downstream */
  guaranteeId: string;
  bank: string;
  loanId: string;
  batchRef: string;
  /** the row number in the bank's file (data rows from 1) */
  row: number;
  programme: string;
  borrower: { idType: 'USCC' | 'RID'; id: string; name: string; type: BorrowerTypeV1 };
  industryCode: string;
  regionCode: string;
  sciTech: boolean;
  agriRelated: boolean;
  /** integer fen as a decimal string */
  principalFen: string;
  currency: 'CNY';
  /** percent per year, exact decimal string as filed (at most 4 decimals) */
  interestRatePct: string;
  guaranteeFeeRatePct: string;
  disbursedOn: string;
  maturesOn: string;
  /** when the platform received the batch (ISO 8601) */
  filedAt: string;
}

export type BorrowerTypeV1 = 'micro' | 'small' | 'medium' | 'individual_business' | 'farmer' | 'agri_entity';
