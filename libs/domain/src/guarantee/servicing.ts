import { addDays, compareDates } from '../dates';
import { Fen } from '../money';
import { Rate } from '../rate';
import { LossBearingParty, Part, ShareholdingParty, splitByShares, splitRecovery } from '../split';

/**
 * A guarantee after issue: repaid, claimed, recovered. Pure decisions on a plain state; the state
 * is rebuilt by applying what was decided (evolve), never by reading a clock.
 */
export type GuaranteeStatus = 'in_force' | 'released' | 'claimed' | 'rejected';

export interface GuaranteeState {
  guaranteeId: string;
  programme: string;
  status: GuaranteeStatus;
  principal: Fen;
  outstanding: Fen;
  /** the loan's parties with `$bank` already the lending bank */
  parties: readonly ShareholdingParty[];
  claim?: ClaimRecord;
}

export interface ClaimRecord {
  unpaidPrincipal: Fen;
  claimedOn: string;
  /** what each party lost on the loan: the basis for sharing recoveries */
  losses: readonly LossBearingParty[];
  recovered: Fen;
}

/** What compensation keeps per programme to judge the Fund cap and the breaker. */
export interface ProgrammeLosses {
  /** cumulative principal ever guaranteed, in decision order */
  principalGuaranteed: Fen;
  /** cumulative compensation paid */
  compensationPaid: Fen;
}

export interface ClaimTerms {
  claimGraceDays: number;
  claimCoversInterest: boolean;
  fundCapPct: Rate;
  breakerPct: Rate;
}

export type RepaymentDecision =
  | { outcome: 'accepted'; amount: Fen; outstandingAfter: Fen; released: boolean }
  | { outcome: 'rejected'; code: 'NOT_IN_FORCE' | 'OVERPAYMENT' };

export type ClaimDecision =
  | {
      outcome: 'accepted';
      unpaidPrincipal: Fen;
      /** the amount split among the parties (unpaid principal, plus interest when the programme covers it) */
      claimAmount: Fen;
      /** split(claim amount): each party's part */
      parts: Part[];
      /** paid by the guarantor to the bank: every non-bank part */
      compensation: Fen;
      /** paid to the guarantor by each re-guarantor, and by the Fund when under its cap */
      support: Part[];
      fundPaid: boolean;
      losses: LossBearingParty[];
      /** loss ratio of the programme after this claim, as a fraction numerator/denominator */
      lossRatio: { compensationPaid: Fen; principalGuaranteed: Fen };
      /** the loss ratio is now above the breaker: the programme is suspended */
      suspends: boolean;
      /** this claim brought the loss ratio from below the warning line to on or above it (breakerWarning) */
      warns: boolean;
    }
  | { outcome: 'rejected'; code: 'NOT_IN_FORCE' | 'GRACE_PERIOD' | 'AMOUNT_MISMATCH' | 'INTEREST_ABOVE_PRINCIPAL' | 'ALREADY_CLAIMED' };

export type RecoveryDecision = { outcome: 'accepted'; amount: Fen; parts: Part[]; recoveredAfter: Fen } | { outcome: 'rejected'; code: 'NOT_CLAIMED' | 'OVER_RECOVERY' };

/** A repayment lowers the outstanding principal; at zero the guarantee is released. */
export function decideRepayment(state: GuaranteeState, amount: Fen): RepaymentDecision {
  if (state.status !== 'in_force') return { outcome: 'rejected', code: 'NOT_IN_FORCE' };
  if (amount > state.outstanding) return { outcome: 'rejected', code: 'OVERPAYMENT' };
  const outstandingAfter = state.outstanding - amount;
  return { outcome: 'accepted', amount, outstandingAfter, released: outstandingAfter === 0n };
}

/** `ratio > pct / 100`, exactly: compensation / principal compared with a percentage scaled by 10^4. */
function above(compensationPaid: Fen, principalGuaranteed: Fen, pct: Rate): boolean {
  if (principalGuaranteed === 0n) return compensationPaid > 0n;
  return compensationPaid * 1_000_000n > pct * principalGuaranteed;
}

/**
 * The early warning before the breaker: a programme's loss ratio is at its warning line when it is
 * at least WARNING_LINE_TENTHS tenths of the breaker (3.0 % gives 2.4 %), inclusive, exactly:
 * compensation / principal >= 8/10 x pct / 100, that is compensation x 10^7 >= 8 x pct x principal
 * with pct scaled by 10^4. Nothing compensated and nothing guaranteed is not at the line.
 */
export const WARNING_LINE_TENTHS = 8n;

export function atWarningLine(compensationPaid: Fen, principalGuaranteed: Fen, breakerPct: Rate): boolean {
  if (principalGuaranteed === 0n) return compensationPaid > 0n;
  return compensationPaid * 10n * 1_000_000n >= WARNING_LINE_TENTHS * breakerPct * principalGuaranteed;
}

/**
 * Whether a claim crosses the warning line: the loss ratio before it (its compensation not yet
 * counted) is below the line and after it on or above. Once per crossing: the claims after it find
 * the ratio already at the line and raise nothing, until loans issued since bring the ratio below
 * it again and a later claim crosses it anew. A claim that jumps past the breaker at once crosses
 * the line too, so the warning comes with (before) the suspension.
 */
export function crossesWarningLine(before: ProgrammeLosses, compensationAfter: Fen, breakerPct: Rate): boolean {
  return !atWarningLine(before.compensationPaid, before.principalGuaranteed, breakerPct) && atWarningLine(compensationAfter, before.principalGuaranteed, breakerPct);
}

