import { RowError, trimSpacesAndTabs } from '@g2g/domain';
import { Database, EventStore, Sql, enqueue } from '@g2g/event-store';
import { programmeVersions } from '@g2g/platform';
import { createHash, randomUUID } from 'node:crypto';
import { BatchFormatError, ParsedRecord, parseBatch } from './batch-parser';
import { BatchHeader, BatchKindName, Candidate, SCHEMA, batchKinds } from './batch-kinds';

export { SCHEMA };
export type { BatchHeader, BatchKindName };

const CHUNK = 1000;
const STALE_MS = 30_000;
/** this process: a batch being received by a process that stopped beating is taken over */
const RECEIVER = randomUUID();

export interface BatchSummary {
  bank: string;
  kind: BatchKindName;
  batchRef: string;
  programme: string | null;
  status: 'receiving' | 'filed';
  rows: number;
  invalid: number;
  /** loan batches */
  approved: number;
  /** repayment, claim and recovery batches */
  accepted: number;
  rejected: number;
  pending: number;
  complete: boolean;
  sha256: string | null;
  error?: { code: string; message: string } | null;
}

export type FileResult =
  | { kind: 'filed'; summary: BatchSummary }
  | { kind: 'same'; summary: BatchSummary }
  | { kind: 'refused'; status: 400 | 404 | 409 | 422; code: string; message: string; summary?: BatchSummary };

/**
 * A bank's batch (loans, repayments, claims or recoveries), streamed: rows are checked and filed
 * 1,000 at a time, each chunk in one transaction with its events, its outbox messages and its row
 * outcomes, so a file of any size is never held in memory and nothing committed is lost if the
 * upload breaks. (bank, kind, batch_ref) is the idempotency key: the same bytes again return the
 * first result; other bytes under the same key are a conflict.
 */
export class FileBatch {
  private readonly store = new EventStore(SCHEMA);

  constructor(private readonly db: Database) {}

