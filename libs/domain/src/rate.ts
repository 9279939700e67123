import { DecimalDigits, decimalDigits } from './decimal';

/**
 * Rates and share percentages are exact decimals in percent with at most four decimals, held as
 * bigint scaled by 10^4: "4.47" -> 44700n, "20" -> 200000n, "0.0001" -> 1n. Never a binary float.
 */
export type Rate = bigint;

/** 1% in Rate units. */
export const RATE_SCALE = 10_000n;
/** 100% in Rate units: a share percentage of the whole. */
export const HUNDRED_PCT: Rate = 100n * RATE_SCALE;

/**
 * Parses the interface grammar `digits[.d{1,4}]` (domain.md 4): `4.47`, `0.62`, `08.00`, `0.0001`;
 * refuses `.5`, `4.`, `+1`, `-1`, `1e2`, `4,47`, a 5th decimal.
 */
export function parseRate(text: string): Rate | null {
  const d = decimalDigits(text, 4);
  return d === null ? null : toRate(d);
}

/**
 * A rate of a row has at most this many digits before the point, leading zeros aside: it is below
 * 10,000 percent a year (docs/domain-readings.md, "Amounts and rates").
 */
export const MAX_RATE_WHOLE_DIGITS = 4;

export type RateReading = { ok: true; rate: Rate } | { ok: false; reason: 'MALFORMED' | 'TOO_LARGE' };

/** Reads a rate of a row: malformed unless `digits[.d{1,4}]`; too large, at once, from 10,000 percent. */
export function readRate(text: string): RateReading {
  const d = decimalDigits(text, 4);
  if (d === null) return { ok: false, reason: 'MALFORMED' };
  if (d.whole.length > MAX_RATE_WHOLE_DIGITS) return { ok: false, reason: 'TOO_LARGE' };
  return { ok: true, rate: toRate(d) };
}

function toRate({ whole, fraction }: DecimalDigits): Rate {
  // whole * 10^4 + the four decimals, as one conversion of the digits side by side
  return BigInt(whole + fraction.padEnd(4, '0'));
}

/**
 * A party's share percentage of an amount: the rate grammar, and at most 100. 0 is accepted (a
 * party may take no share); whether the shares of a programme add up is checked by `checkShares`.
 */
export function parseSharePct(text: string): Rate | null {
  const pct = parseRate(text);
  return pct !== null && pct <= HUNDRED_PCT ? pct : null;
}

/**
 * A rate of the interface grammar as written but for the zeros in front of its digits: `004.50` ->
 * `4.50`, `00.5` -> `0.5`, `4.47` as it is. The same value, never longer than a bank writes it
 * plainly (a valid rate may have a million leading zeros). Null when malformed.
 */
export function plainRate(text: string): string | null {
  const d = decimalDigits(text, 4);
  return d === null ? null : d.fraction === '' ? d.whole : `${d.whole}.${d.fraction}`;
}

/** The shortest exact decimal: 44700n -> "4.47", 80000n -> "8", 1n -> "0.0001", 405000n -> "40.5". */
export function formatRate(rate: Rate): string {
  const negative = rate < 0n;
  const abs = negative ? -rate : rate;
  const whole = (abs / RATE_SCALE).toString();
  const fraction = (abs % RATE_SCALE).toString().padStart(4, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}
