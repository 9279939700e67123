/**
 * Money is integer fen (1 yuan = 100 fen) as bigint. Interfaces carry yuan as decimal strings with
 * at most two decimals: `digits[.d[d]]`. Nothing here ever touches a binary float.
 */
export type Fen = bigint;

const YUAN = /^(\d+)(?:\.(\d{1,2}))?$/;

/** Parses `1000`, `1000.5`, `01000.00`; refuses `1,000`, `1e6`, `+1`, `.5`, `-1`. Null when malformed. */
export function parseYuan(text: string): Fen | null {
  const m = YUAN.exec(text);
  if (!m) return null;
  const fraction = (m[2] ?? '').padEnd(2, '0');
  return BigInt(m[1]) * 100n + BigInt(fraction);
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
