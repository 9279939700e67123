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

/** `^(\d+)(?:\.(\d{1,places}))?$`, read by character codes (it runs on every amount and rate of a row). */
export function decimalDigits(text: string, places: number): DecimalDigits | null {
  const n = text.length;
  let point = 0;
  while (point < n && isDigit(text.charCodeAt(point))) point++;
  if (point === 0) return null;
  let fraction = '';
  if (point < n) {
    if (text.charCodeAt(point) !== 0x2e) return null;
    const decimals = n - point - 1;
    if (decimals < 1 || decimals > places) return null;
    for (let i = point + 1; i < n; i++) if (!isDigit(text.charCodeAt(i))) return null;
    fraction = text.slice(point + 1);
  }
  let start = 0;
  while (start < point - 1 && text.charCodeAt(start) === 0x30) start++;
  return { whole: start === 0 && point === n ? text : text.slice(start, point), fraction };
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
