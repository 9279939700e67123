import { Static, Type } from '@sinclair/typebox';
import { Day, Enum, Equal, Exact, Fen, FiledRate, RowNumber, SameType, Time } from '../schema';

export const BORROWER_ID_TYPES_V1 = ['USCC', 'RID'] as const;
export const BORROWER_TYPES_V1 = ['micro', 'small', 'medium', 'individual_business', 'farmer', 'agri_entity'] as const;
export type BorrowerTypeV1 = (typeof BORROWER_TYPES_V1)[number];

export const LoanFiledV1Schema = Exact({
  guaranteeId: Type.String({ description: '`{bank}/{loan_id}`: the guarantee id everywhere downstream' }),
  bank: Type.String(),
  loanId: Type.String(),
  batchRef: Type.String(),
  row: RowNumber('the row number in the bank file (data rows from 1)'),
  programme: Type.String(),
  borrower: Exact({ idType: Enum(BORROWER_ID_TYPES_V1), id: Type.String(), name: Type.String(), type: Enum(BORROWER_TYPES_V1) }),
  industryCode: Type.String(),
  regionCode: Type.String(),
  sciTech: Type.Boolean(),
  agriRelated: Type.Boolean(),
  principalFen: Fen(),
  currency: Enum(['CNY']),
  interestRatePct: FiledRate('percent per year, as filed (at most 4 decimals)'),
  guaranteeFeeRatePct: FiledRate(),
  disbursedOn: Day(),
  maturesOn: Day(),
  filedAt: Time('when the platform received the batch'),
});

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
  schema: LoanFiledV1Schema,
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

// tsc fails here when the schema and the interface drift apart
type _LoanFiledV1 = SameType<Equal<Static<typeof LoanFiledV1Schema>, LoanFiledV1>>;
