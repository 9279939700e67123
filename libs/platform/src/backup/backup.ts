import { CONSUMING_SCHEMAS } from '@g2g/contracts';
import { Database, Sql, ident } from '@g2g/event-store';
import { Writable } from 'node:stream';
import { BackupManifest, BackupWriter } from './backup-file';

/** The schema of every service: what a backup holds and a restore fills. */
export const PLATFORM_SCHEMAS: readonly string[] = CONSUMING_SCHEMAS;

/**
 * What is backed up of each schema: its event log and the bookkeeping of its deliveries (the
 * outbox, the inbox of messages handled, the followers' checkpoints). Every other table is a
 * projection of the log and is rebuilt from it on restore. Read columns are written in this order.
 */
export const BACKED_UP: Readonly<Record<'events' | 'outbox' | 'inbox' | 'checkpoints', { columns: readonly string[]; read: readonly string[]; order: string; page: number }>> = {
  events: {
    columns: ['transaction_id', 'global_position', 'stream_id', 'stream_position', 'type', 'data', 'metadata', 'business_date', 'recorded_at', 'topic', 'key'],
    read: ['transaction_id::text', 'global_position::text', 'stream_id', 'stream_position', 'type', 'data::text', 'metadata::text', 'business_date::text', 'recorded_at::text', 'topic', 'key'],
    order: 'transaction_id, global_position',
    // a chunk event is a few hundred kB: a page holds tens of MB at most
    page: 100,
  },
  outbox: {
    columns: ['transaction_id', 'position', 'topic', 'key', 'value', 'headers', 'recorded_at'],
    read: ['transaction_id::text', 'position::text', 'topic', 'key', 'value::text', 'headers::text', 'recorded_at::text'],
    order: 'transaction_id, position',
    page: 1_000,
  },
  inbox: {
    columns: ['consumer', 'message_id', 'outcome', 'handled_at'],
    read: ['consumer', 'message_id', 'outcome', 'handled_at::text'],
    order: 'consumer, message_id',
    page: 5_000,
  },
  checkpoints: {
    columns: ['name', 'transaction_id', 'position', 'updated_at'],
    read: ['name', 'transaction_id::text', 'position::text', 'updated_at::text'],
    order: 'name',
    page: 5_000,
  },
};

/** A backup could not be taken: said plainly (a schema missing from this database, a column it does not know). */
export class BackupRefused extends Error {
  override readonly name = 'BackupRefused';
}

/**
 * Writes a consistent backup of every service's log to `out` while the platform runs: one
 * REPEATABLE READ transaction sees every schema at one instant (so a message one service handled is
 * never missing from the log of the one that sent it), and writers go on beside it (in embedded mode
 * they wait: its database is one session).
 *
 * Rows keep their positions (message ids are made of them), their JSON as text, and the order readers read them in,
 * which is by (transaction id, position): transaction ids of another server mean nothing on the
 * one restored into, so each row gets a transaction number instead, 1 upwards, as few as keep that
 * order (transactionNumbers), and the checkpoints are numbered the same way.
 */
export async function writeBackup(db: Database, out: Writable, mode: 'embedded' | 'distributed', schemas: readonly string[] = PLATFORM_SCHEMAS): Promise<BackupManifest> {
  const writer = new BackupWriter(out);
  return db.transaction(async (tx) => {
    await tx.query('set transaction isolation level repeatable read, read only');
    // times and dates as text that reads back the same on any server, whatever its session settings
    await tx.query("set local datestyle = 'ISO, YMD'");
    await tx.query("set local timezone = 'UTC'");
    const migrations: { schema: string; migrations: number[] }[] = [];
    for (const schema of schemas) {
      await checkColumns(tx, schema);
      const rows = await tx.query<{ version: number }>(`select version from ${ident(schema)}.schema_migrations order by version`);
      migrations.push({ schema, migrations: rows.map((r) => r.version) });
    }
    const numbers = transactionNumbers(await transactionSpans(tx, schemas));
    await writer.header({ takenAt: new Date().toISOString(), mode, transactions: numbers.count, schemas: migrations });
    for (const schema of schemas) {
      for (const [table, t] of Object.entries(BACKED_UP)) {
        await writer.begin(schema, table, t.columns);
        let after: unknown[] | undefined;
        for (;;) {
          const keys = t.order.split(', ');
          const where = after ? `where (${t.order}) > (${keys.map((_, i) => `$${i + 1}`).join(', ')})` : '';
          const page = await tx.query<Record<string, unknown>>(
            `select ${t.read.map((c, i) => `${c} as c${i}`).join(', ')}, ${keys.map((k, i) => `${k} as k${i}`).join(', ')}
               from ${ident(schema)}.${table} ${where} order by ${t.order} limit ${t.page}`,
            after ?? [],
          );
          for (const r of page) {
            const values = t.read.map((_, i) => r[`c${i}`]);
            if (table === 'events' || table === 'outbox') values[0] = numbers.of(String(values[0]));
            if (table === 'checkpoints') [values[1], values[2]] = numbers.checkpoint(String(values[1]), String(values[2]));
            await writer.row(values);
          }
          if (page.length < t.page) break;
          const last = page[page.length - 1];
          after = keys.map((_, i) => last[`k${i}`]);
        }
      }
    }
    return writer.finish();
  }, 1);
}