  async file(header: BatchHeader, body: AsyncIterable<Buffer>, now: () => Date): Promise<FileResult> {
    const { bank, kind, batchRef, programme, format } = header;
    if (kind === 'loans') {
      const versions = await programmeVersions(this.db, SCHEMA, programme ?? '');
      if (versions.length === 0) return drainThen(body, { kind: 'refused', status: 404, code: 'UNKNOWN_PROGRAMME', message: `no programme ${programme} is published` });
      if (!versions.some((v) => v.banks.includes(bank))) {
        return drainThen(body, { kind: 'refused', status: 422, code: 'BANK_NOT_IN_PROGRAMME', message: `${bank} is not a bank of programme ${programme}` });
      }
    }

    const reserved = await this.db.query(
      `insert into ${SCHEMA}.batches (bank, kind, batch_ref, programme, format, status, receiver, heartbeat_at, received_at)
       values ($1, $2, $3, $4, $5, 'receiving', $6, now(), $7) on conflict do nothing returning 1`,
      [bank, kind, batchRef, programme, format, RECEIVER, now().toISOString()],
    );
    let resuming = false;
    if (reserved.length === 0) {
      const existing = await this.batchRow(this.db, bank, kind, batchRef);
      if (existing.status === 'filed') {
        const sha256 = await hashOf(body);
        if (sha256 === existing.sha256 && existing.programme === programme) return { kind: 'same', summary: toSummary(existing) };
        return { kind: 'refused', status: 409, code: 'BATCH_CONFLICT', message: `${kind} batch ${batchRef} of ${bank} was filed with other content`, summary: toSummary(existing) };
      }
      const taken = await this.db.query(
        `update ${SCHEMA}.batches set receiver = $4, heartbeat_at = now()
          where bank = $1 and kind = $2 and batch_ref = $3 and status = 'receiving' and programme is not distinct from $5
            and heartbeat_at < now() - ($6 || ' milliseconds')::interval
          returning 1`,
        [bank, kind, batchRef, RECEIVER, programme, String(STALE_MS)],
      );
      if (taken.length === 0) {
        return drainThen(body, { kind: 'refused', status: 409, code: 'BATCH_IN_PROGRESS', message: `${kind} batch ${batchRef} of ${bank} is being received; ask again later` });
      }
      resuming = true;
    }

    const hash = createHash('sha256');
    const hashed = tap(body, (chunk) => hash.update(chunk));
    const stream = streamOf(header);
    let version = await this.store.version(this.db, stream);
    let error: { code: string; message: string } | null = null;
    let chunk: ParsedRecord[] = [];
    const flush = async () => {
      const records = chunk;
      chunk = [];
      version = await this.db.transaction(async (tx) => this.fileChunk(tx, header, records, version, resuming, now()));
    };
    try {
      for await (const record of parseBatch(hashed, format, batchKinds[kind].fields)) {
        chunk.push(record);
        if (chunk.length >= CHUNK) await flush();
      }
      if (chunk.length > 0) await flush();
    } catch (e) {
      if (!(e instanceof BatchFormatError)) throw e;
      error = { code: e.code, message: e.message };
    }

    const recorded = await this.batchRow(this.db, bank, kind, batchRef);
    if (error && recorded.rows === 0) {
      await this.db.query(`delete from ${SCHEMA}.batches where bank = $1 and kind = $2 and batch_ref = $3 and rows = 0`, [bank, kind, batchRef]);
      return { kind: 'refused', status: 400, code: error.code, message: error.message };
    }
    const sha256 = hash.digest('hex');
    await this.db.transaction(async (tx) => {
      await this.store.append(tx, [
        { streamId: stream, expected: version === 0 ? 'no_stream' : version, events: [{ type: 'intake.batch-closed.v1', data: { sha256, rows: recorded.rows, invalid: recorded.invalid, error } }] },
      ]);
      await tx.query(`update ${SCHEMA}.batches set status = 'filed', sha256 = $4, error = $5, filed_at = $6 where bank = $1 and kind = $2 and batch_ref = $3`, [
        bank,
        kind,
        batchRef,
        sha256,
        error ? JSON.stringify(error) : null,
        now().toISOString(),
      ]);
    });
    const summary = toSummary(await this.batchRow(this.db, bank, kind, batchRef));
    if (error) return { kind: 'refused', status: 400, code: error.code, message: `${error.message} (rows before it were filed)`, summary };
    return { kind: 'filed', summary };
  }

  /** Checks and files one chunk; returns the batch stream's new version. */
  private async fileChunk(tx: Sql, header: BatchHeader, records: ParsedRecord[], version: number, resuming: boolean, now: Date): Promise<number> {
    const { bank, kind, batchRef } = header;
    const spec = batchKinds[kind];
    if (resuming) {
      const done = new Set(
        (
          await tx.query<{ row: number }>(`select row from ${SCHEMA}.batch_rows where bank = $1 and kind = $2 and batch_ref = $3 and row = any($4::int[])`, [
            bank,
            kind,
            batchRef,
            records.map((r) => r.row),
          ])
        ).map((r) => r.row),
      );
      records = records.filter((r) => !done.has(r.row));
      if (records.length === 0) return version;
    }

    type Outcome = { row: number; loanId: string | null; errors: RowError[]; candidate?: Candidate<unknown> };
    const outcomes: Outcome[] = records.map((r) => {
      const loanId = r.fields?.loan_id !== undefined ? trimSpacesAndTabs(r.fields.loan_id) || null : null;
      if (r.error) return { row: r.row, loanId, errors: [r.error] };
      const checked = spec.check(r.fields ?? {});
      if (!checked.ok) return { row: r.row, loanId, errors: checked.errors };
      return { row: r.row, loanId, errors: [], candidate: { row: r.row, loanId: checked.loanId, value: checked.value } };
    });
    const candidates = outcomes.flatMap((o) => (o.candidate ? [o.candidate] : []));
    await spec.admit(tx, header, candidates);
    for (const o of outcomes) {
      if (o.candidate?.errors) {
        o.errors = o.candidate.errors;
        delete o.candidate;
      }
    }

    const filedAt = now.toISOString();
    const admitted = outcomes.filter((o) => o.candidate);
    const messages = admitted.map((o) => spec.message(header, o.candidate!, filedAt));
    const events = [
      ...(version === 0 ? [{ type: 'intake.batch-opened.v1', data: { bank, kind, batchRef, programme: header.programme, format: header.format, receivedAt: filedAt } }] : []),
      {
        type: 'intake.rows-checked.v1',
        data: {
          invalid: outcomes.filter((o) => !o.candidate).map((o) => ({ row: o.row, loanId: o.loanId, errors: o.errors })),
          filed: messages.map((m) => m.value),
        },
      },
    ];
    await this.store.append(tx, [{ streamId: streamOf(header), expected: version === 0 ? 'no_stream' : version, events }]);
    await enqueue(tx, SCHEMA, messages);
    await tx.query(
      `insert into ${SCHEMA}.batch_rows (bank, kind, batch_ref, row, loan_id, outcome, codes, errors)
       select $1, $2, $3, r, l, o, string_to_array(c, ','), e::jsonb
         from unnest($4::int[], $5::text[], $6::text[], $7::text[], $8::text[]) as t(r, l, o, c, e)`,
      [
        bank,
        kind,
        batchRef,
        outcomes.map((o) => o.row),
        outcomes.map((o) => o.loanId),
        outcomes.map((o) => (o.candidate ? 'pending' : 'invalid')),
        outcomes.map((o) => [...new Set(o.errors.map((e) => e.code))].join(',')),
        outcomes.map((o) => (o.candidate ? null : JSON.stringify(o.errors))),
      ],
    );
    await tx.query(
      `update ${SCHEMA}.batches set rows = rows + $4, invalid = invalid + $5, heartbeat_at = now() where bank = $1 and kind = $2 and batch_ref = $3`,
      [bank, kind, batchRef, outcomes.length, outcomes.length - admitted.length],
    );
    return version + events.length;
  }

