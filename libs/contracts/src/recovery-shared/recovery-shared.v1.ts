import { Static, Type } from '@sinclair/typebox';
import { AmountByPartyV1, AmountByPartyV1Schema } from '../claim-paid/claim-paid.v1';
import { Day, Equal, Exact, Fen, SameType, Time } from '../schema';

/** The fields of a recovery shared (also the `recoveries` of servicing-decided.v2, with an index). */
export const recoverySharedV1Fields = {
  guaranteeId: Type.String(),
  sequence: Type.Integer({ minimum: 1, description: 'the order compensation decided this loan\'s events in (its position in the loan\'s stream)' }),
  programme: Type.String(),
  bank: Type.String(),
  amountFen: Fen(),
  recoveredOn: Day(),
  parts: Type.Array(AmountByPartyV1Schema),
  recoveredTotalFen: Fen('cumulative recoveries on the loan after this one'),
  recordedAt: Time(),
};
export const RecoverySharedV1Schema = Exact(recoverySharedV1Fields);

/** Money recovered from a defaulted borrower, shared in proportion to each party's loss. Key: the guarantee id. */
export const recoverySharedV1 = {
  topic: 'g2g.compensation.recovery-shared.v1',
  version: 1,
  key: (v: RecoverySharedV1) => v.guaranteeId,
  schema: RecoverySharedV1Schema,
} as const;

export interface RecoverySharedV1 {
  guaranteeId: string;
  /** the order compensation decided this loan's events in (its position in the loan's stream): messages of different topics may arrive in any order */
  sequence: number;
  programme: string;
  bank: string;
  amountFen: string;
  recoveredOn: string;
  parts: AmountByPartyV1[];
  /** cumulative recoveries on the loan after this one */
  recoveredTotalFen: string;
  recordedAt: string;
}

// tsc fails here when the schema and the interface drift apart
type _RecoverySharedV1 = SameType<Equal<Static<typeof RecoverySharedV1Schema>, RecoverySharedV1>>;
