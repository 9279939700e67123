import { Database, EventStore, Sql, StoredEvent, lockCheckpoint, migrate, saveCheckpoint, storeMigrations } from '@g2g/event-store';
import { TestDatabase, serverDatabase, uniqueSchema } from '@g2g/testing';
import { StateProjection, rebuildState } from './state-projection';

// A rebuild while the live projection is writing. The projection holds its checkpoint while it
// writes its tables; a rebuild that took the tables first and the checkpoint second waited on the
// projection while the projection waited on it, and PostgreSQL broke the deadlock by failing one
// of them: an operator's rebuild answered 500 under load. Both must get through, in either order.

const CHECKPOINT = 'sp.projection';

describe('rebuilding a state while its projection writes (server PostgreSQL)', () => {
  let t: TestDatabase;
  let schema: string;
  let store: EventStore;
  let projection: StateProjection;

  const apply = async (tx: Sql, events: readonly StoredEvent[]) => {
    for (const e of events) await tx.query(`insert into ${schema}.counted (n) values ($1)`, [e.data.n]);
  };

  /** What the live projection does: hold the checkpoint, append and apply an event, move the checkpoint. */
  const projectOne = (db: Database, n: number, holdMs: number) =>
    db.transaction(async (tx) => {
      await lockCheckpoint(tx, schema, CHECKPOINT);
      await new Promise((r) => setTimeout(r, holdMs));
      await store.append(tx, [{ streamId: `s-${n}`, expected: 'no_stream', events: [{ type: 'sp.counted.v1', data: { n } }] }]);
      const [last] = await tx.query<{ transaction_id: string; global_position: string }>(
        `select transaction_id::text, global_position::text from ${schema}.events order by global_position desc limit 1`,
      );
      await apply(tx, [{ data: { n } } as StoredEvent]);
      await saveCheckpoint(tx, schema, CHECKPOINT, { transactionId: last.transaction_id, position: BigInt(last.global_position) });
    });

  beforeAll(async () => {
    t = await serverDatabase();
    schema = uniqueSchema('sp');
    store = new EventStore(schema);
    await migrate(t.db, schema, [...storeMigrations, { version: 100, name: 'a state', sql: 'create table {schema}.counted (n int not null)' }]);
    projection = { service: 'sp', schema, tables: { counted: ['n'] }, apply, checkpoint: { schema, name: CHECKPOINT } };
    for (let n = 1; n <= 3; n++) await projectOne(t.db, n, 0);
  }, 60_000);
  afterAll(async () => {
    await t?.db.query(`drop schema if exists ${schema} cascade`);
    await t?.close();
  });

  it('waits for the projection holding its checkpoint, and both commit; the state is what the events give', async () => {
    const writing = projectOne(t.db, 4, 400);
    await new Promise((r) => setTimeout(r, 100)); // the projection holds its checkpoint now
    const [written, verified] = await Promise.allSettled([writing, rebuildState(t.db, projection, 'verify')]);
    expect(written.status).toBe('fulfilled');
    expect(verified).toMatchObject({ status: 'fulfilled', value: { identical: true, events: 4, rows: 4, committed: false } });

    const rebuilt = await Promise.allSettled([projectOne(t.db, 5, 400), new Promise((r) => setTimeout(r, 100)).then(() => rebuildState(t.db, projection, 'rebuild'))]);
    expect(rebuilt.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(rebuilt[1]).toMatchObject({ value: { identical: true, events: 5, rows: 5, committed: true } });
  }, 30_000);
});
