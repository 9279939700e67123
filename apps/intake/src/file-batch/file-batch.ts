import { MAX_LOAN_ID_LENGTH, RowError, keptText, trimSpacesAndTabs, visibleText } from '@g2g/domain';
import { Database, EventStore, NewEvent, Sql, isConnectionError } from '@g2g/event-store';
import { programmeVersions } from '@g2g/platform';
import { createHash, randomUUID } from 'node:crypto';
import { BatchFormatError, ParsedRecord, parseBatchPieces } from './batch-parser';
import { BatchHeader, BatchKindName, Candidate, SCHEMA, batchKinds } from './batch-kinds';
import { RowsCheckedV2, applyIntakeEvents } from '../projection/intake-projection';

export { SCHEMA };
export type { BatchHeader, BatchKindName };

const CHUNK = 1000;
/**
 * A chunk also ends once its rows hold this many characters: a chunk of rows as long as a row may
 * be (1 MiB) is checked and held a few at a time, not a thousand (a gigabyte, and seconds in which
 * intake answers nobody).
 */
const CHUNK_CHARACTERS = 8 << 20;

/** How long uploads may hold a ref and wait for bytes (docs/reliability.md, "Uploads"). */
export interface UploadLimits {
  /** a receiving process renews its hold on a batch this often divided by three; a hold not renewed for this long has lapsed */
  leaseMs: number;
  /** an upload that sends no byte for this long is cut off (408 UPLOAD_STALLED) */
  stallMs: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { leaseMs: 30_000, stallMs: 60_000 };

/**
 * - receiving: an upload is being received now (one at a time per ref);
 * - incomplete: the last upload ended part-way (bad bytes, a stall, a disconnect, a crash): the
 *   rows counted were filed and each gets its outcome; resending the file resumes after them;
 * - filed: every row of the file was filed.
 */
export type BatchStatus = 'receiving' | 'incomplete' | 'filed';

export interface BatchSummary {
  bank: string;
  kind: BatchKindName;
  batchRef: string;
  programme: string | null;
  status: BatchStatus;
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
  | { kind: 'refused'; status: 400 | 404 | 408 | 409 | 422 | 503; code: string; message: string; summary?: BatchSummary; retryAfterSeconds?: number };

/** An upload that cannot go on; the batch keeps what was filed before. */
class Interrupted extends Error {
  constructor(
    readonly code: 'UPLOAD_STALLED' | 'UPLOAD_ABORTED' | 'LEASE_LOST' | 'BATCH_CONFLICT',
    message: string,
  ) {
    super(message);
  }
}

interface FiledChunk {
  firstRow: number;
  lastRow: number;
  digest: string;
}

/**
 * A bank's batch (loans, repayments, claims or recoveries), streamed: rows are checked and filed
 * 1,000 at a time (fewer when they are long), each chunk in one transaction with its events, its
 * outbox messages and its row outcomes, so a file of any size is never held in memory and nothing
 * committed is lost if the upload breaks. (bank, kind, batch_ref) is the idempotency key: the same bytes again return the
 * first result; other bytes under the same key are a conflict.
 *
 * One upload of a ref is live at a time: it holds a lease on the batch row, renewed while it runs
 * and checked by every chunk's transaction (a fence: a receiver that lost its lease files
 * nothing more). An upload that ends part-way leaves the batch `incomplete` with exactly the rows
 * filed; a resend of the same file takes the batch over, checks that the rows already filed are
 * the same (a digest per chunk) and files the rest.
 */
export class FileBatch {
  private readonly store = new EventStore(SCHEMA);

  constructor(
    private readonly db: Database,
    private readonly limits: UploadLimits = DEFAULT_UPLOAD_LIMITS,
  ) {}

