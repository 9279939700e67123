import { divideRoundHalfUp } from './money';

/**
 * numerator / denominator as a decimal string with `scale` decimals, rounded half-up; null when
 * the denominator is zero. For shares (fractions of 1) and weighted rates; operands are exact.
 */
export function decimalRatio(numerator: bigint, denominator: bigint, scale = 10): string | null {
  if (denominator === 0n) return null;
  const negative = numerator < 0n !== denominator < 0n && numerator !== 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = divideRoundHalfUp(n * 10n ** BigInt(scale), d);
  const digits = q.toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}