  async summary(sql: Sql, bank: string, kind: BatchKindName, batchRef: string): Promise<BatchSummary | null> {
    const [row] = await sql.query<BatchRow>(`select * from ${SCHEMA}.batches where bank = $1 and kind = $2 and batch_ref = $3`, [bank, kind, batchRef]);
    return row ? toSummary(row) : null;
  }

  private async batchRow(sql: Sql, bank: string, kind: BatchKindName, batchRef: string): Promise<BatchRow> {
    const [row] = await sql.query<BatchRow>(`select * from ${SCHEMA}.batches where bank = $1 and kind = $2 and batch_ref = $3`, [bank, kind, batchRef]);
    return row;
  }
}

function streamOf({ bank, kind, batchRef }: BatchHeader): string {
  return kind === 'loans' ? `batch:${bank}:${batchRef}` : `batch:${kind}:${bank}:${batchRef}`;
}

interface BatchRow {
  bank: string;
  kind: BatchKindName;
  batch_ref: string;
  programme: string | null;
  status: 'receiving' | 'filed';
  sha256: string | null;
  rows: number;
  invalid: number;
  approved: number;
  accepted: number;
  rejected: number;
  error: { code: string; message: string } | null;
}

function toSummary(r: BatchRow): BatchSummary {
  const pending = r.rows - r.invalid - r.approved - r.accepted - r.rejected;
  return {
    bank: r.bank,
    kind: r.kind,
    batchRef: r.batch_ref,
    programme: r.programme,
    status: r.status,
    rows: r.rows,
    invalid: r.invalid,
    approved: r.approved,
    accepted: r.accepted,
    rejected: r.rejected,
    pending,
    complete: r.status === 'filed' && pending === 0,
    sha256: r.sha256,
    error: r.error,
  };
}

async function* tap(source: AsyncIterable<Buffer>, see: (chunk: Buffer) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    see(chunk);
    yield chunk;
  }
}

async function hashOf(body: AsyncIterable<Buffer>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of body) hash.update(chunk);
  return hash.digest('hex');
}

/** Reads the rest of the upload (so the client sees the answer, not a broken pipe), then answers. */
async function drainThen<T>(body: AsyncIterable<Buffer>, result: T): Promise<T> {
  for await (const _ of body) void _;
  return result;
}
