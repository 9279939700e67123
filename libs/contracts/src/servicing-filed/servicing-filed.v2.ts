import { ServicingKindV1 } from './servicing-filed.v1';

/**
 * A chunk of valid repayment, claim or recovery rows a bank filed for loans it filed (up to
 * 1,000, in file order). Compensation decides them. Key: the bank, so that every row of a loan is
 * decided in the order filed, whatever batch it came in.
 */
export const servicingFiledV2 = {
  topic: 'g2g.intake.servicing-filed.v2',
  version: 2,
  key: (v: ServicingFiledV2) => v.bank,
} as const;

export interface ServicingFiledV2 {
  bank: string;
  batchRef: string;
  kind: ServicingKindV1;
  firstRow: number;
  filedAt: string;
  row: number[];
  loanId: string[];
  /** repayments and recoveries: the amount, integer fen */
  amountFen?: string[];
  /** repayments: repaid_on; recoveries: recovered_on */
  on?: string[];
  /** claims */
  overdueSince?: string[];
  claimedOn?: string[];
  unpaidPrincipalFen?: string[];
  unpaidInterestFen?: string[];
}
