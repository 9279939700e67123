import { TestDatabase, testDatabases, uniqueSchema } from '@g2g/testing';
import { StatisticsKeeper } from './statistics';

describe.each(testDatabases)('statistics keeper on %s', (_name, open) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await open();
  }, 60_000);
  afterAll(async () => t?.close());

  it('analyses a table once it has changed by more rows than its last ANALYZE found, and not again until it changes more', async () => {
    const schema = uniqueSchema('stats');
    await t.db.query(`create schema ${schema}`);
    await t.db.query(`create table ${schema}.facts (id int primary key, note text)`);
    await t.db.query(`create table ${schema}.quiet (id int primary key)`);
    await t.db.query(`insert into ${schema}.quiet values (1)`);
    await t.db.query(`insert into ${schema}.facts select n, 'n' || n from generate_series(1, 20000) n`);
    const keeper = new StatisticsKeeper(t.db, [schema]);
    const planned = async () => (await t.db.query<{ rows: number }>(`select reltuples::int as rows from pg_class where oid = '${schema}.facts'::regclass`))[0].rows;

    // the change counters reach the statistics views when the writing session reports them
    const first = await eventuallyAnalyzed(keeper);
    expect(first).toEqual([`${schema}.facts`]);
    expect(await planned()).toBe(20000);
    expect(await keeper.analyzeChanged()).toEqual([]);

    await t.db.query(`insert into ${schema}.facts select n, 'n' || n from generate_series(20001, 30000) n`); // half as many again: not yet
    await new Promise((r) => setTimeout(r, 1200));
    expect(await keeper.analyzeChanged()).toEqual([]);
    await t.db.query(`insert into ${schema}.facts select n, 'n' || n from generate_series(30001, 42000) n`);
    expect(await eventuallyAnalyzed(keeper)).toEqual([`${schema}.facts`]);
    expect(await planned()).toBe(42000);
  }, 60_000);
});

async function eventuallyAnalyzed(keeper: StatisticsKeeper): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const analyzed = await keeper.analyzeChanged();
    if (analyzed.length > 0 || Date.now() > deadline) return analyzed;
    await new Promise((r) => setTimeout(r, 200));
  }
}
