import { Static, Type } from '@sinclair/typebox';
import { Day, Decimal, Equal, Exact, Fen, SameType, Time } from '../schema';

export const AmountByPartyV1Schema = Exact({
  role: Type.String({ examples: ['bank', 'guarantor', 'reguarantor', 'fund'] }),
  participant: Type.String(),
  amountFen: Fen(),
});

/** The fields of a claim paid (also the `claims` of servicing-decided.v2, with an index). */
export const claimPaidV1Fields = {
  guaranteeId: Type.String(),
  sequence: Type.Integer({ minimum: 1, description: 'the order compensation decided this loan\'s events in (its position in the loan\'s stream)' }),
  programme: Type.String(),
  bank: Type.String(),
  borrowerId: Type.String(),
  overdueSince: Day(),
  claimedOn: Day(),
  unpaidPrincipalFen: Fen(),
  unpaidInterestFen: Fen(),
  claimAmountFen: Fen('what was split: the unpaid principal (plus interest when the programme covers it)'),
  parts: Type.Array(AmountByPartyV1Schema),
  compensationFen: Fen(),
  support: Type.Array(AmountByPartyV1Schema),
  fundPaid: Type.Boolean(),
  losses: Type.Array(AmountByPartyV1Schema, { description: 'what each party lost: the basis for sharing recoveries' }),
  lossRatio: Decimal('cumulative compensation / cumulative principal guaranteed of the programme after this claim, 10 decimals'),
  recordedAt: Time(),
};
export const ClaimPaidV1Schema = Exact(claimPaidV1Fields);

/**
 * A claim was accepted: the guarantor paid the bank the compensation (every non-bank part of the
 * unpaid principal), the re-guarantors (and the Fund, under its cap) paid the guarantor their
 * support, and the guarantee is released by compensation on claimedOn. Key: the guarantee id.
 */
export const claimPaidV1 = {
  topic: 'g2g.compensation.claim-paid.v1',
  version: 1,
  key: (v: ClaimPaidV1) => v.guaranteeId,
  schema: ClaimPaidV1Schema,
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

// tsc fails here when the schema and the interface drift apart
type _ClaimPaidV1 = SameType<Equal<Static<typeof ClaimPaidV1Schema>, ClaimPaidV1>>;
