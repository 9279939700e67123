import { ApiClient, segment } from '../http';

/** What a bank files: loans, or the later interfaces of domain.md section 4. */
export type BatchKind = 'loans' | 'repayments' | 'claims' | 'recoveries';

/** The path segment of each kind: `/banks/{bank}/{segment}/{batchRef}`. */
export const KIND_SEGMENT: Readonly<Record<BatchKind, string>> = { loans: 'batches', repayments: 'repayments', claims: 'claims', recoveries: 'recoveries' };

/** One batch: (bank, kind, batch_ref) is the platform's idempotency key. */
export interface BatchId {
  kind: BatchKind;
  bank: string;
  batchRef: string;
}

/** The summary of a batch (PUT and GET /banks/{bank}/{segment}/{batchRef}). */
export interface BatchSummary {
  bank: string;
  /** absent from servers that knew only loan batches */
  kind?: BatchKind;
  batchRef: string;
  /** loan batches only; null for repayments, claims and recoveries */
  programme: string | null;
  rows: number;
  invalid: number;
  /** loan rows issued a guarantee */
  approved: number;
  /** repayment, claim and recovery rows booked */
  accepted?: number;
  rejected: number;
  pending: number;
  complete: boolean;
  /** set when the upload stopped at a format error after some rows were filed */
  error?: { code: string; message: string } | null;
}

export type RowOutcome = 'invalid' | 'approved' | 'accepted' | 'rejected' | 'pending';

export interface RowError {
  code: string;
  field?: string;
  message: string;
}

/** One row's outcome (GET /banks/{bank}/{segment}/{batchRef}/rows). */
export interface RowResult {
  row: number;
  /** null when the row had no readable loan_id */
  loan_id: string | null;
  outcome: RowOutcome;
  codes: string[];
  errors?: RowError[];
}

export interface RowPage {
  rows: RowResult[];
  next: number | null;
}

export const PAGE_SIZE = 1000;

export function batchPath(batch: BatchId): string {
  return `/banks/${segment(batch.bank)}/${KIND_SEGMENT[batch.kind]}/${segment(batch.batchRef)}`;
}

/** Rows decided so far: every row that is not pending. */
export function decided(summary: BatchSummary): number {
  return Math.max(0, summary.rows - summary.pending);
}

export async function getSummary(client: ApiClient, batch: BatchId): Promise<BatchSummary> {
  return (await client.get<BatchSummary>(batchPath(batch))).body;
}

/**
 * Every row of a batch, page by page: `after` starts at 0 and takes the server's `next` until it is
 * null. A `next` that does not move forward is a server fault, not a reason to loop forever.
 */
export async function* walkRows(client: ApiClient, batch: BatchId, pageSize = PAGE_SIZE): AsyncGenerator<RowResult[]> {
  let after = 0;
  for (;;) {
    const { body } = await client.get<RowPage>(`${batchPath(batch)}/rows`, { after, limit: pageSize });
    const rows = Array.isArray(body?.rows) ? body.rows : [];
    if (rows.length > 0) yield rows;
    const next = body?.next ?? null;
    if (next === null) return;
    if (typeof next !== 'number' || next <= after) throw new Error(`the server's page cursor did not advance (after=${after}, next=${String(next)})`);
    after = next;
  }
}

/** The machine form of a row: `{row, loan_id, outcome, codes}`. */
export function rowForJson(r: RowResult): { row: number; loan_id: string | null; outcome: RowOutcome; codes: string[] } {
  return { row: r.row, loan_id: r.loan_id, outcome: r.outcome, codes: r.codes ?? [] };
}

/** Writes rows as one JSON array, a page at a time, never holding the whole batch in memory. */
export async function writeRowsAsJson(pages: AsyncIterable<RowResult[]>, out: (text: string) => Promise<void>): Promise<number> {
  let count = 0;
  await out('[');
  for await (const page of pages) {
    const text = page.map((r) => `${count++ === 0 ? '\n' : ',\n'}  ${JSON.stringify(rowForJson(r))}`).join('');
    await out(text);
  }
  await out(count === 0 ? ']\n' : '\n]\n');
  return count;
}
