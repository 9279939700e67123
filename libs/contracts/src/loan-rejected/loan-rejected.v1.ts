import { Static, Type } from '@sinclair/typebox';
import { Code, Equal, Exact, RowNumber, SameType, Time } from '../schema';

export const LoanRejectedV1Schema = Exact({
  guaranteeId: Type.String(),
  bank: Type.String(),
  loanId: Type.String(),
  batchRef: Type.String(),
  row: RowNumber(),
  programme: Type.String(),
  codes: Type.Array(Code(), { minItems: 1, description: 'reason codes in the order of programme rules, e.g. ["TERM", "QUOTA"]' }),
  decidedAt: Time(),
});

/**
 * Underwriting refused a filed loan under the programme's rules, with every rule it fails.
 * Key: the guarantee id `{bank}/{loan_id}`.
 */
export const loanRejectedV1 = {
  topic: 'g2g.underwriting.loan-rejected.v1',
  version: 1,
  key: (v: LoanRejectedV1) => v.guaranteeId,
  schema: LoanRejectedV1Schema,
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

// tsc fails here when the schema and the interface drift apart
type _LoanRejectedV1 = SameType<Equal<Static<typeof LoanRejectedV1Schema>, LoanRejectedV1>>;
