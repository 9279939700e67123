import { migrate, storeMigrations } from '@g2g/event-store';
import { TestDatabase, embeddedDatabase, freshServerDatabase } from '@g2g/testing';
import { FileBatch, SCHEMA } from './file-batch';
import { intakeMigrations } from '../migrations';
import { batchRows } from '../batch-results/batch-rows';

// The outcome of an invalid row names its loan_id as written (escaped where it holds characters
// that cannot be shown), so that the bank can find the row. A loan_id may be as long as a row
// (1 MiB), and every NUL or invisible character in it is written as a six-character escape: the
// loan_id kept for an invalid row must be cut to a length fit to show, or a file of a few such rows
// is stored, kept in the batch's event and answered again in every read of its rows many times
// over (ten rows of 10 MB took two minutes and 1.7 GB to file, and 73 MB to read back).

jest.setTimeout(120_000);

const ROWS = 3;
const LENGTH = 1_000_000;

describe.each([
  ['server PostgreSQL', () => freshServerDatabase('g2g_loan_ids')],
  ['embedded PostgreSQL (PGlite)', embeddedDatabase],
] as const)('an invalid row with a loan_id of a million characters (%s)', (_, open) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await open();
    await migrate(t.db, SCHEMA, [...storeMigrations, ...intakeMigrations]);
  }, 60_000);
  afterAll(async () => t?.close());

  it('is filed with its loan_id cut to a length fit to show', async () => {
    const file = ['loan_id,amount,repaid_on', ...Array.from({ length: ROWS }, (_, i) => `${'\u0000'.repeat(LENGTH)}${i},1.00,2025-06-01`)].join('\n') + '\n';
    async function* body() {
      yield Buffer.from(file);
    }
    const filing = new FileBatch(t.db);
    const result = await filing.file({ bank: 'ICBC', kind: 'repayments', batchRef: 'long-ids', programme: null, format: 'csv' }, body(), () => new Date());
    expect(result).toMatchObject({ kind: 'filed', summary: { rows: ROWS, invalid: ROWS } });

    const rows = await batchRows(t.db, 'ICBC', 'repayments', 'long-ids', 0, 100);
    expect(rows.map((r) => [r.row, r.codes])).toEqual(Array.from({ length: ROWS }, (_, i) => [i + 1, ['CONTROL_CHARACTER']]));
    for (const r of rows) expect(r.loan_id!.length).toBeLessThan(10_000);
    const [stored] = await t.db.query<{ size: number }>(`select max(octet_length(loan_ids) + octet_length(errors::text)) as size from ${SCHEMA}.batch_chunks where batch_ref = 'long-ids'`);
    expect(Number(stored.size)).toBeLessThan(100_000);
    const [event] = await t.db.query<{ size: number }>(`select max(octet_length(data::text)) as size from ${SCHEMA}.events where type = 'intake.rows-checked.v2'`);
    expect(Number(event.size)).toBeLessThan(100_000);
  });
});
