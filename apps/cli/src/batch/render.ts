import { formatCount, table } from '../format';
import { BatchKind, BatchSummary, RowResult } from './batch-api';
import { KIND_SPECS } from './kinds';

/**
 * The human form of a batch summary. A loan batch counts approved rows; repayments, claims and
 * recoveries count accepted ones (the server sends both counts; the other is always 0).
 */
export function renderSummary(s: BatchSummary, note?: string, kind: BatchKind = s.kind ?? 'loans'): string {
  const spec = KIND_SPECS[kind];
  const head = spec.needsProgramme
    ? `batch ${s.bank}/${s.batchRef} in programme ${s.programme ?? '?'}${note ? ` (${note})` : ''}`
    : `${spec.noun} ${s.bank}/${s.batchRef}${note ? ` (${note})` : ''}`;
  const good = spec.goodOutcome === 'approved' ? s.approved : (s.accepted ?? 0);
  const rows = [
    ['rows', formatCount(s.rows)],
    [spec.goodOutcome, formatCount(good)],
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
  const counts: Record<string, number> = { approved: 0, accepted: 0, rejected: 0, invalid: 0, pending: 0 };
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