  async file(header: BatchHeader, body: AsyncIterable<Buffer>, now: () => Date): Promise<FileResult> {
    const { bank, kind, batchRef, programme, format } = header;
    if (kind === 'loans') {
      const versions = await programmeVersions(this.db, SCHEMA, programme ?? '');
      if (versions.length === 0) return drainThen(body, { kind: 'refused', status: 404, code: 'UNKNOWN_PROGRAMME', message: `no programme ${programme} is published` });
      if (!versions.some((v) => v.banks.includes(bank))) {
        return drainThen(body, { kind: 'refused', status: 422, code: 'BANK_NOT_IN_PROGRAMME', message: `${bank} is not a bank of programme ${programme}` });
      }
    }

    const uploadId = randomUUID();
    const taken = await this.take(header, uploadId, now());
    if (taken.kind === 'answer') return taken.answer(body);
    const { filed } = taken;

    const hash = createHash('sha256');
    const lease = this.holdLease(header, uploadId);
    const source = watched(body, this.limits.stallMs, (bytes) => hash.update(bytes), () => lease.lost);
    const stream = streamOf(header);
    let version = await this.store.version(this.db, stream);
    const prefix = new PrefixCheck(filed, batchKinds[kind].fields);
    let pending: ParsedRecord[] = [];
    // One chunk commits while the next is read: at most one transaction in flight, in order.
    let inflight: Promise<void> = Promise.resolve();
    let characters = 0;
    const flush = async () => {
      if (pending.length === 0) return inflight;
      // the rows are checked while the chunk before them commits
      const checked = checkChunk(header.kind, pending);
      pending = [];
      characters = 0;
      await inflight;
      inflight = this.db.transaction(async (tx) => this.fileChunk(tx, header, uploadId, checked, version, now())).then((v) => {
        version = v;
      });
      inflight.catch(() => undefined); // seen by the next flush
    };
    const settled = () => inflight.catch(() => undefined);

    let failure: { code: string; message: string; status: 400 | 408 } | null = null;
    try {
      for await (const records of parseBatchPieces(source, format, batchKinds[kind].fields)) {
        for (const record of records) {
          if (prefix.covers(record.row)) {
            if (!prefix.matches(record)) throw new Interrupted('BATCH_CONFLICT', `rows 1-${prefix.lastRow} of ${kind} batch ${batchRef} of ${bank} were filed with other content`);
            continue;
          }
          pending.push(record);
          characters += lengthOf(record);
          if (pending.length >= CHUNK || characters >= CHUNK_CHARACTERS) await flush();
        }
      }
      if (!prefix.complete) throw new Interrupted('BATCH_CONFLICT', `${kind} batch ${batchRef} of ${bank} has ${prefix.lastRow} rows filed; this file has fewer`);
      await flush();
      await inflight;
    } catch (error) {
      await settled();
      if (error instanceof BatchFormatError && !prefix.complete) {
        // the rows already filed read differently now: these are not the same bytes
        return this.release(header, uploadId, 409, 'BATCH_CONFLICT', `rows 1-${prefix.lastRow} of ${kind} batch ${batchRef} of ${bank} were filed with other content`, lease);
      }
      if (error instanceof BatchFormatError || (error instanceof Interrupted && (error.code === 'UPLOAD_STALLED' || error.code === 'UPLOAD_ABORTED'))) {
        const code = (error as BatchFormatError | Interrupted).code;
        failure = { code, message: error.message, status: code === 'UPLOAD_STALLED' ? 408 : 400 };
        try {
          await flush(); // the complete rows read before the problem are filed too
          await inflight;
        } catch (flushError) {
          return this.failedOnDatabase(header, uploadId, flushError, lease);
        }
      } else if (error instanceof Interrupted && error.code === 'BATCH_CONFLICT') {
        return this.release(header, uploadId, 409, 'BATCH_CONFLICT', error.message, lease);
      } else if (error instanceof Interrupted && error.code === 'LEASE_LOST') {
        lease.stop();
        return { kind: 'refused', status: 409, code: 'BATCH_IN_PROGRESS', message: `${kind} batch ${batchRef} of ${bank} was taken over by another upload`, retryAfterSeconds: 1 };
      } else {
        return this.failedOnDatabase(header, uploadId, error, lease);
      }
    }
    lease.stop();

    if (failure) return this.interrupted(header, uploadId, stream, version, failure, now());
    const sha256 = hash.digest('hex');
    const closed = await this.db.transaction(async (tx) => {
      const row = await this.fence(tx, header, uploadId);
      const events = [{ type: 'intake.batch-closed.v1', data: { bank, kind, batchRef, sha256, rows: row.rows, invalid: row.invalid, at: now().toISOString() } }];
      await this.store.append(tx, [{ streamId: stream, expected: version === 0 ? 'no_stream' : version, events }]);
      await applyIntakeEvents(tx, events);
      await tx.query(`update ${SCHEMA}.batches set receiver = null, lease_until = null where bank = $1 and kind = $2 and batch_ref = $3`, [bank, kind, batchRef]);
      return true;
    }).catch((error) => error);
    if (closed !== true) return this.failedOnDatabase(header, uploadId, closed, lease);
    return { kind: 'filed', summary: (await this.summary(this.db, bank, kind, batchRef))! };
  }

