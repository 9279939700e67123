import { DecimalDigits, decimalDigits } from './decimal';

/**
 * Money is integer fen (1 yuan = 100 fen) as bigint. Interfaces carry yuan as decimal strings with
 * at most two decimals: `digits[.d[d]]`. Nothing here ever touches a binary float.
 */
export type Fen = bigint;

/**
 * 1,000,000,000,000.00 yuan: the largest principal a loan may have (domain.md 4), so also the most
 * any repayment, claim or recovery of a loan can be for, and the most any money field of a row may
 * hold (docs/domain-readings.md, "Amounts and rates").
 */
export const MAX_AMOUNT_FEN: Fen = 100_000_000_000_000n;

/** Parses `1000`, `1000.5`, `01000.00`; refuses `1,000`, `1e6`, `+1`, `.5`, `-1`. Null when malformed. */
export function parseYuan(text: string): Fen | null {
  const d = decimalDigits(text, 2);
  return d === null ? null : toFen(d);
}

export type YuanReading = { ok: true; fen: Fen } | { ok: false; reason: 'MALFORMED' | 'TOO_LARGE' };

/**
 * Reads an amount of a row: malformed unless `digits[.d[d]]`, too large above `max`. An amount with
 * more digits before the point than `max` has (leading zeros aside) is too large at once, in time
 * linear in its length, without being converted.
 */
export function readYuan(text: string, max: Fen = MAX_AMOUNT_FEN): YuanReading {
  const d = decimalDigits(text, 2);
  if (d === null) return { ok: false, reason: 'MALFORMED' };
  if (d.whole.length > (max / 100n).toString().length) return { ok: false, reason: 'TOO_LARGE' };
  const fen = toFen(d);
  return fen > max ? { ok: false, reason: 'TOO_LARGE' } : { ok: true, fen };
}

function toFen({ whole, fraction }: DecimalDigits): Fen {
  // whole * 100 + the two decimals, as one conversion of the digits side by side
  return BigInt(whole + fraction.padEnd(2, '0'));
}

/** 150000000n -> "1500000.00"; negative amounts keep their sign. */
export function formatYuan(fen: Fen): string {
  const negative = fen < 0n;
  const abs = negative ? -fen : fen;
  const yuan = abs / 100n;
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${yuan}.${cents}`;
}

/** numerator / denominator rounded half-up (away from zero at .5), for non-negative operands. */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n || numerator < 0n) throw new RangeError('divideRoundHalfUp takes a non-negative numerator and a positive denominator');
  return (numerator * 2n + denominator) / (denominator * 2n);
}
