/**
 * The decimal grammar of the interface, `digits[.d{1,places}]` (no sign, no exponent, no
 * separators), read in one pass. Leading zeros are digits like any other (`01000.00` is fine), so
 * a value may be written with a million of them: what is read is the integer part without them,
 * and nothing here converts digits to a number, so that a caller can judge how many digits there
 * are before paying for BigInt (which takes time in the square of their count: 0.4 s for a
 * million).
 */
export interface DecimalDigits {
  /** the integer digits without leading zeros; "0" when they are all zeros */
  whole: string;
  /** the digits after the point as written, possibly empty */
  fraction: string;
}

const GRAMMARS = new Map<number, RegExp>();

export function decimalDigits(text: string, places: number): DecimalDigits | null {
  let grammar = GRAMMARS.get(places);
  if (!grammar) GRAMMARS.set(places, (grammar = new RegExp(`^(\\d+)(?:\\.(\\d{1,${places}}))?$`)));
  const m = grammar.exec(text);
  if (!m) return null;
  const digits = m[1];
  let start = 0;
  while (start < digits.length - 1 && digits.charCodeAt(start) === 0x30) start++;
  return { whole: digits.slice(start), fraction: m[2] ?? '' };
}
