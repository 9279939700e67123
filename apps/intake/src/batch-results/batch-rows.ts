import { Sql } from '@g2g/event-store';
import { BatchKindName, SCHEMA } from '../file-batch/batch-kinds';
import { OUTCOME_OF, unpackCodes } from '../projection/packed';
import { UNIT_SEPARATOR } from '@g2g/event-store';

export interface RowResult {
  row: number;
  loan_id: string | null;
  outcome: string;
  codes: string[];
  errors?: unknown;
}

/** Which rows a page keeps: an outcome, a code among the row's; both optional. */
export interface RowFilter {
  outcome?: string;
  code?: string;
}

/** Rows of a batch numbered above `after` that pass the filter, at most `limit`, in order: read from its chunks. */
export async function batchRows(sql: Sql, bank: string, kind: BatchKindName, batchRef: string, after: number, limit: number, filter: RowFilter = {}): Promise<RowResult[]> {
  const out: RowResult[] = [];
  let from = after;
  while (out.length < limit) {
    const chunks = await sql.query<{ first_row: number; last_row: number; loan_ids: string; outcomes: string; codes: string; errors: Record<string, unknown> | null }>(
      `select first_row, last_row, loan_ids, outcomes, codes, errors from ${SCHEMA}.batch_chunks
        where bank = $1 and kind = $2 and batch_ref = $3 and last_row > $4 order by first_row limit 20`,
      [bank, kind, batchRef, from],
    );
    if (chunks.length === 0) break;
    for (const c of chunks) {
      const n = c.last_row - c.first_row + 1;
      const ids = c.loan_ids.split(UNIT_SEPARATOR);
      const codes = unpackCodes(c.codes, n);
      for (let i = 0; i < n && out.length < limit; i++) {
        const row = c.first_row + i;
        if (row <= from) continue;
        const outcome = OUTCOME_OF[c.outcomes[i]];
        if (filter.outcome !== undefined && outcome !== filter.outcome) continue;
        if (filter.code !== undefined && !codes[i].includes(filter.code)) continue;
        const errors = outcome === 'invalid' ? c.errors?.[String(row)] : undefined;
        out.push({ row, loan_id: ids[i] === '' ? null : ids[i], outcome, codes: codes[i], ...(errors ? { errors } : {}) });
      }
      from = c.last_row;
      if (out.length >= limit) break;
    }
  }
  return out;
}
