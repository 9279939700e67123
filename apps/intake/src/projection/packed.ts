export { joined } from '@g2g/event-store';

/**
 * A chunk's outcomes are kept packed, one entry per row of the chunk: `outcomes` a character each
 * (i invalid, p pending, a approved, c accepted, r rejected) and `codes` the codes of each row,
 * comma-separated, rows separated by U+001E.
 */
export const OUTCOME_OF: Record<string, string> = { i: 'invalid', p: 'pending', a: 'approved', c: 'accepted', r: 'rejected' };
export const RECORD_SEPARATOR = '\u001e';

export function packCodes(perRow: readonly (readonly string[])[]): string {
  return perRow.map((codes) => codes.join(',')).join(RECORD_SEPARATOR);
}

export function unpackCodes(text: string, rows: number): string[][] {
  const parts = text.split(RECORD_SEPARATOR);
  return Array.from({ length: rows }, (_, i) => (parts[i] ? parts[i].split(',') : []));
}
