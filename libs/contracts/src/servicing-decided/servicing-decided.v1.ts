import { ServicingKindV1 } from '../servicing-filed/servicing-filed.v1';

/** Compensation's answer to a filed repayment, claim or recovery row. Key: the guarantee id. */
export const servicingDecidedV1 = {
  topic: 'g2g.compensation.servicing-decided.v1',
  version: 1,
  key: (v: ServicingDecidedV1) => v.guaranteeId,
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
