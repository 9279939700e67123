import { Static, Type } from '@sinclair/typebox';
import { Code, Enum, Equal, Exact, RowNumber, SameType, Time } from '../schema';
import { SERVICING_KINDS_V1, ServicingKindV1 } from '../servicing-filed/servicing-filed.v1';

export const ServicingDecidedV1Schema = Exact({
  kind: Enum(SERVICING_KINDS_V1),
  guaranteeId: Type.String(),
  bank: Type.String(),
  loanId: Type.String(),
  batchRef: Type.String(),
  row: RowNumber(),
  outcome: Enum(['accepted', 'rejected']),
  codes: Type.Array(Code(), { maxItems: 1, description: 'one code when rejected' }),
  decidedAt: Time(),
});

/** Compensation's answer to a filed repayment, claim or recovery row. Key: the guarantee id. */
export const servicingDecidedV1 = {
  topic: 'g2g.compensation.servicing-decided.v1',
  version: 1,
  key: (v: ServicingDecidedV1) => v.guaranteeId,
  schema: ServicingDecidedV1Schema,
} as const;

export interface ServicingDecidedV1 {
  kind: ServicingKindV1;
  guaranteeId: string;
  bank: string;
  loanId: string;
  batchRef: string;
  row: number;
  outcome: 'accepted' | 'rejected';
  /** one code when rejected: NOT_IN_FORCE, OVERPAYMENT, GRACE_PERIOD, AMOUNT_MISMATCH, INTEREST_ABOVE_PRINCIPAL, ALREADY_CLAIMED, NOT_CLAIMED, OVER_RECOVERY */
  codes: string[];
  decidedAt: string;
}

// tsc fails here when the schema and the interface drift apart
type _ServicingDecidedV1 = SameType<Equal<Static<typeof ServicingDecidedV1Schema>, ServicingDecidedV1>>;