  /**
   * Reserves the ref for this upload, or takes over a batch whose last upload ended part-way.
   * Otherwise the answer to give once the body is read: the first result, a conflict, or "in
   * progress" while another upload holds the ref.
   */
  private async take(
    header: BatchHeader,
    uploadId: string,
    now: Date,
  ): Promise<{ kind: 'take'; filed: FiledChunk[] } | { kind: 'answer'; answer: (body: AsyncIterable<Buffer>) => Promise<FileResult> }> {
    const { bank, kind, batchRef, programme, format } = header;
    const key = [bank, kind, batchRef];
    const reserved = await this.db.query(
      `insert into ${SCHEMA}.batches (bank, kind, batch_ref, programme, format, status, receiver, heartbeat_at, lease_until, received_at)
       values ($1, $2, $3, $4, $5, 'receiving', $6, now(), now() + $7 * interval '1 millisecond', $8) on conflict do nothing returning 1`,
      [...key, programme, format, uploadId, this.limits.leaseMs, now.toISOString()],
    );
    if (reserved.length > 0) return { kind: 'take', filed: [] };

    const existing = (await this.batchRow(this.db, bank, kind, batchRef))!;
    const summary = toSummary(existing);
    if (existing.status === 'filed') {
      return {
        kind: 'answer',
        answer: async (body) => {
          const sha256 = await hashOf(body);
          if (sha256 === existing.sha256 && existing.programme === programme) return { kind: 'same', summary };
          return { kind: 'refused', status: 409, code: 'BATCH_CONFLICT', message: `${kind} batch ${batchRef} of ${bank} was filed with other content`, summary };
        },
      };
    }
    if (existing.programme !== programme || existing.format !== format) {
      const what = existing.programme !== programme ? `for programme ${existing.programme}` : `as ${existing.format}`;
      return answer({ kind: 'refused', status: 409, code: 'BATCH_CONFLICT', message: `${kind} batch ${batchRef} of ${bank} was begun ${what}`, summary });
    }
    const [takenOver] = await this.db.query<{ taken: boolean }>(
      `update ${SCHEMA}.batches
          set status = 'receiving', receiver = $4, heartbeat_at = now(), lease_until = now() + $5 * interval '1 millisecond',
              error = case when status = 'receiving' then $6::jsonb else error end
        where bank = $1 and kind = $2 and batch_ref = $3 and (status = 'incomplete' or lease_until < now())
        returning true as taken`,
      [...key, uploadId, this.limits.leaseMs, JSON.stringify(INTERRUPTED)],
    );
    if (!takenOver) {
      const [{ seconds }] = await this.db.query<{ seconds: number }>(
        `select greatest(1, ceil(extract(epoch from (lease_until - now()))))::int as seconds from ${SCHEMA}.batches where bank = $1 and kind = $2 and batch_ref = $3`,
        key,
      );
      return answer({
        kind: 'refused',
        status: 409,
        code: 'BATCH_IN_PROGRESS',
        message: `${kind} batch ${batchRef} of ${bank} is being received by another upload; ask again later`,
        summary,
        retryAfterSeconds: seconds ?? 1,
      });
    }
    const filed = await this.db.query<{ first_row: number; last_row: number; digest: string }>(
      `select first_row, last_row, digest from ${SCHEMA}.batch_chunks where bank = $1 and kind = $2 and batch_ref = $3 order by first_row`,
      key,
    );
    return { kind: 'take', filed: filed.map((c) => ({ firstRow: c.first_row, lastRow: c.last_row, digest: c.digest })) };

    function answer(result: FileResult) {
      return { kind: 'answer' as const, answer: (body: AsyncIterable<Buffer>) => drainThen(body, result) };
    }
  }

