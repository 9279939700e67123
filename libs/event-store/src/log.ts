import { Sql, ident } from './database';

/** The columns read from an events table: the data as its stored JSON text, parsed only where needed. */
export const EVENT_COLUMNS =
  'global_position, transaction_id, stream_id, stream_position, type, data::text as data, metadata, business_date, recorded_at, topic, key';

/** Where a reader of a log stands: the last row it has read, by (transaction id, position). */
export interface Checkpoint {
  /** xid8 as decimal text */
  transactionId: string;
  position: bigint;
}

export const START: Checkpoint = { transactionId: '0', position: 0n };

export type LogTable = 'events' | 'outbox';

/** What a reader reads: a schema's events or outbox, all of it, the rows of some topics, or the published events. */
export interface LogSource {
  schema: string;
  table: LogTable;
  topics?: readonly string[];
  published?: boolean;
}

const positionColumn: Record<LogTable, string> = { events: 'global_position', outbox: 'position' };

/**
 * Reads rows of a log after a checkpoint, in (transaction id, position) order, and only rows whose
 * transaction id is below the oldest transaction still running. A transaction that took a low
 * position but commits late is therefore read once it commits, never skipped: until then it holds
 * the fence below itself. Returns raw rows with transaction_id and the position column.
 */
export async function readLogAfter<R extends { transaction_id: string }>(
  sql: Sql,
  source: LogSource,
  after: Checkpoint,
  limit: number,
): Promise<R[]> {
  const s = ident(source.schema);
  const pos = positionColumn[source.table];
  const params: unknown[] = [after.transactionId, after.position.toString(), limit];
  const topicFilter = topicFilterOf(source, params);
  return sql.query<R>(
    `select ${source.table === 'events' ? EVENT_COLUMNS : '*'}
       from ${s}.${source.table}
      where (transaction_id, ${pos}) > ($1::xid8, $2::bigint)
        and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ${topicFilter}
      order by transaction_id, ${pos}
      limit $3`,
    params,
  );
}

/**
 * How many rows of a log a reader at `after` has still to read: the committed rows after it that
 * match its filter (rows of transactions still running are not seen, nor counted).
 */
export async function countLogAfter(
  sql: Sql,
  source: LogSource,
  after: Checkpoint,
): Promise<number> {
  const pos = positionColumn[source.table];
  const params: unknown[] = [after.transactionId, after.position.toString()];
  const topicFilter = topicFilterOf(source, params);
  const [row] = await sql.query<{ n: string }>(
    `select count(*)::text as n from ${ident(source.schema)}.${source.table} where (transaction_id, ${pos}) > ($1::xid8, $2::bigint) ${topicFilter}`,
    params,
  );
  return Number(row.n);
}

/** The condition on topics a reader of `source` reads by; its parameter, if any, is pushed onto `params`. */
function topicFilterOf(source: LogSource, params: unknown[]): string {
  if (source.topics) {
    params.push(source.topics);
    return `and topic = any($${params.length}::text[])`;
  }
  return source.published ? 'and topic is not null' : '';
}

export function checkpointOf(row: { transaction_id: string } & Record<string, unknown>, table: LogTable): Checkpoint {
  return { transactionId: row.transaction_id, position: BigInt(row[positionColumn[table]] as string) };
}

/** Reads a named checkpoint without locking it (START when it does not exist yet). */
export async function readCheckpoint(sql: Sql, schema: string, name: string): Promise<Checkpoint> {
  const [row] = await sql.query<{ transaction_id: string; position: string }>(
    `select transaction_id, position from ${ident(schema)}.checkpoints where name = $1`,
    [name],
  );
  return row ? { transactionId: row.transaction_id, position: BigInt(row.position) } : START;
}

/** Loads (and locks, for this transaction) a named checkpoint kept in a schema. */
export async function lockCheckpoint(tx: Sql, schema: string, name: string): Promise<Checkpoint> {
  const s = ident(schema);
  await tx.query(
    `insert into ${s}.checkpoints (name, transaction_id, position) values ($1, '0', 0) on conflict (name) do nothing`,
    [name],
  );
  const [row] = await tx.query<{ transaction_id: string; position: string }>(
    `select transaction_id::text as transaction_id, position::text as position
       from ${s}.checkpoints where name = $1 for update`,
    [name],
  );
  return { transactionId: row.transaction_id, position: BigInt(row.position) };
}

export async function saveCheckpoint(tx: Sql, schema: string, name: string, at: Checkpoint): Promise<void> {
  await tx.query(
    `update ${ident(schema)}.checkpoints set transaction_id = $2::xid8, position = $3::bigint, updated_at = now() where name = $1`,
    [name, at.transactionId, at.position.toString()],
  );
}
