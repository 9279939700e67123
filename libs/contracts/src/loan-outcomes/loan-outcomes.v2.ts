/**
 * The outcome of each loan of a decided chunk, and nothing else: what intake answers the bank
 * with (loans-decided.v2 carries the same codes with the whole of every guarantee issued; this is
 * the small message for those that need only the answer). Published with it, by underwriting.
 *
 * Key: the bank.
 */
export const loanOutcomesV2 = {
  topic: 'g2g.underwriting.loan-outcomes.v2',
  version: 2,
  key: (v: LoanOutcomesV2) => v.bank,
} as const;

export interface LoanOutcomesV2 {
  programme: string;
  bank: string;
  batchRef: string;
  firstRow: number;
  decidedAt: string;
  /** row numbers of the chunk's filed loans */
  row: number[];
  /** per row: [] approved, else every rejection code (or UNPROCESSABLE) */
  codes: string[][];
}