  /** Renews this upload's lease while it runs; `lost` once another upload took the batch over. */
  private holdLease(header: BatchHeader, uploadId: string): { lost: boolean; stop(): void } {
    const state = { lost: false, stop: () => clearInterval(timer) };
    const timer = setInterval(() => {
      this.db
        .query(
          `update ${SCHEMA}.batches set lease_until = now() + $5 * interval '1 millisecond', heartbeat_at = now()
            where bank = $1 and kind = $2 and batch_ref = $3 and receiver = $4 and status = 'receiving' returning 1`,
          [header.bank, header.kind, header.batchRef, uploadId, this.limits.leaseMs],
        )
        .then((rows) => {
          if (rows.length === 0) state.lost = true;
        })
        .catch(() => undefined); // the database is away: the next chunk's transaction will say so
    }, Math.max(100, Math.floor(this.limits.leaseMs / 3)));
    timer.unref();
    return state;
  }

  /** Locks the batch row for this transaction and checks that this upload still holds it; with its counts. */
  private async fence(tx: Sql, { bank, kind, batchRef }: BatchHeader, uploadId: string): Promise<BatchRow> {
    const [row] = await tx.query<BatchRow>(`select * from ${SCHEMA}.batches where bank = $1 and kind = $2 and batch_ref = $3 for update`, [bank, kind, batchRef]);
    if (!row || row.receiver !== uploadId || row.status !== 'receiving') throw new Interrupted('LEASE_LOST', 'another upload took this batch over');
    return { ...row, ...(await countsOf(tx, bank, kind, batchRef)) };
  }

  /** Ends an upload part-way: the batch is incomplete with the rows filed (or gone, if none were). */
  private async interrupted(header: BatchHeader, uploadId: string, stream: string, version: number, failure: { code: string; message: string; status: 400 | 408 }, now: Date): Promise<FileResult> {
    const { bank, kind, batchRef } = header;
    const rowsFiled = await this.db.transaction(async (tx) => {
      const row = await this.fence(tx, header, uploadId).catch(() => null);
      if (!row) return null;
      if (row.rows === 0) {
        await tx.query(`delete from ${SCHEMA}.batches where bank = $1 and kind = $2 and batch_ref = $3`, [bank, kind, batchRef]);
        return 0;
      }
      const error = { code: failure.code, message: `${visibleText(failure.message).slice(0, 500)} (rows 1-${row.rows} are filed; resend the file with the same ref to go on)` };
      const events = [{ type: 'intake.upload-interrupted.v1', data: { bank, kind, batchRef, rows: row.rows, invalid: row.invalid, error, at: now.toISOString() } }];
      await this.store.append(tx, [{ streamId: stream, expected: version, events }]);
      await applyIntakeEvents(tx, events);
      await tx.query(`update ${SCHEMA}.batches set receiver = null, lease_until = null where bank = $1 and kind = $2 and batch_ref = $3`, [bank, kind, batchRef]);
      return row.rows;
    });
    if (rowsFiled === null) return { kind: 'refused', status: 409, code: 'BATCH_IN_PROGRESS', message: `${kind} batch ${batchRef} of ${bank} was taken over by another upload`, retryAfterSeconds: 1 };
    const summary = rowsFiled > 0 ? await this.summary(this.db, bank, kind, batchRef) : null;
    return { kind: 'refused', status: failure.status, code: failure.code, message: summary?.error?.message ?? failure.message, ...(summary ? { summary } : {}) };
  }

  /** Gives the batch back (incomplete, as it was) without filing more: the answer is a conflict. */
  private async release(header: BatchHeader, uploadId: string, status: 409, code: string, message: string, lease: { stop(): void }): Promise<FileResult> {
    lease.stop();
    const { bank, kind, batchRef } = header;
    await this.db.query(
      `update ${SCHEMA}.batches set status = 'incomplete', receiver = null, lease_until = null where bank = $1 and kind = $2 and batch_ref = $3 and receiver = $4`,
      [bank, kind, batchRef, uploadId],
    );
    return { kind: 'refused', status, code, message, summary: (await this.summary(this.db, bank, kind, batchRef)) ?? undefined };
  }

