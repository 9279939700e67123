import { migrate, storeMigrations } from '@g2g/event-store';
import { applyParticipant, applyProgramme } from '@g2g/platform';
import { TestDatabase, embeddedDatabase } from '@g2g/testing';
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoProgrammeDocument } from '../../../../libs/domain/src/programme/demo-programme.fixture';
import { batchRows } from '../batch-results/batch-rows';
import { recordOutcomes } from '../batch-results/record-outcomes.consumer';
import { FileBatch, SCHEMA } from '../file-batch/file-batch';
import { intakeMigrations } from '../migrations';
import { FileConnector } from './file-connector';

const HEADER = 'loan_id,borrower_id_type,borrower_id,borrower_name,borrower_type,industry_code,region_code,sci_tech,agri_related,principal,currency,interest_rate_pct,guarantee_fee_rate_pct,disbursed_on,matures_on';
const ROW = (id: string, checkChar = '3') => `${id},USCC,91350100M000100Y4${checkChar},某某公司,micro,C1311,110105,N,N,1000.00,CNY,4.5,0.8,2025-03-01,2026-03-01`;

describe('the file connector', () => {
  let t: TestDatabase;
  let inbox: string;
  let dir: string;

  beforeAll(async () => {
    t = await embeddedDatabase();
    await migrate(t.db, SCHEMA, [...storeMigrations, ...intakeMigrations]);
    await t.db.transaction((tx) => applyProgramme(tx, SCHEMA, { programme: { ...demoProgrammeDocument }, publishedAt: '2025-01-01T00:00:00Z' }));
    await t.db.transaction((tx) =>
      applyParticipant(tx, SCHEMA, { code: 'ICBC', kind: 'bank', name: 'ICBC', netAssetsFen: null, effectiveFrom: '2000-01-01', registeredAt: '2025-01-01T00:00:00Z' }),
    );
  }, 60_000);
  afterAll(async () => t?.close());

  beforeEach(() => {
    inbox = mkdtempSync(join(tmpdir(), 'g2g-inbox-'));
    dir = join(inbox, 'ICBC', demoProgrammeDocument.id);
    mkdirSync(dir, { recursive: true });
  });
  afterEach(() => rmSync(inbox, { recursive: true, force: true }));
  const connector = (options: { settleMs?: number; now?: () => number; log?: (line: string) => void } = {}) =>
    new FileConnector(t.db, new FileBatch(t.db), inbox, { settleMs: 0, ...options });

  it('files a dropped batch once, even with two connectors looking, and writes the results when every row has its outcome', async () => {
    writeFileSync(join(dir, 'F1.csv'), [HEADER, ROW('F-1'), ROW('F-2', '4')].join('\n') + '\n');
    writeFileSync(join(dir, 'F2.csv.part'), HEADER + '\n'); // still being written: left alone
    const a = connector();
    const b = connector();
    await Promise.all([a.scan(), b.scan()]);

    expect(existsSync(join(dir, 'done', 'F1.csv'))).toBe(true);
    expect(existsSync(join(dir, 'F2.csv.part'))).toBe(true);
    const rows = (await batchRows(t.db, 'ICBC', 'loans', 'F1', 0, 100)).map(({ row, loan_id, outcome }) => ({ row, loan_id, outcome }));
    expect(rows).toEqual([
      { row: 1, loan_id: 'F-1', outcome: 'pending' },
      { row: 2, loan_id: 'F-2', outcome: 'invalid' },
    ]);
    await a.scan();
    await b.scan();
    expect(existsSync(join(dir, 'results', 'F1.jsonl'))).toBe(false); // row 1 has no outcome yet

    await t.db.transaction((tx) => recordOutcomes(tx, [{ id: 'test:1', outcomes: { bank: 'ICBC', kind: 'loans', batchRef: 'F1', firstRow: 1, row: [1], codes: [[]] } }]));
    await a.scan();
    const results = readFileSync(join(dir, 'results', 'F1.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(results.map((r) => [r.row, r.loan_id, r.outcome, r.codes])).toEqual([
      [1, 'F-1', 'approved', []],
      [2, 'F-2', 'invalid', ['BAD_CHECK_CHARACTER']],
    ]);
  });

  it('moves a file it cannot read to failed/, saying why', async () => {
    writeFileSync(join(dir, 'BAD.csv'), 'loan_id,principal\nX,1\n');
    await connector().scan();
    expect(existsSync(join(dir, 'failed', 'BAD.csv'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'failed', 'BAD.error.json'), 'utf8')).code).toBe('MISSING_COLUMNS');
  });

  it('waits until a file has stood still before it picks it up', async () => {
    let clock = 1_000_000;
    const c = connector({ settleMs: 2_000, now: () => clock });
    const path = join(dir, 'SLOW.csv');
    writeFileSync(path, HEADER + '\n');
    utimesSync(path, clock / 1000, clock / 1000);
    await c.scan();
    expect(existsSync(path)).toBe(true); // just seen
    clock += 1_000;
    writeFileSync(path, [HEADER, ROW('S-1')].join('\n') + '\n'); // still growing
    utimesSync(path, clock / 1000, clock / 1000);
    await c.scan();
    clock += 1_999;
    await c.scan();
    expect(existsSync(path)).toBe(true); // changed 1.999 s ago
    clock += 1;
    await c.scan();
    expect(existsSync(join(dir, 'done', 'SLOW.csv'))).toBe(true);
  });

  it('refuses a file with another hard link, and a folder that is not a registered bank', async () => {
    const elsewhere = join(inbox, 'elsewhere.csv');
    writeFileSync(elsewhere, [HEADER, ROW('H-1')].join('\n') + '\n');
    linkSync(elsewhere, join(dir, 'HARD.csv'));
    const ghost = join(inbox, 'GHOST', demoProgrammeDocument.id);
    mkdirSync(ghost, { recursive: true });
    writeFileSync(join(ghost, 'G1.csv'), [HEADER, ROW('G-1')].join('\n') + '\n');
    await connector().scan();
    expect(JSON.parse(readFileSync(join(dir, 'failed', 'HARD.error.json'), 'utf8')).code).toBe('LINKED_FILE');
    expect(JSON.parse(readFileSync(join(ghost, 'failed', 'G1.error.json'), 'utf8')).code).toBe('UNKNOWN_BANK');
    expect(await t.db.query(`select 1 from ${SCHEMA}.batches where batch_ref in ('HARD', 'G1')`)).toEqual([]);
  });

  it('reads .CSV and .JSONL whatever the case of the extension, and names the results by the batch ref', async () => {
    writeFileSync(join(dir, 'UPPER.CSV'), [HEADER, ROW('CASE-1')].join('\n') + '\n');
    const fields = HEADER.split(',');
    const cells = ROW('CASE-2').split(',');
    writeFileSync(join(dir, 'Lines.JsonL'), JSON.stringify(Object.fromEntries(fields.map((f, i) => [f, cells[i]]))) + '\n');
    await connector().scan();
    expect(readdirSync(join(dir, 'done')).sort()).toEqual(['Lines.JsonL', 'UPPER.CSV']);
    expect((await batchRows(t.db, 'ICBC', 'loans', 'UPPER', 0, 10)).map((r) => r.loan_id)).toEqual(['CASE-1']);
    expect((await batchRows(t.db, 'ICBC', 'loans', 'Lines', 0, 10)).map((r) => r.loan_id)).toEqual(['CASE-2']);
    await t.db.transaction((tx) => recordOutcomes(tx, [{ id: 'test:case', outcomes: { bank: 'ICBC', kind: 'loans', batchRef: 'UPPER', firstRow: 1, row: [1], codes: [[]] } }]));
    await connector().scan();
    expect(existsSync(join(dir, 'results', 'UPPER.jsonl'))).toBe(true);
  });

  it('resumes a file a crash left in processing/ once it was claimed longer ago than the settle time', async () => {
    let clock = Date.now();
    const c = connector({ settleMs: 2_000, now: () => clock });
    mkdirSync(join(dir, 'processing'));
    // as a process that claimed them and died leaves them: under a claim's name, and under the file's own
    writeFileSync(join(dir, 'processing', 'CRASHED~1a2b-0123456789ab.csv'), [HEADER, ROW('CR-1')].join('\n') + '\n');
    writeFileSync(join(dir, 'processing', 'EARLIER.csv'), [HEADER, ROW('CR-2')].join('\n') + '\n');
    // the clock from the claims' own time on: their status change times, which are the machine's and
    // finer than Date.now()'s whole milliseconds (a clock read after them could still be behind them)
    clock = Math.max(...['CRASHED~1a2b-0123456789ab.csv', 'EARLIER.csv'].map((f) => lstatSync(join(dir, 'processing', f)).ctimeMs));
    await c.scan();
    // just claimed, perhaps by another process that is about to file it: left alone
    expect(readdirSync(join(dir, 'processing')).sort()).toEqual(['CRASHED~1a2b-0123456789ab.csv', 'EARLIER.csv']);
    expect(await t.db.query(`select 1 from ${SCHEMA}.batches where batch_ref in ('CRASHED', 'EARLIER')`)).toEqual([]);
    clock += 2_000;
    await c.scan();
    expect(readdirSync(join(dir, 'processing'))).toEqual([]);
    expect(readdirSync(join(dir, 'done')).sort()).toEqual(['CRASHED.csv', 'EARLIER.csv']);
    expect((await batchRows(t.db, 'ICBC', 'loans', 'CRASHED', 0, 10)).map((r) => r.loan_id)).toEqual(['CR-1']);
  });

  it('refuses a file name with a control character as BAD_BATCH_REF, and logs every name escaped', async () => {
    const lines: string[] = [];
    const names = ['bell\u0007.csv', 'two\nlines.csv', 'esc\u001b[31m.csv', '\u202ecod.csv'];
    for (const name of names) writeFileSync(join(dir, name), [HEADER, ROW('CC-1')].join('\n') + '\n');
    await connector({ log: (line) => lines.push(line) }).scan();
    for (const name of names) {
      expect(existsSync(join(dir, 'failed', name))).toBe(true);
      const reason = JSON.parse(readFileSync(join(dir, 'failed', name.replace(/\.csv$/, '.error.json')), 'utf8'));
      expect(reason).toMatchObject({ code: 'BAD_BATCH_REF', file: name });
    }
    expect(lines.filter((l) => l.includes('refused: BAD_BATCH_REF'))).toHaveLength(names.length);
    expect(lines.join('\n')).toContain('bell\\u0007.csv');
    expect(lines.join('\n')).toContain('\\u202ecod.csv');
    for (const line of lines) expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(await t.db.query(`select 1 from ${SCHEMA}.filed_loans where loan_id = 'CC-1'`)).toEqual([]);
  });
});
