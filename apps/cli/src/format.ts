/**
 * Text for people: grouped numbers, yuan, percentages and aligned tables. Exact decimal strings
 * stay strings: nothing here passes money through a binary float.
 */

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** "1234567" -> "1,234,567"; leaves anything that is not a plain decimal alone. */
export function groupDigits(text: string): string {
  const m = DECIMAL.exec(text);
  if (!m) return text;
  const whole = m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${m[1]}${whole}${m[3] !== undefined ? `.${m[3]}` : ''}`;
}

export function formatCount(n: number | string): string {
  return groupDigits(String(n));
}

/** Yuan for a table: "1500000" or "1500000.5" -> "1,500,000.00"; more decimals are rounded half-up to 2. */
export function formatYuanText(text: string): string {
  const m = DECIMAL.exec(text);
  if (!m) return text;
  return groupDigits(roundDecimal(text, 2));
}

/** Integer fen (the Kafka contracts' money) as yuan for a table: "150000001" -> "1,500,000.01". */
export function formatFen(text: string): string {
  const m = /^(-?)(\d+)$/.exec(text);
  if (!m) return text;
  const digits = m[2].padStart(3, '0');
  const yuan = `${digits.slice(0, -2).replace(/^0+(?=\d)/, '')}.${digits.slice(-2)}`;
  return `${m[1] && /[1-9]/.test(m[2]) ? '-' : ''}${groupDigits(yuan)}`;
}

/** Rounds a decimal string half-up (away from zero) to `places` decimals, exactly, padding with zeros. */
export function roundDecimal(text: string, places: number): string {
  const m = DECIMAL.exec(text);
  if (!m) return text;
  const [, sign, whole, fraction = ''] = m;
  let scaled = BigInt(whole + fraction.slice(0, places).padEnd(places, '0'));
  if (fraction.length > places && fraction[places] >= '5') scaled += 1n;
  const digits = scaled.toString().padStart(places + 1, '0');
  const integer = digits.slice(0, digits.length - places);
  const decimals = digits.slice(digits.length - places);
  const negative = sign === '-' && scaled !== 0n;
  return `${negative ? '-' : ''}${integer}${places > 0 ? `.${decimals}` : ''}`;
}

/** Moves the decimal point: shiftDecimal("0.95", 2) -> "95", shiftDecimal("0.0123", 2) -> "1.23". */
export function shiftDecimal(text: string, places: number): string {
  const m = DECIMAL.exec(text);
  if (!m) return text;
  const [, sign, whole, fraction = ''] = m;
  const digits = whole + fraction.padEnd(places, '0');
  const point = whole.length + places;
  const integer = digits.slice(0, point).replace(/^0+(?=\d)/, '');
  const rest = digits.slice(point).replace(/0+$/, '');
  return `${sign}${integer}${rest ? `.${rest}` : ''}`;
}

/** Drops trailing zeros after a decimal point: "4.4700" -> "4.47", "8.000" -> "8". */
export function trimDecimal(text: string): string {
  return DECIMAL.test(text) && text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** A fraction of 1 as a percentage, to 2 decimals: "0.95" -> "95.00%". */
export function formatShare(text: string): string {
  return DECIMAL.test(text) ? `${roundDecimal(shiftDecimal(text, 2), 2)}%` : text;
}

/** A rate already in percent, to 4 decimals at most: "4.470000" -> "4.47%". */
export function formatPercent(text: string): string {
  return DECIMAL.test(text) ? `${trimDecimal(roundDecimal(text, 4))}%` : text;
}

/** A multiple such as leverage: "3.14159" -> "3.14x". */
export function formatMultiple(text: string): string {
  return DECIMAL.test(text) ? `${roundDecimal(text, 2)}x` : text;
}

/** Aligned columns; numbers (and n/a, -) after the first column are right-aligned. */
export function table(rows: readonly (readonly string[])[], options: { header?: readonly string[]; indent?: string } = {}): string {
  const all = options.header ? [options.header, ...rows] : rows;
  if (all.length === 0) return '';
  const columns = Math.max(...all.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.max(...all.map((r) => displayWidth(r[c] ?? ''))));
  const indent = options.indent ?? '';
  const line = (row: readonly string[], isHeader: boolean) =>
    indent +
    row
      .map((cell, c) => {
        const pad = ' '.repeat(widths[c] - displayWidth(cell));
        const last = c === row.length - 1;
        if (!isHeader && c > 0 && /^([-+]?[\d.,]+(%|x)?|n\/a|-)$/.test(cell)) return pad + cell;
        return last ? cell : cell + pad;
      })
      .join('  ')
      .replace(/\s+$/, '');
  const out = [];
  if (options.header) {
    out.push(line(options.header, true));
    out.push(indent + widths.map((w) => '-'.repeat(w)).join('  '));
  }
  for (const row of rows) out.push(line(row, false));
  return `${out.join('\n')}\n`;
}

/** Terminal columns a string takes: CJK and other wide characters count two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    width += isWide(cp) ? 2 : 1;
  }
  return width;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** snake_case / kebab-case key -> words: "new_guarantees" -> "new guarantees". */
export function label(key: string): string {
  return /^[a-z0-9_]+$/.test(key) ? key.replaceAll('_', ' ') : key;
}

/** Plural-aware count: plural(1, 'row') -> "1 row", plural(1200, 'row') -> "1,200 rows". */
export function plural(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
}