  /**
   * The database failed under the upload. When it is unreachable the bank is told to retry (503):
   * the rows committed before stay filed and a resend resumes after them. Anything else is a
   * fault of the platform and goes up as it is.
   */
  private async failedOnDatabase(header: BatchHeader, uploadId: string, error: unknown, lease: { stop(): void }): Promise<FileResult> {
    lease.stop();
    if (error instanceof Interrupted && error.code === 'LEASE_LOST') {
      return { kind: 'refused', status: 409, code: 'BATCH_IN_PROGRESS', message: `${header.kind} batch ${header.batchRef} of ${header.bank} was taken over by another upload`, retryAfterSeconds: 1 };
    }
    const unreachable = isConnectionError(error);
    // give the batch back at once, so that a resend need not wait for the lease to lapse
    await this.db
      .query(
        `update ${SCHEMA}.batches set status = case when rows = 0 then status else 'incomplete' end, error = $5, receiver = null, lease_until = now()
          where bank = $1 and kind = $2 and batch_ref = $3 and receiver = $4`,
        [header.bank, header.kind, header.batchRef, uploadId, JSON.stringify(unreachable ? DATABASE_UNAVAILABLE : UPLOAD_FAILED)],
      )
      .catch(() => undefined); // still away: the lease lapses and the batch reads as interrupted
    if (!unreachable) throw error;
    return { kind: 'refused', status: 503, code: 'DATABASE_UNAVAILABLE', message: DATABASE_UNAVAILABLE.message, retryAfterSeconds: 5 };
  }

  /** Admits and files one checked chunk; returns the batch stream's new version. */
  private async fileChunk(tx: Sql, header: BatchHeader, uploadId: string, chunk: CheckedChunk, version: number, now: Date): Promise<number> {
    const { bank, kind, batchRef } = header;
    const spec = batchKinds[kind];
    // a rerun of the transaction starts from the rows' own checks again
    const outcomes = chunk.outcomes.map(rerunnable);
    const candidates = outcomes.flatMap((o) => (o.candidate ? [o.candidate] : []));
    await spec.admit(tx, header, candidates);
    for (const o of outcomes) {
      if (o.candidate?.errors) {
        o.errors = o.candidate.errors;
        delete o.candidate;
      }
    }

    // the batch row is locked (the fence) only now, for the writes, so that it is held briefly
    const batch = await this.fence(tx, header, uploadId);
    const events: NewEvent[] = [
      ...(version === 0 ? [{ type: 'intake.batch-opened.v1', data: { bank, kind, batchRef, programme: header.programme, format: header.format, receivedAt: new Date(batch.received_at).toISOString() } }] : []),
      ...chunkEvents(header, chunk, outcomes, now.toISOString()),
    ];
    await this.store.append(tx, [{ streamId: streamOf(header), expected: version === 0 ? 'no_stream' : version, events }]);
    await applyIntakeEvents(tx, events, { loansReserved: true });
    await tx.query(
      `update ${SCHEMA}.batches set heartbeat_at = now(), lease_until = now() + $4 * interval '1 millisecond' where bank = $1 and kind = $2 and batch_ref = $3`,
      [bank, kind, batchRef, this.limits.leaseMs],
    );
    return version + events.length;
  }

  /** True while an upload holds the batch (its lease has not lapsed). */
  async inProgress(header: Pick<BatchHeader, 'bank' | 'kind' | 'batchRef'>): Promise<boolean> {
    const [row] = await this.db.query<{ live: boolean }>(
      `select (status = 'receiving' and lease_until >= now()) as live from ${SCHEMA}.batches where bank = $1 and kind = $2 and batch_ref = $3`,
      [header.bank, header.kind, header.batchRef],
    );
    return row?.live === true;
  }

  async summary(sql: Sql, bank: string, kind: BatchKindName, batchRef: string): Promise<BatchSummary | null> {
    const row = await this.batchRow(sql, bank, kind, batchRef);
    return row ? toSummary(row) : null;
  }

