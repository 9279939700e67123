/**
 * A claim was accepted: the guarantor paid the bank the compensation (every non-bank part of the
 * unpaid principal), the re-guarantors (and the Fund, under its cap) paid the guarantor their
 * support, and the guarantee is released by compensation on claimedOn. Key: the guarantee id.
 */
export const claimPaidV1 = {
  topic: 'g2g.compensation.claim-paid.v1',
  version: 1,
  key: (v: ClaimPaidV1) => v.guaranteeId,
} as const;

export interface AmountByPartyV1 {
  role: string;
  participant: string;
  amountFen: string;
}

export interface ClaimPaidV1 {
  guaranteeId: string;
  /** the order compensation decided this loan's events in (its position in the loan's stream): messages of different topics may arrive in any order */
  sequence: number;
  programme: string;
  bank: string;
  borrowerId: string;
  overdueSince: string;
  claimedOn: string;
  unpaidPrincipalFen: string;
  unpaidInterestFen: string;
  /** what was split: the unpaid principal (plus interest when the programme covers it) */
  claimAmountFen: string;
  parts: AmountByPartyV1[];
  compensationFen: string;
  support: AmountByPartyV1[];
  fundPaid: boolean;
  /** what each party lost: the basis for sharing recoveries */
  losses: AmountByPartyV1[];
  /** cumulative compensation / cumulative principal guaranteed of the programme after this claim, 10 decimals */
  lossRatio: string;
  recordedAt: string;
}
