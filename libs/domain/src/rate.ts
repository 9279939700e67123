/**
 * Rates and share percentages are exact decimals in percent with at most four decimals, held as
 * bigint scaled by 10^4: "4.47" -> 44700n, "20" -> 200000n, "0.0001" -> 1n. Never a binary float.
 */
export type Rate = bigint;

/** 1% in Rate units. */
export const RATE_SCALE = 10_000n;
/** 100% in Rate units: a share percentage of the whole. */
export const HUNDRED_PCT: Rate = 100n * RATE_SCALE;

/** The interface grammar `digits[.d{1,4}]` (domain.md 4): no sign, no exponent, no separators. */
const RATE = /^(\d+)(?:\.(\d{1,4}))?$/;

/** Parses `4.47`, `0.62`, `08.00`, `0.0001`; refuses `.5`, `4.`, `+1`, `-1`, `1e2`, `4,47`, a 5th decimal. */
export function parseRate(text: string): Rate | null {
  const m = RATE.exec(text);
  if (!m) return null;
  return BigInt(m[1]) * RATE_SCALE + BigInt((m[2] ?? '').padEnd(4, '0'));
}

/**
 * A party's share percentage of an amount: the rate grammar, and at most 100. 0 is accepted (a
 * party may take no share); whether the shares of a programme add up is checked by `checkShares`.
 */
export function parseSharePct(text: string): Rate | null {
  const pct = parseRate(text);
  return pct !== null && pct <= HUNDRED_PCT ? pct : null;
}

/** The shortest exact decimal: 44700n -> "4.47", 80000n -> "8", 1n -> "0.0001", 405000n -> "40.5". */
export function formatRate(rate: Rate): string {
  const negative = rate < 0n;
  const abs = negative ? -rate : rate;
  const whole = (abs / RATE_SCALE).toString();
  const fraction = (abs % RATE_SCALE).toString().padStart(4, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}
