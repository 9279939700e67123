import { BorrowerTypeV1 } from '../loan-filed/loan-filed.v1';

/**
 * Underwriting decided a chunk of filed loans (one loans-filed.v2 message): every loan's outcome,
 * and for the approved ones (the guarantees issued, business date = disbursed_on) the terms they
 * were issued under, so that no consumer looks anything up. Replaces guarantee-issued.v1 and
 * loan-rejected.v1. Columnar, as loans-filed.v2; the guarantee id is `{bank}/{loanId}`.
 *
 * Key: the programme id.
 */
export const loansDecidedV2 = {
  topic: 'g2g.underwriting.loans-decided.v2',
  version: 2,
  key: (v: LoansDecidedV2) => v.programme,
} as const;

/** A programme version as it applies to this chunk's bank: `$bank` replaced by the lending bank. */
export interface IssueTermsV2 {
  /** effective_from of the version */
  programmeVersion: string;
  province: string;
  fundBacked: boolean;
  parties: { role: string; participant: string; sharePct: string }[];
  claimGraceDays: number;
  claimCoversInterest: boolean;
  fundCapPct: string;
  breakerPct: string;
}

export interface LoansDecidedV2 {
  programme: string;
  bank: string;
  batchRef: string;
  firstRow: number;
  decidedAt: string;
  /** every filed loan of the chunk, in filing order */
  row: number[];
  loanId: string[];
  /** per loan: [] approved, else every rejection code (or UNPROCESSABLE) */
  codes: string[][];
  /** the versions the approved loans were issued under */
  terms: IssueTermsV2[];
  issued: IssuedLoansV2;
}

/** The approved loans, columnar; `index` points into the chunk's `row`/`loanId`. */
export interface IssuedLoansV2 {
  index: number[];
  /** index into `terms` */
  terms: number[];
  borrowerIdType: ('USCC' | 'RID')[];
  borrowerId: string[];
  borrowerName: string[];
  borrowerType: BorrowerTypeV1[];
  industryCode: string[];
  industrySection: string[];
  regionCode: string[];
  /** Y or N per loan */
  sciTech: string;
  agriRelated: string;
  /** small, micro and agriculture business: every type but medium, or agri_related */
  inclusive: string;
  principalFen: string[];
  interestRatePct: string[];
  guaranteeFeeRatePct: string[];
  disbursedOn: string[];
  maturesOn: string[];
  termDays: number[];
  /** round(principal x fee rate x term days / 365) */
  guaranteeFeeFen: string[];
  /** the re-guarantee fee percent that applies (by the loan's principal) */
  reguaranteeFeePct: string[];
}
