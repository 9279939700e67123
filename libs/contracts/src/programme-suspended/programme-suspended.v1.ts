import { Static, Type } from '@sinclair/typebox';
import { Day, Decimal, Equal, Exact, SameType, Time } from '../schema';

export const ProgrammeSuspendedV1Schema = Exact({
  programme: Type.String(),
  lossRatio: Decimal('a fraction of 1, 10 decimals'),
  breakerPct: Decimal('a percentage'),
  guaranteeId: Type.String({ description: 'the claim that tripped the breaker' }),
  suspendedOn: Day(),
  recordedAt: Time(),
});

/**
 * A claim left the programme's loss ratio above its breaker: the programme approves no loan until
 * an operator resumes it. Key: the programme id.
 */
export const programmeSuspendedV1 = {
  topic: 'g2g.compensation.programme-suspended.v1',
  version: 1,
  key: (v: ProgrammeSuspendedV1) => v.programme,
  schema: ProgrammeSuspendedV1Schema,
} as const;

export interface ProgrammeSuspendedV1 {
  programme: string;
  lossRatio: string;
  breakerPct: string;
  /** the claim that tripped the breaker */
  guaranteeId: string;
  suspendedOn: string;
  recordedAt: string;
}

// tsc fails here when the schema and the interface drift apart
type _ProgrammeSuspendedV1 = SameType<Equal<Static<typeof ProgrammeSuspendedV1Schema>, ProgrammeSuspendedV1>>;
