import { formatCount, table } from '../format';
import { BatchSummary, RowResult } from './batch-api';

/** The human form of a batch summary. */
export function renderSummary(s: BatchSummary, note?: string): string {
  const head = `batch ${s.bank}/${s.batchRef} in programme ${s.programme}${note ? ` (${note})` : ''}`;
  const rows = [
    ['rows', formatCount(s.rows)],
    ['approved', formatCount(s.approved)],
    ['rejected', formatCount(s.rejected)],
    ['invalid', formatCount(s.invalid)],
    ['pending', formatCount(s.pending)],
    ['complete', s.complete ? 'yes' : 'no'],
  ];
  if (s.error) rows.push(['error', `${s.error.code}: ${s.error.message}`]);
  return `${head}\n${table(rows, { indent: '  ' })}`;
}

/** Counts by outcome, for rows already fetched. */
export function countOutcomes(rows: Iterable<RowResult>): Record<string, number> {
  const counts: Record<string, number> = { approved: 0, rejected: 0, invalid: 0, pending: 0 };
  for (const r of rows) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  return counts;
}

/** One invalid or rejected row: number, loan id, outcome, codes and (for invalid rows) what was wrong. */
export function problemRow(r: RowResult): string[] {
  const codes = (r.codes ?? []).join(', ');
  // Messages usually start with their field already; name it only when they do not.
  const details = (r.errors ?? []).map((e) => (e.field && !e.message.startsWith(e.field) ? `${e.field}: ${e.message}` : e.message)).join('; ');
  return [formatCount(r.row), r.loan_id ?? '', r.outcome, codes, details];
}
