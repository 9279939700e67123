import { migrate, storeMigrations } from '@g2g/event-store';
import { Caller, validated } from '@g2g/platform';
import { TestDatabase, embeddedDatabase, freshServerDatabase } from '@g2g/testing';
import { BatchResultsController } from '../batch-results/batch-results.controller';
import { FileBatch, SCHEMA } from '../file-batch/file-batch';
import { intakeMigrations } from '../migrations';
import { RowsParams } from '../batch-results/rows-params';
import { BatchListController } from './batch-list.controller';
import { BatchListParams } from './batch-list-params';

// A bank lists its batches of a kind, the latest first, each with the summary of its own read,
// and reads a batch's rows filtered by outcome and by code (what a console shows it).

const icbc: Caller = { code: 'ICBC', kind: 'bank', keyId: 'k' };
// the query strings as the routes' pipes read them
const listed = (q: Record<string, string> = {}) => validated(BatchListParams).transform(q);
const rows = (q: Record<string, string> = {}) => validated(RowsParams).transform(q);

async function* bodyOf(text: string) {
  yield Buffer.from(text);
}

describe.each([
  ['server PostgreSQL', () => freshServerDatabase('g2g_batch_list')],
  ['embedded PostgreSQL (PGlite)', embeddedDatabase],
] as const)("a bank's batches and their rows by outcome and code (%s)", (_, open) => {
  let t: TestDatabase;
  let filing: FileBatch;
  beforeAll(async () => {
    t = await open();
    await migrate(t.db, SCHEMA, [...storeMigrations, ...intakeMigrations]);
    filing = new FileBatch(t.db);
    // rows that never reach compensation: each is invalid, with one code or another
    const file = (rows: string[]) => ['loan_id,amount,repaid_on', ...rows].join('\n') + '\n';
    const first = file(['L1,1,000.00,2025-06-01', 'L2,100.00,2025-13-01', 'L3,1e6,2025-06-01', 'L4,5.00,2025-06-31']);
    expect(await filing.file({ bank: 'ICBC', kind: 'repayments', batchRef: 'r-1', programme: null, format: 'csv' }, bodyOf(first), () => new Date())).toMatchObject({ kind: 'filed' });
    await new Promise((r) => setTimeout(r, 10));
    expect(await filing.file({ bank: 'ICBC', kind: 'repayments', batchRef: 'r-2', programme: null, format: 'csv' }, bodyOf(file(['L5,x,2025-06-01'])), () => new Date())).toMatchObject({ kind: 'filed' });
    expect(await filing.file({ bank: 'BOC', kind: 'repayments', batchRef: 'b-1', programme: null, format: 'csv' }, bodyOf(file(['L6,x,2025-06-01'])), () => new Date())).toMatchObject({ kind: 'filed' });
  }, 60_000);
  afterAll(async () => t?.close());

  it('lists its own batches of the kind, the latest first, with the summary each has on its own', async () => {
    const list = await new BatchListController(t.db).list('ICBC', 'repayments', listed(), icbc);
    expect(list.batches.map((b) => b.batchRef)).toEqual(['r-2', 'r-1']);
    const alone = await filing.summary(t.db, 'ICBC', 'repayments', 'r-1');
    expect(list.batches[1]).toEqual({ ...alone, receivedAt: expect.any(String) });
    expect(list.batches[1]).toMatchObject({ rows: 4, invalid: 4, complete: true });
    expect((await new BatchListController(t.db).list('ICBC', 'claims', listed(), icbc)).batches).toEqual([]);
    expect((await new BatchListController(t.db).list('ICBC', 'repayments', listed({ limit: '1' }), icbc)).batches.map((b) => b.batchRef)).toEqual(['r-2']);
  });

  it("refuses another bank's list", async () => {
    await expect(new BatchListController(t.db).list('BOC', 'repayments', listed(), icbc)).rejects.toMatchObject({ status: 403 });
  });

  it('keeps the rows of an outcome and a code', async () => {
    const results = new BatchResultsController(t.db, filing);
    const all = await results.rows('ICBC', 'repayments', 'r-1', rows(), icbc);
    const codes = all.rows.map((r) => r.codes[0]);
    expect(new Set(codes).size).toBeGreaterThan(1);
    const wanted = codes[1];
    const kept = await results.rows('ICBC', 'repayments', 'r-1', rows({ outcome: 'invalid', code: wanted }), icbc);
    expect(kept.rows.map((r) => r.row)).toEqual(all.rows.filter((r) => r.codes.includes(wanted)).map((r) => r.row));
    expect((await results.rows('ICBC', 'repayments', 'r-1', rows({ outcome: 'accepted' }), icbc)).rows).toEqual([]);
    // a page of one, then the rest from its `next`
    const firstPage = await results.rows('ICBC', 'repayments', 'r-1', rows({ limit: '1', outcome: 'invalid' }), icbc);
    const rest = await results.rows('ICBC', 'repayments', 'r-1', rows({ after: String(firstPage.next), outcome: 'invalid' }), icbc);
    expect([...firstPage.rows, ...rest.rows]).toEqual(all.rows);
    expect(() => rows({ outcome: 'lost' })).toThrow(expect.objectContaining({ status: 400 }));
  });
});