/** The warning line as a percentage, exact: 8/10 of the breaker ("3.0" gives "2.4", "3.0001" gives "2.40008"). */
export function warningLinePct(breakerPct: Rate): string {
  const scaled = WARNING_LINE_TENTHS * breakerPct; // percent x 10^5
  const whole = (scaled / 100_000n).toString();
  const fraction = (scaled % 100_000n).toString().padStart(5, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

/**
 * A claim on an in-force loan past its grace period, for exactly its outstanding principal. The
 * guarantor pays the bank every non-bank part; each re-guarantor supports the guarantor with its
 * part; the Fund too, unless the programme's loss ratio with this compensation goes above the Fund
 * cap (then the guarantor bears the Fund's part). A loss ratio above the breaker suspends.
 *
 * Where the programme covers interest, the unpaid interest claimed may be at most the loan's
 * principal (INTEREST_ABOVE_PRINCIPAL): no loan of a programme's terms accrues more (36 months at
 * 8% is 24% of it), and a claim beyond that is a bank's error, never a debt to compensate
 * (docs/domain-readings.md, "After issue").
 */
export function decideClaim(
  state: GuaranteeState,
  claim: { overdueSince: string; claimedOn: string; unpaidPrincipal: Fen; unpaidInterest: Fen },
  terms: ClaimTerms,
  programme: ProgrammeLosses,
): ClaimDecision {
  if (state.status === 'claimed') return { outcome: 'rejected', code: 'ALREADY_CLAIMED' };
  if (state.status !== 'in_force') return { outcome: 'rejected', code: 'NOT_IN_FORCE' };
  if (compareDates(claim.claimedOn, addDays(claim.overdueSince, terms.claimGraceDays)) < 0) return { outcome: 'rejected', code: 'GRACE_PERIOD' };
  if (claim.unpaidPrincipal !== state.outstanding) return { outcome: 'rejected', code: 'AMOUNT_MISMATCH' };
  if (terms.claimCoversInterest && claim.unpaidInterest > state.principal) return { outcome: 'rejected', code: 'INTEREST_ABOVE_PRINCIPAL' };

  const claimAmount = claim.unpaidPrincipal + (terms.claimCoversInterest ? claim.unpaidInterest : 0n);
  const parts = splitByShares(claimAmount, state.parties);
  const compensation = parts.filter((p) => p.role !== 'bank').reduce((s, p) => s + p.amount, 0n);
  const compensationPaid = programme.compensationPaid + compensation;
  const fundPaid = !above(compensationPaid, programme.principalGuaranteed, terms.fundCapPct);
  const support = parts.filter((p) => p.role !== 'bank' && p.role !== 'guarantor' && (p.role !== 'fund' || fundPaid));
  const supported = support.reduce((s, p) => s + p.amount, 0n);
  const losses: LossBearingParty[] = parts.map((p) => {
    if (p.role === 'guarantor') return { participant: p.participant, role: p.role, loss: compensation - supported };
    if (p.role === 'fund' && !fundPaid) return { participant: p.participant, role: p.role, loss: 0n };
    return { participant: p.participant, role: p.role, loss: p.amount };
  });
  return {
    outcome: 'accepted',
    unpaidPrincipal: claim.unpaidPrincipal,
    claimAmount,
    parts,
    compensation,
    support,
    fundPaid,
    losses,
    lossRatio: { compensationPaid, principalGuaranteed: programme.principalGuaranteed },
    suspends: above(compensationPaid, programme.principalGuaranteed, terms.breakerPct),
    warns: crossesWarningLine(programme, compensationPaid, terms.breakerPct),
  };
}

/**
 * A recovery on a claimed loan, shared in proportion to the loss each party bore (the losses sum to
 * the claim amount). Cumulative recoveries never exceed the unpaid principal at the claim
 * (domain.md 4, OVER_RECOVERY), which is at most the claim amount, so never more than was lost
 * (domain.md 7) even when the programme's compensation also covered interest.
 */
export function decideRecovery(state: GuaranteeState, amount: Fen): RecoveryDecision {
  if (state.status !== 'claimed' || !state.claim) return { outcome: 'rejected', code: 'NOT_CLAIMED' };
  if (state.claim.recovered + amount > state.claim.unpaidPrincipal) return { outcome: 'rejected', code: 'OVER_RECOVERY' };
  const lost = state.claim.losses.reduce((s, l) => s + l.loss, 0n);
  return { outcome: 'accepted', amount, parts: splitRecovery(amount, state.claim.losses, lost), recoveredAfter: state.claim.recovered + amount };
}

/** The state after a decision was taken (the only way state changes). */
export function evolveRepaid(state: GuaranteeState, d: Extract<RepaymentDecision, { outcome: 'accepted' }>): GuaranteeState {
  return { ...state, outstanding: d.outstandingAfter, status: d.released ? 'released' : state.status };
}

export function evolveClaimed(state: GuaranteeState, d: Extract<ClaimDecision, { outcome: 'accepted' }>, claimedOn: string): GuaranteeState {
  return { ...state, outstanding: 0n, status: 'claimed', claim: { unpaidPrincipal: d.unpaidPrincipal, claimedOn, losses: d.losses, recovered: 0n } };
}

export function evolveRecovered(state: GuaranteeState, d: Extract<RecoveryDecision, { outcome: 'accepted' }>): GuaranteeState {
  return { ...state, claim: { ...state.claim!, recovered: d.recoveredAfter } };
}
