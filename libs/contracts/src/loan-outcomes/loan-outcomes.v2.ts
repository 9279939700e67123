import { Static, Type } from '@sinclair/typebox';
import { Code, Equal, Exact, RowNumber, SameType, Time } from '../schema';

export const LoanOutcomesV2Schema = Exact({
  programme: Type.String(),
  bank: Type.String(),
  batchRef: Type.String(),
  firstRow: Type.Integer({ minimum: 1 }),
  decidedAt: Time(),
  row: Type.Array(RowNumber(), { description: 'row numbers of the chunk\'s filed loans' }),
  codes: Type.Array(Type.Array(Code()), { description: 'per row: [] approved, else every rejection code (or UNPROCESSABLE)' }),
});

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
  schema: LoanOutcomesV2Schema,
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

// tsc fails here when the schema and the interface drift apart
type _LoanOutcomesV2 = SameType<Equal<Static<typeof LoanOutcomesV2Schema>, LoanOutcomesV2>>;
