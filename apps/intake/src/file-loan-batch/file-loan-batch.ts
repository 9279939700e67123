import { LoanFiledV1, loanFiledV1 } from '@g2g/contracts';
import { LoanRow, RowError, trimSpacesAndTabs, validateLoanRow } from '@g2g/domain';
import { Database, EventStore, OutboxMessage, Sql, enqueue } from '@g2g/event-store';
import { programmeVersions } from '@g2g/platform';
import { createHash, randomUUID } from 'node:crypto';
import { BatchFormat, BatchFormatError, ParsedRecord, parseBatch } from './batch-parser';

export const SCHEMA = 'intake';
const CHUNK = 1000;
const STALE_MS = 30_000;
/** this process: a batch being received by a process that stopped beating is taken over */
const RECEIVER = randomUUID();

export interface BatchSummary {
  bank: string;
  batchRef: string;
  programme: string;
  status: 'receiving' | 'filed';
  rows: number;
  invalid: number;
  approved: number;
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

export interface BatchHeader {
  bank: string;
  batchRef: string;
  programme: string;
  format: BatchFormat;
}

/**
 * A bank's loan batch, streamed: rows are checked and filed 1,000 at a time, each chunk in one
 * transaction with its events, its outbox messages to underwriting and its row outcomes, so a
 * file of any size is never held in memory and nothing committed is lost if the upload breaks.
 * (bank, batch_ref) is the idempotency key: the same bytes again return the first result; other
 * bytes under the same key are a conflict.
 */
export class FileLoanBatch {
  private readonly store = new EventStore(SCHEMA);

  constructor(private readonly db: Database) {}

  async file(header: BatchHeader, body: AsyncIterable<Buffer>, now: () => Date): Promise<FileResult> {
    const { bank, batchRef, programme, format } = header;
    const versions = await programmeVersions(this.db, SCHEMA, programme);
    if (versions.length === 0) return drainThen(body, { kind: 'refused', status: 404, code: 'UNKNOWN_PROGRAMME', message: `no programme ${programme} is published` });
    if (!versions.some((v) => v.banks.includes(bank))) {
      return drainThen(body, { kind: 'refused', status: 422, code: 'BANK_NOT_IN_PROGRAMME', message: `${bank} is not a bank of programme ${programme}` });
    }

    const reserved = await this.db.query(
      `insert into ${SCHEMA}.batches (bank, batch_ref, programme, format, status, receiver, heartbeat_at, received_at)
       values ($1, $2, $3, $4, 'receiving', $5, now(), $6) on conflict do nothing returning 1`,
      [bank, batchRef, programme, format, RECEIVER, now().toISOString()],
    );
    let resuming = false;
    if (reserved.length === 0) {
      const existing = await this.batchRow(this.db, bank, batchRef);
      if (existing.status === 'filed') {
        const sha256 = await hashOf(body);
        if (sha256 === existing.sha256 && existing.programme === programme) return { kind: 'same', summary: toSummary(existing) };
        return { kind: 'refused', status: 409, code: 'BATCH_CONFLICT', message: `batch ${batchRef} of ${bank} was filed with other content`, summary: toSummary(existing) };
      }
      const taken = await this.db.query(
        `update ${SCHEMA}.batches set receiver = $3, heartbeat_at = now()
          where bank = $1 and batch_ref = $2 and status = 'receiving' and programme = $4 and heartbeat_at < now() - ($5 || ' milliseconds')::interval
          returning 1`,
        [bank, batchRef, RECEIVER, programme, String(STALE_MS)],
      );
      if (taken.length === 0) {
        return drainThen(body, { kind: 'refused', status: 409, code: 'BATCH_IN_PROGRESS', message: `batch ${batchRef} of ${bank} is being received; ask again later` });
      }
      resuming = true;
    }

    const hash = createHash('sha256');
    const hashed = tap(body, (chunk) => hash.update(chunk));
    const stream = `batch:${bank}:${batchRef}`;
    let version = await this.store.version(this.db, stream);
    let error: { code: string; message: string } | null = null;
    let chunk: ParsedRecord[] = [];
    const flush = async () => {
      const records = chunk;
      chunk = [];
      version = await this.db.transaction(async (tx) => this.fileChunk(tx, header, records, version, resuming, now()));
    };
    try {
      for await (const record of parseBatch(hashed, format)) {
        chunk.push(record);
        if (chunk.length >= CHUNK) await flush();
      }
      if (chunk.length > 0) await flush();
    } catch (e) {
      if (!(e instanceof BatchFormatError)) throw e;
      error = { code: e.code, message: e.message };
    }

    const recorded = await this.batchRow(this.db, bank, batchRef);
    if (error && recorded.rows === 0) {
      await this.db.query(`delete from ${SCHEMA}.batches where bank = $1 and batch_ref = $2 and rows = 0`, [bank, batchRef]);
      return { kind: 'refused', status: 400, code: error.code, message: error.message };
    }
    const sha256 = hash.digest('hex');
    await this.db.transaction(async (tx) => {
      await this.store.append(tx, [
        { streamId: stream, expected: version === 0 ? 'no_stream' : version, events: [{ type: 'intake.batch-closed.v1', data: { sha256, rows: recorded.rows, invalid: recorded.invalid, error } }] },
      ]);
      await tx.query(`update ${SCHEMA}.batches set status = 'filed', sha256 = $3, error = $4, filed_at = $5 where bank = $1 and batch_ref = $2`, [
        bank,
        batchRef,
        sha256,
        error ? JSON.stringify(error) : null,
        now().toISOString(),
      ]);
    });
    const summary = toSummary(await this.batchRow(this.db, bank, batchRef));
    if (error) return { kind: 'refused', status: 400, code: error.code, message: `${error.message} (rows before it were filed)`, summary };
    return { kind: 'filed', summary };
  }