  private async batchRow(sql: Sql, bank: string, kind: BatchKindName, batchRef: string): Promise<BatchRow | null> {
    const [row] = await sql.query<BatchRow>(
      `select *, (status = 'receiving' and lease_until < now()) as lapsed from ${SCHEMA}.batches where bank = $1 and kind = $2 and batch_ref = $3`,
      [bank, kind, batchRef],
    );
    return row ? { ...row, ...(await countsOf(sql, bank, kind, batchRef)) } : null;
  }
}

/**
 * Each row's own checks (no database), and the chunk's digest: run while the chunk before is
 * committing. Pure, so that it can be measured alone (scripts/bench/intake-parse.ts).
 */
export function checkChunk(kind: BatchKindName, records: ParsedRecord[]): CheckedChunk {
  const spec = batchKinds[kind];
  const outcomes = records.map((r): Outcome => {
    const raw = r.fields?.loan_id !== undefined ? trimSpacesAndTabs(r.fields.loan_id) : '';
    // what the outcome names: a valid loan id whole, a longer one cut to as many code points
    const loanId = raw === '' ? null : keptText(raw, MAX_LOAN_ID_LENGTH);
    if (r.error) return { row: r.row, loanId, errors: [{ code: r.error.code, message: visibleText(r.error.message).slice(0, 1_000) }] };
    const checked = spec.check(r.fields ?? {});
    if (!checked.ok) return { row: r.row, loanId, errors: checked.errors };
    return { row: r.row, loanId, errors: [], candidate: { row: r.row, loanId: checked.loanId, value: checked.value } };
  });
  return { outcomes, firstRow: records[0].row, lastRow: records[records.length - 1].row, digest: digestOf(records, spec.fields) };
}

/** A copy of an outcome whose candidate admit() may refuse, without what an earlier try of the transaction set. */
export function rerunnable(o: Outcome): Outcome {
  // written out rather than spread: this runs for every row of every chunk
  if (!o.candidate) return { row: o.row, loanId: o.loanId, errors: o.errors };
  const c = o.candidate;
  return { row: o.row, loanId: o.loanId, errors: o.errors, candidate: { row: c.row, loanId: c.loanId, value: c.value, errors: undefined } };
}

/** The events of a chunk whose rows were checked and admitted: its outcomes, and the filed rows' message. */
export function chunkEvents(header: BatchHeader, chunk: Pick<CheckedChunk, 'firstRow' | 'lastRow' | 'digest'>, outcomes: readonly Outcome[], filedAt: string): NewEvent[] {
  const { bank, kind, batchRef } = header;
  const admitted = outcomes.flatMap((o) => (o.candidate ? [o.candidate] : []));
  const checked: RowsCheckedV2 = {
    bank,
    kind,
    batchRef,
    firstRow: chunk.firstRow,
    lastRow: chunk.lastRow,
    digest: chunk.digest,
    loanIds: outcomes.map((o) => o.loanId ?? ''),
    invalid: outcomes.filter((o) => !o.candidate).map((o) => ({ row: o.row, errors: o.errors })),
  };
  return [{ type: 'intake.rows-checked.v2', data: checked }, ...(admitted.length > 0 ? [batchKinds[kind].filed(header, checked.firstRow, admitted, filedAt)] : [])];
}

/**
 * A batch's counts, summed over its chunks: each chunk keeps its own, so that recording outcomes
 * never waits for the upload that is filing the next chunk (nor the other way round).
 */
async function countsOf(sql: Sql, bank: string, kind: BatchKindName, batchRef: string): Promise<Pick<BatchRow, 'rows' | 'invalid' | 'approved' | 'accepted' | 'rejected'>> {
  const [c] = await sql.query<{ rows: number; invalid: number; approved: number; accepted: number; rejected: number }>(
    `select coalesce(sum(last_row - first_row + 1), 0)::int as rows, coalesce(sum(invalid), 0)::int as invalid, coalesce(sum(approved), 0)::int as approved,
            coalesce(sum(accepted), 0)::int as accepted, coalesce(sum(rejected), 0)::int as rejected
       from ${SCHEMA}.batch_chunks where bank = $1 and kind = $2 and batch_ref = $3`,
    [bank, kind, batchRef],
  );
  return c;
}

export type Outcome = { row: number; loanId: string | null; errors: RowError[]; candidate?: Candidate<unknown> };
export interface CheckedChunk {
  outcomes: Outcome[];
  firstRow: number;
  lastRow: number;
  digest: string;
}

const INTERRUPTED = { code: 'UPLOAD_INTERRUPTED', message: 'the upload stopped without an answer (its receiving process ended); resend the file with the same ref to go on' };
const UPLOAD_FAILED = { code: 'UPLOAD_FAILED', message: 'the platform failed while filing the upload; resend the file with the same ref to go on' };
const DATABASE_UNAVAILABLE = { code: 'DATABASE_UNAVAILABLE', message: 'the platform lost its database during the upload; resend the file with the same ref to go on' };

/**
 * Checks a resent file against the rows already filed, chunk by chunk: the digest of each filed
 * chunk's rows must come out the same.
 */
class PrefixCheck {
  private index = 0;
  private held: ParsedRecord[] = [];
  readonly lastRow: number;

  constructor(
    private readonly chunks: readonly FiledChunk[],
    private readonly fields: readonly string[],
  ) {
    this.lastRow = chunks.length > 0 ? chunks[chunks.length - 1].lastRow : 0;
  }

