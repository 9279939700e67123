/**
 * A claim left the programme's loss ratio above its breaker: the programme approves no loan until
 * an operator resumes it. Key: the programme id.
 */
export const programmeSuspendedV1 = {
  topic: 'g2g.compensation.programme-suspended.v1',
  version: 1,
  key: (v: ProgrammeSuspendedV1) => v.programme,
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