/** Each transaction id of the logs, with the lowest and highest position it wrote in each log. */
export interface TransactionSpan {
  transactionId: string;
  /** which log: `{schema}.{events|outbox}` */
  log: string;
  low: bigint;
  high: bigint;
}

async function transactionSpans(tx: Sql, schemas: readonly string[]): Promise<TransactionSpan[]> {
  const parts = schemas.flatMap((schema) => [
    `select '${schema}.events' as log, transaction_id, global_position as p from ${ident(schema)}.events`,
    `select '${schema}.outbox' as log, transaction_id, position as p from ${ident(schema)}.outbox`,
  ]);
  const rows = await tx.query<{ log: string; x: string; low: string; high: string }>(
    `select log, transaction_id::text as x, min(p)::text as low, max(p)::text as high from (${parts.join(' union all ')}) u group by log, transaction_id`,
  );
  return rows.map((r) => ({ transactionId: r.x, log: r.log, low: BigInt(r.low), high: BigInt(r.high) }));
}

/**
 * Numbers the transactions, in their order, so that reading every log by (number, position) gives
 * the rows in the order (transaction id, position) gave them: consecutive transactions share a
 * number while, in every log, each writes only above the positions written under that number so far.
 * A reader's checkpoint, which is always a row it read (or the start), keeps its place: the number
 * of its transaction, and its position.
 */
export function transactionNumbers(spans: readonly TransactionSpan[]): { count: number; of(transactionId: string): number; checkpoint(transactionId: string, position: string): [number, string] } {
  const byTransaction = new Map<string, TransactionSpan[]>();
  for (const s of spans) {
    const list = byTransaction.get(s.transactionId);
    if (list) list.push(s);
    else byTransaction.set(s.transactionId, [s]);
  }
  const ordered = [...byTransaction.keys()].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
  const numberOf = new Map<string, number>();
  let number = 0;
  let highest = new Map<string, bigint>();
  for (const x of ordered) {
    const mine = byTransaction.get(x)!;
    if (number === 0 || mine.some((s) => (highest.get(s.log) ?? -1n) > s.low)) {
      number++;
      highest = new Map();
    }
    for (const s of mine) if ((highest.get(s.log) ?? -1n) < s.high) highest.set(s.log, s.high);
    numberOf.set(x, number);
  }
  return {
    count: number,
    of: (x) => {
      const n = numberOf.get(x);
      if (n === undefined) throw new Error(`transaction ${x} was not numbered`);
      return n;
    },
    // a checkpoint at no transaction of the logs (none should be) reads again from the start: every
    // reader of a log is idempotent (inboxes, a projection's own checkpoint)
    checkpoint: (x, position) => {
      const n = numberOf.get(x);
      return n === undefined ? [0, '0'] : [n, position];
    },
  };
}

/** Refuses a schema missing from this database, or a backed-up table with a column this code does not know. */
async function checkColumns(tx: Sql, schema: string): Promise<void> {
  const rows = await tx.query<{ table_name: string; column_name: string }>(
    `select table_name, column_name from information_schema.columns where table_schema = $1 and table_name = any($2::text[])`,
    [schema, Object.keys(BACKED_UP)],
  );
  if (rows.length === 0) throw new BackupRefused(`this database holds no schema ${schema}: a backup reads the one database every service writes to`);
  for (const [table, t] of Object.entries(BACKED_UP)) {
    const found = rows.filter((r) => r.table_name === table).map((r) => r.column_name);
    const unknown = found.filter((c) => !t.columns.includes(c));
    const missing = t.columns.filter((c) => !found.includes(c));
    if (unknown.length > 0 || missing.length > 0) throw new BackupRefused(`${schema}.${table} has columns ${found.join(', ')}; a backup knows ${t.columns.join(', ')}`);
  }
}
