import { AmountByPartyV1 } from '../claim-paid/claim-paid.v1';

/** Money recovered from a defaulted borrower, shared in proportion to each party's loss. Key: the guarantee id. */
export const recoverySharedV1 = {
  topic: 'g2g.compensation.recovery-shared.v1',
  version: 1,
  key: (v: RecoverySharedV1) => v.guaranteeId,
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
