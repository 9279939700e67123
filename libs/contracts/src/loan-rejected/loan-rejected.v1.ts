/**
 * Underwriting refused a filed loan under the programme's rules, with every rule it fails.
 * Key: the guarantee id `{bank}/{loan_id}`.
 */
export const loanRejectedV1 = {
  topic: 'g2g.underwriting.loan-rejected.v1',
  version: 1,
  key: (v: LoanRejectedV1) => v.guaranteeId,
} as const;

export interface LoanRejectedV1 {
  guaranteeId: string;
  bank: string;
  loanId: string;
  batchRef: string;
  row: number;
  programme: string;
  /** reason codes in the order of programme rules, e.g. ["TERM", "QUOTA"] */
  codes: string[];
  decidedAt: string;
}
