import { Check, fail, OK } from './check';
import { Fen } from './money';
import { HUNDRED_PCT, Rate } from './rate';

/**
 * Splitting an amount among a programme's parties (domain.md 5 and 6.4). Splits never round: every
 * party except the guarantor gets a floor, the guarantor gets the remainder, so the parts always
 * sum to the amount exactly, in fen, at any size.
 *
 * Error policy: a programme's shares are external configuration, so `checkShares` reports what is
 * wrong with them as a typed reason (validate when a programme is published). Splitting with shares
 * or losses that were never validated, or a negative amount, is a programming error: the split
 * functions throw RangeError.
 */

/** The four roles of the demo programme; any other role (e.g. a local government fund) is allowed. */
export type PartyRole = 'bank' | 'guarantor' | 'reguarantor' | 'fund' | (string & {});

export interface ShareholdingParty {
  readonly participant: string;
  readonly role: PartyRole;
  /** Percent of the amount, scaled by 10^4 (see rate.ts). */
  readonly sharePct: Rate;
}

export interface LossBearingParty {
  readonly participant: string;
  readonly role: PartyRole;
  /** Fen this party actually lost on the claimed loan (the guarantor: the rest of the unpaid principal). */
  readonly loss: Fen;
}

export interface Part {
  readonly participant: string;
  readonly role: PartyRole;
  readonly amount: Fen;
}

export type SharesProblem = 'NEGATIVE_SHARE' | 'SHARES_NOT_100' | 'NOT_ONE_GUARANTOR';

/** Shares must each be >= 0, sum to exactly 100, with exactly one `guarantor` party. */
export function checkShares(parties: readonly ShareholdingParty[]): Check<SharesProblem> {
  if (parties.some((p) => p.sharePct < 0n)) return fail('NEGATIVE_SHARE');
  if (parties.reduce((sum, p) => sum + p.sharePct, 0n) !== HUNDRED_PCT) return fail('SHARES_NOT_100');
  if (parties.filter((p) => p.role === 'guarantor').length !== 1) return fail('NOT_ONE_GUARANTOR');
  return OK;
}

/**
 * Parts in the order of `parties`: each non-guarantor gets floor(amount * pct / 100) fen, the
 * guarantor the remainder. Throws RangeError on a negative amount or shares `checkShares` refuses.
 */
export function splitByShares(amount: Fen, parties: readonly ShareholdingParty[]): Part[] {
  if (amount < 0n) throw new RangeError(`splitByShares: negative amount ${amount}`);
  const shares = checkShares(parties);
  if (!shares.ok) throw new RangeError(`splitByShares: invalid shares (${shares.reason})`);
  // All operands are non-negative, so bigint division is the floor.
  return withGuarantorRemainder(amount, parties, (p) => (amount * p.sharePct) / HUNDRED_PCT);
}

/**
 * A recovery on a claimed loan, in proportion to the loss each party bore (domain.md 6.4): each
 * non-guarantor gets floor(amount * loss / unpaidPrincipal), the guarantor the remainder. The losses
 * must be >= 0 and sum to exactly `unpaidPrincipal` (> 0), with exactly one guarantor; otherwise
 * RangeError.
 */
export function splitRecovery(amount: Fen, losses: readonly LossBearingParty[], unpaidPrincipal: Fen): Part[] {
  if (amount < 0n) throw new RangeError(`splitRecovery: negative amount ${amount}`);
  if (unpaidPrincipal <= 0n) throw new RangeError(`splitRecovery: unpaid principal must be positive, got ${unpaidPrincipal}`);
  if (losses.some((p) => p.loss < 0n)) throw new RangeError('splitRecovery: negative loss');
  if (losses.filter((p) => p.role === 'guarantor').length !== 1) throw new RangeError('splitRecovery: exactly one guarantor required');
  const total = losses.reduce((sum, p) => sum + p.loss, 0n);
  if (total !== unpaidPrincipal) throw new RangeError(`splitRecovery: losses sum to ${total}, not the unpaid principal ${unpaidPrincipal}`);
  return withGuarantorRemainder(amount, losses, (p) => (amount * p.loss) / unpaidPrincipal);
}

function withGuarantorRemainder<P extends { readonly participant: string; readonly role: PartyRole }>(
  amount: Fen,
  parties: readonly P[],
  floorPart: (party: P) => Fen,
): Part[] {
  const parts = parties.map((p) => ({ participant: p.participant, role: p.role, amount: p.role === 'guarantor' ? 0n : floorPart(p) }));
  const others = parts.reduce((sum, p) => sum + p.amount, 0n);
  return parts.map((p) => (p.role === 'guarantor' ? { ...p, amount: amount - others } : p));
}