  /** Checks and files one chunk; returns the batch stream's new version. */
  private async fileChunk(tx: Sql, header: BatchHeader, records: ParsedRecord[], version: number, resuming: boolean, now: Date): Promise<number> {
    const { bank, batchRef, programme } = header;
    if (resuming) {
      const done = new Set(
        (await tx.query<{ row: number }>(`select row from ${SCHEMA}.batch_rows where bank = $1 and batch_ref = $2 and row = any($3::int[])`, [bank, batchRef, records.map((r) => r.row)])).map((r) => r.row),
      );
      records = records.filter((r) => !done.has(r.row));
      if (records.length === 0) return version;
    }

    type Outcome = { row: number; loanId: string | null; errors: RowError[]; loan?: LoanRow };
    const outcomes: Outcome[] = records.map((r) => {
      const loanId = r.fields?.loan_id !== undefined ? trimSpacesAndTabs(r.fields.loan_id) || null : null;
      if (r.error) return { row: r.row, loanId, errors: [r.error] };
      const checked = validateLoanRow(r.fields ?? {});
      return checked.ok ? { row: r.row, loanId, errors: [], loan: checked.row } : { row: r.row, loanId, errors: checked.errors };
    });

    // A loan id is filed once per bank, forever: the database decides which row got there first.
    const candidates = outcomes.filter((o) => o.loan);
    if (candidates.length > 0) {
      const won = new Set(
        (
          await tx.query<{ row: number }>(
            `insert into ${SCHEMA}.filed_loans (bank, loan_id, batch_ref, row)
             select $1, l, $2, r from unnest($3::text[], $4::int[]) as t(l, r)
             on conflict (bank, loan_id) do nothing returning row`,
            [bank, batchRef, candidates.map((o) => o.loan!.loanId), candidates.map((o) => o.row)],
          )
        ).map((r) => r.row),
      );
      const lost = candidates.filter((o) => !won.has(o.row));
      if (lost.length > 0) {
        const firsts = new Map(
          (
            await tx.query<{ loan_id: string; batch_ref: string; row: number }>(
              `select loan_id, batch_ref, row from ${SCHEMA}.filed_loans where bank = $1 and loan_id = any($2::text[])`,
              [bank, lost.map((o) => o.loan!.loanId)],
            )
          ).map((r) => [r.loan_id, r]),
        );
        for (const o of lost) {
          const first = firsts.get(o.loan!.loanId);
          o.errors = [
            {
              code: 'DUPLICATE_LOAN_ID',
              field: 'loan_id',
              message:
                first && first.batch_ref === batchRef
                  ? `loan_id ${o.loanId} repeats row ${first.row} of this batch`
                  : `loan_id ${o.loanId} was already filed by ${bank}${first ? ` in batch ${first.batch_ref}` : ''}`,
            },
          ];
          delete o.loan;
        }
      }
    }

    const filedAt = now.toISOString();
    const filed: LoanFiledV1[] = outcomes
      .filter((o) => o.loan)
      .map((o) => {
        const l = o.loan!;
        return {
          guaranteeId: `${bank}/${l.loanId}`,
          bank,
          loanId: l.loanId,
          batchRef,
          row: o.row,
          programme,
          borrower: { idType: l.borrowerIdType, id: l.borrowerId, name: l.borrowerName, type: l.borrowerType },
          industryCode: l.industryCode,
          regionCode: l.regionCode,
          sciTech: l.sciTech,
          agriRelated: l.agriRelated,
          principalFen: l.principalFen.toString(),
          currency: 'CNY',
          interestRatePct: l.interestRatePct,
          guaranteeFeeRatePct: l.guaranteeFeeRatePct,
          disbursedOn: l.disbursedOn,
          maturesOn: l.maturesOn,
          filedAt,
        };
      });

    const stream = `batch:${bank}:${batchRef}`;
    const events = [
      ...(version === 0 ? [{ type: 'intake.batch-opened.v1', data: { bank, batchRef, programme, format: header.format, receivedAt: filedAt } }] : []),
      {
        type: 'intake.rows-checked.v1',
        data: {
          invalid: outcomes.filter((o) => !o.loan).map((o) => ({ row: o.row, loanId: o.loanId, errors: o.errors })),
          filed: filed,
        },
      },
    ];
    await this.store.append(tx, [{ streamId: stream, expected: version === 0 ? 'no_stream' : version, events }]);
    const outbox: OutboxMessage[] = filed.map((f) => ({ topic: loanFiledV1.topic, key: loanFiledV1.key(f), value: f }));
    await enqueue(tx, SCHEMA, outbox);
    await tx.query(
      `insert into ${SCHEMA}.batch_rows (bank, batch_ref, row, loan_id, outcome, codes, errors)
       select $1, $2, r, l, o, string_to_array(c, ','), e::jsonb
         from unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::text[]) as t(r, l, o, c, e)`,
      [
        bank,
        batchRef,
        outcomes.map((o) => o.row),
        outcomes.map((o) => o.loanId),
        outcomes.map((o) => (o.loan ? 'pending' : 'invalid')),
        outcomes.map((o) => [...new Set(o.errors.map((e) => e.code))].join(',')),
        outcomes.map((o) => (o.loan ? null : JSON.stringify(o.errors))),
      ],
    );
    const invalid = outcomes.filter((o) => !o.loan).length;
    await tx.query(
      `update ${SCHEMA}.batches set rows = rows + $3, invalid = invalid + $4, heartbeat_at = now() where bank = $1 and batch_ref = $2`,
      [bank, batchRef, outcomes.length, invalid],
    );
    return version + events.length;
  }

  async summary(sql: Sql, bank: string, batchRef: string): Promise<BatchSummary | null> {
    const [row] = await sql.query<BatchRow>(`select * from ${SCHEMA}.batches where bank = $1 and batch_ref = $2`, [bank, batchRef]);
    return row ? toSummary(row) : null;
  }

  private async batchRow(sql: Sql, bank: string, batchRef: string): Promise<BatchRow> {
    const [row] = await sql.query<BatchRow>(`select * from ${SCHEMA}.batches where bank = $1 and batch_ref = $2`, [bank, batchRef]);
    return row;
  }
}

interface BatchRow {
  bank: string;
  batch_ref: string;
  programme: string;
  status: 'receiving' | 'filed';
  sha256: string | null;
  rows: number;
  invalid: number;
  approved: number;
  rejected: number;
  error: { code: string; message: string } | null;
}

function toSummary(r: BatchRow): BatchSummary {
  const pending = r.rows - r.invalid - r.approved - r.rejected;
  return {
    bank: r.bank,
    batchRef: r.batch_ref,
    programme: r.programme,
    status: r.status,
    rows: r.rows,
    invalid: r.invalid,
    approved: r.approved,
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
