import { Static, Type } from '@sinclair/typebox';
import { Day, Decimal, Equal, Exact, SameType, Time } from '../schema';

export const BreakerApproachedV1Schema = Exact({
  programme: Type.String(),
  lossRatio: Decimal('a fraction of 1, 10 decimals: the loss ratio after the claim'),
  warningPct: Decimal('the warning line, a percentage: 8/10 of breakerPct, exact'),
  breakerPct: Decimal('a percentage'),
  guaranteeId: Type.String({ description: 'the claim that crossed the warning line' }),
  warnedOn: Day('the claim\'s claimedOn'),
  recipients: Type.Array(
    Exact({
      role: Type.String({ examples: ['guarantor', 'reguarantor', 'fund', 'regulator'] }),
      participant: Type.String(),
    }),
    { description: 'who is warned: the guarantee\'s guarantor, re-guarantors and Fund, and every regulator registered' },
  ),
  recordedAt: Time(),
});

/**
 * Early warning before the breaker: a claim brought the programme's loss ratio from below its
 * warning line (8/10 of breaker_pct) to on or above it. Once per crossing. Key: the programme id.
 */
export const breakerApproachedV1 = {
  topic: 'g2g.compensation.breaker-approached.v1',
  version: 1,
  key: (v: BreakerApproachedV1) => v.programme,
  schema: BreakerApproachedV1Schema,
} as const;

export interface BreakerApproachedV1 {
  programme: string;
  lossRatio: string;
  warningPct: string;
  breakerPct: string;
  /** the claim that crossed the warning line */
  guaranteeId: string;
  /** the claim's claimedOn */
  warnedOn: string;
  /** who is warned: the guarantee's guarantor, re-guarantors and Fund, and every regulator registered */
  recipients: { role: string; participant: string }[];
  recordedAt: string;
}

// tsc fails here when the schema and the interface drift apart
type _BreakerApproachedV1 = SameType<Equal<Static<typeof BreakerApproachedV1Schema>, BreakerApproachedV1>>;
