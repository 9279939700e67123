import { divideRoundHalfUp, Fen } from './money';
import { daysBetween, IsoDate } from './dates';
import { HUNDRED_PCT, Rate } from './rate';

/**
 * Fees of an issued guarantee (domain.md 6.1), rounded half-up to the fen, computed in one exact
 * bigint division: amount (fen) x rate (percent, scaled 10^4) x days / (100 x 10^4 x 365).
 */

const DAYS_PER_YEAR = 365n;

/** Term days = maturesOn - disbursedOn in calendar days. RangeError if maturesOn is not after disbursedOn. */
export function termDays(disbursedOn: IsoDate, maturesOn: IsoDate): number {
  const days = daysBetween(disbursedOn, maturesOn);
  if (days <= 0) throw new RangeError(`matures_on ${maturesOn} is not after disbursed_on ${disbursedOn}`);
  return days;
}

/** round(principal x fee rate x term days / 365). */
export function guaranteeFee(principal: Fen, feeRatePct: Rate, days: number): Fen {
  return annualFee(principal, feeRatePct, days);
}

/** A programme's re-guarantee fee percentages (domain.md 5 `reguarantee_fee_pct`). */
export interface ReguaranteeFeeRates {
  /** `default`: 0.5 in the demo programme. */
  readonly defaultPct: Rate;
  /** `principal_at_most_5m`: 0.3 in the demo programme. */
  readonly principalAtMost5mPct: Rate;
}

/** The demo programme's parameters: 0.5, or 0.3 when the loan's principal <= 5,000,000 yuan. */
export const DEMO_REGUARANTEE_FEE_RATES: ReguaranteeFeeRates = Object.freeze({ defaultPct: 5_000n, principalAtMost5mPct: 3_000n });

/** 5,000,000.00 yuan in fen: the inclusive threshold named by `principal_at_most_5m`. */
export const REGUARANTEE_SMALL_LOAN_MAX_PRINCIPAL: Fen = 500_000_000n;

/** The fee percentage that applies to a loan, chosen by the loan's principal (not the risk amount). */
export function reguaranteeFeePct(loanPrincipal: Fen, rates: ReguaranteeFeeRates): Rate {
  return loanPrincipal <= REGUARANTEE_SMALL_LOAN_MAX_PRINCIPAL ? rates.principalAtMost5mPct : rates.defaultPct;
}

/** One re-guarantor's (or the Fund's) fee: round(risk amount x fee pct x term days / 365). */
export function reguaranteeFee(riskAmount: Fen, feePct: Rate, days: number): Fen {
  return annualFee(riskAmount, feePct, days);
}

function annualFee(amount: Fen, ratePct: Rate, days: number): Fen {
  if (amount < 0n || ratePct < 0n) throw new RangeError('fees take a non-negative amount and rate');
  if (!Number.isSafeInteger(days) || days < 0) throw new RangeError(`not a whole, non-negative number of days: ${days}`);
  return divideRoundHalfUp(amount * ratePct * BigInt(days), HUNDRED_PCT * DAYS_PER_YEAR);
}
