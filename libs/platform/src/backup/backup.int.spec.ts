import { EventStore, Sql, StoredEvent, enqueue, lockCheckpoint, migrate, readLogAfter, readCheckpoint, saveCheckpoint, storeMigrations } from '@g2g/event-store';
import { TestDatabase, freshServerDatabase, uniqueSchema } from '@g2g/testing';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { BackupFileError } from './backup-file';
import { writeBackup } from './backup';
import { RestoreRefused, RestorableService, restoreBackup } from './restore';
import { StateProjection } from '../state/state-projection';

// A backup taken from one server and restored into another database: the rows, their positions,
// the order the platform's readers read them in, and where each reader stood. The order is the
// point: readers read by (transaction id, position), and a transaction that took its id first can
// write a higher position than one that committed before it. Restored in position order, a reader's
// checkpoint past the late row would skip the early one for ever.

const FOLLOWER = 'a-follower';

describe('backup and restore of a log (server PostgreSQL)', () => {
  let source: TestDatabase;
  let target: TestDatabase;
  let schema: string;
  let dir: string;
  let file: string;
  let service: RestorableService;

  const migrations = [...storeMigrations, { version: 101, name: 'a state', sql: 'create table {schema}.counted (n int not null)' }];
  const apply = async (tx: Sql, events: readonly StoredEvent[]) => {
    for (const e of events) await tx.query(`insert into ${schema}.counted (n) values ($1)`, [e.data.n]);
  };
  const append = (tx: Sql, n: number) => new EventStore(schema).append(tx, [{ streamId: `s-${n}`, expected: 'no_stream', events: [{ type: 'bk.counted.v1', data: { n, text: '借款企业' }, publish: { topic: 'bk.counted', key: `s-${n}` } }] }]).then(() => apply(tx, [{ data: { n } } as StoredEvent]));
  const nOf = (r: { data: string }) => JSON.parse(r.data).n as number;
  const eventsOf = (db: Sql) => db.query<{ p: string; x: string; n: number }>(`select global_position::text as p, data->>'n' as n, transaction_id::text as x from ${schema}.events order by transaction_id, global_position`);

  beforeAll(async () => {
    source = await freshServerDatabase('g2g_bk_source');
    target = await freshServerDatabase('g2g_bk_target');
    schema = uniqueSchema('bk');
    const state: StateProjection = { service: 'bk', schema, tables: { counted: ['n'] }, apply };
    service = { name: 'bk', schema, state };
    await migrate(source.db, schema, migrations);
    await migrate(target.db, schema, migrations);
    dir = mkdtempSync(join(tmpdir(), 'g2g-bk-'));
    file = join(dir, 'backup.jsonl.gz');

    // 1, then the late one: its transaction takes its id before 3's, writes position 4 after 3 commits
    await source.db.transaction((tx) => append(tx, 1));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const late = source.db.transaction(async (tx) => {
      await tx.query('select pg_current_xact_id()');
      await held;
      await append(tx, 4);
    });
    await new Promise((r) => setTimeout(r, 100));
    await source.db.transaction((tx) => append(tx, 3));
    release();
    await late;
    // a follower reads 1 and the late 4: by (transaction id, position), 3 comes after them
    await source.db.transaction(async (tx) => {
      await lockCheckpoint(tx, schema, FOLLOWER);
      const rows = await readLogAfter<{ transaction_id: string; global_position: string; data: string }>(tx, { schema, table: 'events' }, { transactionId: '0', position: 0n }, 2);
      expect(rows.map(nOf)).toEqual([1, 4]);
      const last = rows[1];
      await saveCheckpoint(tx, schema, FOLLOWER, { transactionId: last.transaction_id, position: BigInt(last.global_position) });
      await lockCheckpoint(tx, schema, 'event-relay');
      await enqueue(tx, schema, [{ topic: 'bk.dead-letters', key: 'k', value: { why: 'parked' } }]);
      await tx.query(`insert into ${schema}.inbox (consumer, message_id) values ('bk.c', 'other:e7')`);
    });
  }, 60_000);
  afterAll(async () => {
    await source?.close();
    await target?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('numbers the transactions so the restored log reads in the same order, and every reader keeps its place', async () => {
    const manifest = await writeBackup(source.db, createWriteStream(file), 'distributed', [schema]);
    expect(manifest.sections.map((s) => [s.table, s.rows])).toEqual([
      ['events', 3],
      ['outbox', 1],
      ['inbox', 1],
      ['checkpoints', 2],
    ]);

    const report = await restoreBackup(target.db, [service], file);
    expect(report.schemas).toEqual([{ schema, events: 3, outbox: 1, inbox: 1, checkpoints: 1, stateRows: 3 }]);
    const before = await eventsOf(source.db);
    const after = await eventsOf(target.db);
    expect(after.map((r) => [r.p, r.n])).toEqual(before.map((r) => [r.p, r.n]));
    // the late one took position 3 after 3's took 2, and reads before it
    expect(before.map((r) => [r.p, r.n])).toEqual([['1', '1'], ['3', '4'], ['2', '3']]);
    // the stored text as it was, a byte at a time
    const texts = (db: Sql) => db.query<{ d: string }>(`select data::text as d from ${schema}.events order by global_position`);
    expect(await texts(target.db)).toEqual(await texts(source.db));

    // the follower reads 3 next, and only 3; the relay starts from the beginning again
    const at = await readCheckpoint(target.db, schema, FOLLOWER);
    const next = await readLogAfter<{ transaction_id: string; global_position: string; data: string }>(target.db, { schema, table: 'events' }, at, 10);
    expect(next.map(nOf)).toEqual([3]);
    expect(await readCheckpoint(target.db, schema, 'event-relay')).toEqual({ transactionId: '0', position: 0n });
    expect(await target.db.query(`select n from ${schema}.counted order by n`)).toEqual([{ n: 1 }, { n: 3 }, { n: 4 }]);

    // what is written after the restore comes after everything restored, in position and in order
    await target.db.transaction((tx) => append(tx, 5));
    const later = await readLogAfter<{ transaction_id: string; global_position: string; data: string }>(target.db, { schema, table: 'events' }, at, 10);
    expect(later.map((r) => [r.global_position, nOf(r)])).toEqual([['2', 3], ['4', 5]]);
  }, 60_000);

  it('refuses a platform that is not empty, and a file altered or cut short, before writing anything', async () => {
    await expect(restoreBackup(target.db, [service], file)).rejects.toThrow(RestoreRefused);
    await expect(restoreBackup(target.db, [service], file)).rejects.toThrow(/has events or messages already/);

    const empty = await freshServerDatabase('g2g_bk_empty');
    try {
      await migrate(empty.db, schema, migrations);
      const text = gunzipSync(readFileSync(file)).toString('utf8');
      const altered = join(dir, 'altered.jsonl.gz');
      writeFileSync(altered, gzipSync(text.replace('借款企业', '借款企亚')));
      await expect(restoreBackup(empty.db, [service], altered)).rejects.toThrow(new BackupFileError(`section ${schema}.events: 3 rows read, 3 written, a different hash: the file was altered`));
      const cut = join(dir, 'cut.jsonl.gz');
      writeFileSync(cut, gzipSync(text.split('\n').slice(0, -2).join('\n')));
      await expect(restoreBackup(empty.db, [service], cut)).rejects.toThrow(/no manifest after line \d+: the file is cut short/);
      const notGzip = join(dir, 'plain.jsonl');
      writeFileSync(notGzip, text);
      await expect(restoreBackup(empty.db, [service], notGzip)).rejects.toThrow(/not a readable backup \(gzip\)/);
      expect(await empty.db.query(`select count(*)::int as n from ${schema}.events`)).toEqual([{ n: 0 }]);
    } finally {
      await empty.close();
    }
  }, 60_000);
});
