import { Checkpoint, Database, RetryableConflict, Sql, ident, lockCheckpoint } from '@g2g/event-store';
import { BackupFileError, BackupHeader, readBackup } from './backup-file';
import { BACKED_UP } from './backup';
import { StateProjection, replayState } from '../state/state-projection';

/** A service as a restore needs it: its schema and the projection of its state. */
export interface RestorableService {
  name: string;
  schema: string;
  state: StateProjection;
}

export interface RestoreReport {
  takenAt: string;
  from: 'embedded' | 'distributed';
  schemas: { schema: string; events: number; outbox: number; inbox: number; checkpoints: number; stateRows: number }[];
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

/** The platform cannot take this backup: said plainly (not empty, a newer platform's backup, a schema it does not run). */
export class RestoreRefused extends Error {
  override readonly name = 'RestoreRefused';
}

/** Checkpoints that a restore starts from the beginning: the relays to Kafka (a new broker, or messages lost with the old one). */
const RELAY_CHECKPOINTS = ['outbox-relay', 'event-relay'];

/** Transaction numbers of a backup become transaction ids from here up, below the restoring transaction's own. */
const FIRST_TRANSACTION_ID = 3n;

/**
 * Restores a backup file (backup.ts) into a platform whose logs are empty, in one transaction:
 * every schema's log, outbox, inbox and checkpoints as they were, then every service's state
 * replayed from its log, as a rebuild does. The file is read through once first, so that one cut
 * short or altered is refused before anything is written.
 *
 * What was in flight when the backup was taken is delivered after it: the relays to Kafka start
 * from the beginning of their logs again (the broker restored into may be new), and every consumer
 * skips what its inbox says it handled; a follower of a log in the database resumes from its
 * checkpoint, which keeps its place (transactionNumbers).
 */
export async function restoreBackup(db: Database, services: readonly RestorableService[], path: string): Promise<RestoreReport> {
  const started = Date.now();
  const header = await checkedHeader(path);
  const bySchema = new Map(services.map((s) => [s.schema, s]));
  for (const { schema, migrations } of header.schemas) {
    if (!bySchema.has(schema)) throw new RestoreRefused(`the backup holds schema ${schema}, which no service of this process owns: restore through a process that runs every service`);
    const applied = new Set((await db.query<{ version: number }>(`select version from ${ident(schema)}.schema_migrations`)).map((r) => r.version));
    const newer = migrations.filter((v) => !applied.has(v));
    if (newer.length > 0) throw new RestoreRefused(`the backup was taken by a newer platform: ${schema} has migrations ${newer.join(', ')}, which this one lacks`);
  }
  const schemas = header.schemas.map((s) => s.schema);
  // refused early, before any transaction id is taken; checked again under the locks
  await refuseUnlessEmpty(db, schemas);
  const highest = FIRST_TRANSACTION_ID - 1n + BigInt(header.transactions);
  await passTransactionIds(db, highest);

  const report = await db.transaction(async (tx) => {
    // the checkpoints first, as every follower takes them before the tables it writes: no deadlock with one
    const tables = [...schemas.map((s) => `${ident(s)}.checkpoints`), ...schemas.flatMap((s) => ['events', 'outbox', 'inbox'].map((t) => `${ident(s)}.${t}`))];
    await tx.query(`lock table ${tables.join(', ')} in exclusive mode`);
    // a transaction of a running service that took its id before the restore's would write below
    // the restored rows in the readers' order, and be skipped by every checkpoint past it
    const [{ xmin }] = await tx.query<{ xmin: string }>('select pg_snapshot_xmin(pg_current_snapshot())::text as xmin');
    if (BigInt(xmin) <= highest) {
      await new Promise((r) => setTimeout(r, 500));
      throw new RetryableConflict('a transaction older than the restored rows is still running');
    }
    await refuseUnlessEmpty(tx, schemas);
    for (const schema of schemas) {
      // the rows a follower makes as it starts, at the start: the backup's replace them
      await tx.query(`delete from ${ident(schema)}.checkpoints`);
    }
    const counts = new Map(schemas.map((s) => [s, { schema: s, events: 0, outbox: 0, inbox: 0, checkpoints: 0, stateRows: 0 }]));
    const sections = new Set<string>();
    let lastSection = '';
    for await (const piece of readBackup(path)) {
      if (piece.kind !== 'rows') continue;
      const table = piece.table as keyof typeof BACKED_UP;
      const section = `${piece.schema}.${piece.table}`;
      if (!counts.has(piece.schema) || !(table in BACKED_UP) || piece.columns.join() !== BACKED_UP[table].columns.join()) throw new BackupFileError(`section ${section}: not a schema the header names, a table this platform restores, or with other columns`);
      if (sections.has(section) && lastSection !== section) throw new BackupFileError(`section ${section} comes twice`);
      sections.add(section);
      lastSection = section;
      const inserted = await insertRows(tx, piece.schema, table, piece.rows);
      counts.get(piece.schema)![table] += inserted;
    }
    for (const schema of schemas) {
      for (const [table, column] of [['events', 'global_position'], ['outbox', 'position']]) {
        await tx.query(`select setval(pg_get_serial_sequence('${ident(schema)}.${table}', '${column}'), coalesce(max(${column}), 1), max(${column}) is not null) from ${ident(schema)}.${table}`);
      }
    }
    for (const schema of schemas) {
      const { state } = bySchema.get(schema)!;
      const bound: Checkpoint | null = state.checkpoint ? await lockCheckpoint(tx, state.checkpoint.schema, state.checkpoint.name) : null;
      await replayState(tx, state, bound);
      for (const table of Object.keys(state.tables)) {
        const [{ n }] = await tx.query<{ n: number }>(`select count(*)::int as n from ${ident(schema)}.${ident(table)}`);
        counts.get(schema)!.stateRows += n;
      }
    }
    return [...counts.values()];
  });
  // the planner's statistics of tables that were empty a moment ago
  await db.query('analyze');
  const seconds = (Date.now() - started) / 1000;
  const rows = report.reduce((n, s) => n + s.events + s.outbox + s.inbox + s.checkpoints, 0);
  return { takenAt: header.takenAt, from: header.mode, schemas: report, rows, seconds, rowsPerSecond: seconds > 0 ? Math.round(rows / seconds) : rows };
}

/** Reads the whole file, checking every hash, before a restore writes anything; returns its header. */
async function checkedHeader(path: string): Promise<BackupHeader> {
  let header: BackupHeader | undefined;
  for await (const piece of readBackup(path, { pieceRows: 10_000 })) if (piece.kind === 'header') header = piece.header;
  return header!;
}

/** Refuses a platform whose logs, outboxes or inboxes hold anything. */
async function refuseUnlessEmpty(sql: Sql, schemas: readonly string[]): Promise<void> {
  for (const schema of schemas) {
    const [{ used }] = await sql.query<{ used: boolean }>(
      `select exists (select 1 from ${ident(schema)}.events) or exists (select 1 from ${ident(schema)}.outbox) or exists (select 1 from ${ident(schema)}.inbox) as used`,
    );
    if (used) throw new RestoreRefused(`${schema} has events or messages already: a backup restores into an empty platform only`);
  }
}

/**
 * Takes transaction ids until the next is above `id`: the backup's rows get ids up to it, and every
 * transaction after the restore must come after them in the readers' order. A fresh server is past
 * a few hundred already; a backup of a busy platform may use more, taken by one statement that
 * commits as it goes.
 */
async function passTransactionIds(db: Database, id: bigint): Promise<void> {
  const [{ now }] = await db.query<{ now: string }>('select pg_current_xact_id()::text as now');
  const short = id - BigInt(now);
  if (short < 0n) return;
  await db.query(`do $$ begin for i in 0..${short.toString()} loop perform pg_current_xact_id(); commit; end loop; end $$`);
}

const xid = (n: unknown) => (Number(n) === 0 ? '0' : (FIRST_TRANSACTION_ID - 1n + BigInt(n as number)).toString());

/** Inserts a piece of a section's rows as they were, positions and all; returns how many. */
async function insertRows(tx: Sql, schema: string, table: keyof typeof BACKED_UP, rows: unknown[][]): Promise<number> {
  const s = ident(schema);
  const col = (i: number) => rows.map((r) => r[i] as string | null);
  if (table === 'events') {
    await tx.query(
      `insert into ${s}.events (transaction_id, global_position, stream_id, stream_position, type, data, metadata, business_date, recorded_at, topic, key) overriding system value
       select x::xid8, p, sid, sp, t, d::json, m::jsonb, bd::date, ra::timestamptz, tp, k
         from unnest($1::text[], $2::bigint[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[]) as u(x, p, sid, sp, t, d, m, bd, ra, tp, k)`,
      [rows.map((r) => xid(r[0])), col(1), col(2), col(3), col(4), col(5), col(6), col(7), col(8), col(9), col(10)],
    );
  } else if (table === 'outbox') {
    await tx.query(
      `insert into ${s}.outbox (transaction_id, position, topic, key, value, headers, recorded_at) overriding system value
       select x::xid8, p, tp, k, v::jsonb, h::jsonb, ra::timestamptz
         from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) as u(x, p, tp, k, v, h, ra)`,
      [rows.map((r) => xid(r[0])), col(1), col(2), col(3), col(4), col(5), col(6)],
    );
  } else if (table === 'inbox') {
    await tx.query(
      `insert into ${s}.inbox (consumer, message_id, outcome, handled_at)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[])`,
      [col(0), col(1), col(2), col(3)],
    );
  } else {
    const kept = rows.filter((r) => !RELAY_CHECKPOINTS.includes(r[0] as string));
    await tx.query(
      `insert into ${s}.checkpoints (name, transaction_id, position, updated_at)
       select n, x::xid8, p, u from unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[]) as t(n, x, p, u)`,
      [kept.map((r) => r[0]), kept.map((r) => xid(r[1])), kept.map((r) => r[2]), kept.map((r) => r[3])],
    );
    return kept.length;
  }
  return rows.length;
}