  covers(row: number): boolean {
    return row <= this.lastRow;
  }

  get complete(): boolean {
    return this.index >= this.chunks.length;
  }

  /** Takes a row of the filed part; false as soon as a chunk's rows differ from what was filed. */
  matches(record: ParsedRecord): boolean {
    this.held.push(record);
    const chunk = this.chunks[this.index];
    if (record.row < chunk.lastRow) return true;
    const same = this.held[0].row === chunk.firstRow && digestOf(this.held, this.fields) === chunk.digest;
    this.held = [];
    this.index++;
    return same;
  }
}

/** A digest of rows as read: row numbers, every interface field as written, or the row's error. */
export function digestOf(records: readonly ParsedRecord[], fields: readonly string[]): string {
  // the parts (row, error, each field, end of record), every one after the first preceded by
  // U+0001, hashed a few kilobytes at a time: a rope of a whole chunk's parts cost more to
  // flatten for the hash than to build
  const hash = createHash('sha256');
  let text = '';
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    let record = `${i > 0 ? '\u0001' : ''}${r.row}\u0001${r.error ? `!${r.error.code}` : ''}`;
    const values = r.fields;
    for (const f of fields) record += `\u0001${values?.[f] ?? '\u0004'}`;
    text += `${record}\u0001\u0003`;
    if (text.length >= DIGEST_PIECE) {
      hash.update(text);
      text = '';
    }
  }
  return hash.update(text).digest('hex');
}

const DIGEST_PIECE = 8192;

/** The characters of a record's fields. */
export function lengthOf(record: ParsedRecord): number {
  let n = 0;
  const values = record.fields;
  for (const name in values) n += values[name].length;
  return n;
}

function streamOf({ bank, kind, batchRef }: BatchHeader): string {
  return kind === 'loans' ? `batch:${bank}:${batchRef}` : `batch:${kind}:${bank}:${batchRef}`;
}

export interface BatchRow {
  bank: string;
  kind: BatchKindName;
  batch_ref: string;
  programme: string | null;
  format: string;
  status: BatchStatus;
  receiver: string | null;
  lapsed: boolean;
  sha256: string | null;
  rows: number;
  invalid: number;
  approved: number;
  accepted: number;
  rejected: number;
  error: { code: string; message: string } | null;
  received_at: Date;
}

export function toSummary(r: BatchRow): BatchSummary {
  const pending = r.rows - r.invalid - r.approved - r.accepted - r.rejected;
  // a receiving process that stopped renewing its lease is gone: the upload was interrupted
  const status: BatchStatus = r.lapsed ? 'incomplete' : r.status;
  return {
    bank: r.bank,
    kind: r.kind,
    batchRef: r.batch_ref,
    programme: r.programme,
    status,
    rows: r.rows,
    invalid: r.invalid,
    approved: r.approved,
    accepted: r.accepted,
    rejected: r.rejected,
    pending,
    complete: status === 'filed' && pending === 0,
    sha256: r.sha256,
    error: r.lapsed ? (r.error ?? INTERRUPTED) : r.error,
  };
}

/**
 * The upload's bytes, each seen by `see` (for the file's hash). Fails with UPLOAD_STALLED when no
 * byte comes for `stallMs`, with UPLOAD_ABORTED when the client goes away, and with LEASE_LOST
 * as soon as `lost()` says another upload took the batch over.
 */
async function* watched(body: AsyncIterable<Buffer>, stallMs: number, see: (bytes: Buffer) => void, lost: () => boolean): AsyncGenerator<Buffer> {
  const iterator = body[Symbol.asyncIterator]();
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<'stalled'>((resolve) => (timer = setTimeout(() => resolve('stalled'), stallMs)));
    let next: IteratorResult<Buffer> | 'stalled';
    try {
      next = await Promise.race([iterator.next(), stalled]);
    } catch (error) {
      throw new Interrupted('UPLOAD_ABORTED', `the upload broke off: ${(error as Error)?.message ?? 'connection lost'}`);
    } finally {
      clearTimeout(timer);
    }
    if (next === 'stalled') throw new Interrupted('UPLOAD_STALLED', `no bytes arrived for ${Math.round(stallMs / 1000)} s`);
    if (next.done) return;
    if (lost()) throw new Interrupted('LEASE_LOST', 'another upload took this batch over');
    see(next.value);
    yield next.value;
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
