import { Checkpoint, Database, EVENT_COLUMNS, EventRow, EventStore, Sql, StoredEvent, ident, lockCheckpoint } from '@g2g/event-store';

/**
 * A service's state as a projection of its own events: the tables (with the columns that make
 * the state), and the function that applies events to them. The service applies its events with
 * it as it appends them; a rebuild empties the tables and applies every event again, in log
 * order, and says whether the state came out the same.
 */
export interface StateProjection {
  service: string;
  schema: string;
  /** table -> the columns compared (left out: transient ones, such as an upload's lease) */
  tables: Readonly<Record<string, readonly string[]>>;
  apply(tx: Sql, events: readonly StoredEvent[]): Promise<void>;
  /**
   * Set when the projection follows the log asynchronously (reporting's read models): the
   * checkpoint it has applied up to; a rebuild replays up to it, and no further.
   */
  checkpoint?: { schema: string; name: string };
}

export interface TableDifference {
  table: string;
  /** rows the live state has that the events do not give */
  extra: number;
  /** rows the events give that the live state lacks */
  missing: number;
}

export interface RebuildReport {
  service: string;
  events: number;
  rows: number;
  seconds: number;
  eventsPerSecond: number;
  identical: boolean;
  differences: TableDifference[];
  committed: boolean;
}

class RolledBack extends Error {
  constructor(readonly report: RebuildReport) {
    super('verified: rolled back');
  }
}

/**
 * Empties the state tables and replays the service's whole log into them, in one transaction that
 * holds the tables (writers wait; readers see the old state until it commits), comparing the new
 * state with the old. `verify` rolls it back afterwards: the audit of a service's state.
 */
export async function rebuildState(
  db: Database,
  p: StateProjection,
  mode: 'rebuild' | 'verify',
  /** in the rebuild's transaction, before it commits (to record who rebuilt what) */
  beforeCommit?: (tx: Sql, report: RebuildReport) => Promise<void>,
): Promise<RebuildReport> {
  const started = Date.now();
  const s = ident(p.schema);
  const tables = Object.keys(p.tables).map((t) => `${s}.${ident(t)}`);
  try {
    return await db.transaction(async (tx) => {
      // the checkpoint first, then the tables: the order the live projection takes them in (it
      // holds its checkpoint while it writes), so that the two never wait on each other
      const bound: Checkpoint | null = p.checkpoint ? await lockCheckpoint(tx, p.checkpoint.schema, p.checkpoint.name) : null;
      await tx.query(`lock table ${tables.join(', ')} in exclusive mode`);
      for (const [table, columns] of Object.entries(p.tables)) {
        await tx.query(`create temp table g2g_before_${ident(table)} on commit drop as select ${columns.join(', ')} from ${s}.${ident(table)}`);
      }
      const events = await replayState(tx, p, bound);
      const differences: TableDifference[] = [];
      let rowsNow = 0;
      for (const [table, columns] of Object.entries(p.tables)) {
        const cols = columns.join(', ');
        const [{ extra, missing, n }] = await tx.query<{ extra: number; missing: number; n: number }>(
          `select (select count(*) from (select ${cols} from g2g_before_${ident(table)} except all select ${cols} from ${s}.${ident(table)}) x)::int as extra,
                  (select count(*) from (select ${cols} from ${s}.${ident(table)} except all select ${cols} from g2g_before_${ident(table)}) y)::int as missing,
                  (select count(*) from ${s}.${ident(table)})::int as n`,
        );
        rowsNow += n;
        if (extra > 0 || missing > 0) differences.push({ table, extra, missing });
      }
      const seconds = (Date.now() - started) / 1000;
      const report: RebuildReport = {
        service: p.service,
        events,
        rows: rowsNow,
        seconds,
        eventsPerSecond: seconds > 0 ? Math.round(events / seconds) : events,
        identical: differences.length === 0,
        differences,
        committed: mode === 'rebuild',
      };
      if (mode === 'verify') throw new RolledBack(report);
      await beforeCommit?.(tx, report);
      return report;
      // a deadlock with a writer that touches the tables in another order is rerun from the start
    }, 5);
  } catch (error) {
    if (error instanceof RolledBack) return error.report;
    throw error;
  }
}

/**
 * Empties the state tables and applies every event of the service's log to them, in log order, up
 * to `bound` (all of it when null); returns how many events it applied. The caller holds the tables.
 */
export async function replayState(tx: Sql, p: StateProjection, bound: Checkpoint | null): Promise<number> {
  const s = ident(p.schema);
  const store = new EventStore(p.schema);
  for (const table of Object.keys(p.tables)) await tx.query(`delete from ${s}.${ident(table)}`);
  let events = 0;
  let after = { transactionId: '0', position: 0n };
  for (;;) {
    // every committed event (the fence of readers is not needed: writers of the state wait for this transaction)
    const rows = await tx.query<EventRow>(
      `select ${EVENT_COLUMNS} from ${s}.events
        where (transaction_id, global_position) > ($1::xid8, $2::bigint)
          ${bound ? 'and (transaction_id, global_position) <= ($4::xid8, $5::bigint)' : ''}
        order by transaction_id, global_position limit $3`,
      [after.transactionId, after.position.toString(), 200, ...(bound ? [bound.transactionId, bound.position.toString()] : [])],
    );
    if (rows.length === 0) return events;
    await p.apply(tx, rows.map((r) => store.toStored(r)));
    events += rows.length;
    const last = rows[rows.length - 1];
    after = { transactionId: last.transaction_id, position: BigInt(last.global_position) };
  }
}
