/**
 * Many values in one statement parameter, without array literals to escape element by element:
 * text joined by the unit separator (U+001F) and split again by `string_to_array($n, E'\x1f')`.
 * Only for values that cannot hold the separator: every field a bank sends is refused if it holds
 * a control character (libs/domain/src/text.ts), and codes and ids the platform writes have none.
 */
export const UNIT_SEPARATOR = '\u001f';

export function joined(values: readonly (string | number | bigint)[]): string {
  const text = values.join(UNIT_SEPARATOR);
  for (const v of values) if (typeof v === 'string' && v.includes(UNIT_SEPARATOR)) throw new RangeError('a value holds the unit separator');
  return text;
}

/**
 * Ends a LATERAL subquery that looks up one row of a large table per value of a chunk, so that it
 * stays one index lookup per value: PostgreSQL does not fold a subquery with OFFSET into the outer
 * join, which it would otherwise plan from the table's statistics. Without them (autovacuum off, or
 * a table grown since it last ran) the planner takes a programme's rows for a few hundred and
 * hashes all of them, or the whole table, on every chunk: a cost that grows with the log.
 */
export const LOOKUP = 'offset 0';
