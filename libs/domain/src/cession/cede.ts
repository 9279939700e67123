import { reguaranteeFee } from '../fees';
import { Fen } from '../money';
import { Rate } from '../rate';
import { ShareholdingParty, splitByShares } from '../split';

/** A re-guarantor's (or the Fund's) part of an issued guarantee, and the fee it charges the guarantor. */
export interface Cession {
  participant: string;
  role: string;
  risk: Fen;
  fee: Fen;
}

/**
 * The cessions of an issued guarantee (domain.md 6.1): every party but the bank and the guarantor
 * takes its part of split(principal) and charges round(part x fee pct x term days / 365).
 */
export function cessionsOf(principal: Fen, parties: readonly ShareholdingParty[], feePct: Rate, termDays: number): Cession[] {
  const parts = splitByShares(principal, parties);
  return parts
    .filter((p) => p.role !== 'bank' && p.role !== 'guarantor')
    .map((p) => ({ participant: p.participant, role: p.role, risk: p.amount, fee: reguaranteeFee(p.amount, feePct, termDays) }));
}
