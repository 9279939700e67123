import { migrate, storeMigrations } from '@g2g/event-store';
import { applyParticipant, applyProgramme } from '@g2g/platform';
import { TestDatabase, embeddedDatabase } from '@g2g/testing';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoProgrammeDocument } from '../../../../libs/domain/src/programme/demo-programme.fixture';
import { FileBatch, SCHEMA } from '../file-batch/file-batch';
import { intakeMigrations } from '../migrations';
import { FileConnector } from './file-connector';

// What the file connector claims, and whose it is. It claims a file by renaming it into
// processing/ and files it from there; a second look at the folder (another intake process, or a
// second scan loop) must never take a file another one is filing, and a file found in
// processing/ is the bank's only if the folder is a registered bank's. A file it refuses has its
// reason beside it, whatever its name.

const HEADER = 'loan_id,borrower_id_type,borrower_id,borrower_name,borrower_type,industry_code,region_code,sci_tech,agri_related,principal,currency,interest_rate_pct,guarantee_fee_rate_pct,disbursed_on,matures_on';
const ROW = (id: string) => `${id},USCC,91350100M000100Y43,某某公司,micro,C1311,110105,N,N,1000.00,CNY,4.5,0.8,2025-03-01,2026-03-01`;

describe('the file connector, claiming files', () => {
  let t: TestDatabase;
  let inbox: string;

  beforeAll(async () => {
    t = await embeddedDatabase();
    await migrate(t.db, SCHEMA, [...storeMigrations, ...intakeMigrations]);
    await t.db.transaction((tx) => applyProgramme(tx, SCHEMA, { programme: { ...demoProgrammeDocument }, publishedAt: '2025-01-01T00:00:00Z' }));
    for (const [code, kind] of [
      ['ICBC', 'bank'],
      ['BJ-GUOHUA', 'guarantor'],
    ] as const) {
      await t.db.transaction((tx) => applyParticipant(tx, SCHEMA, { code, kind, name: code, netAssetsFen: null, effectiveFrom: '2000-01-01', registeredAt: '2025-01-01T00:00:00Z' }));
    }
  }, 60_000);
  afterAll(async () => t?.close());
  beforeEach(() => {
    inbox = mkdtempSync(join(tmpdir(), 'g2g-inbox-claims-'));
  });
  afterEach(() => rmSync(inbox, { recursive: true, force: true }));

  it('never moves a file it did not file to done/: a file dropped under the name of one being filed is refused, not taken for it', async () => {
    const dir = join(inbox, 'ICBC', demoProgrammeDocument.id);
    mkdirSync(dir, { recursive: true });
    const first = [HEADER, ROW('C-1'), ROW('C-2'), ROW('C-3')].join('\n') + '\n';
    const second = [HEADER, ROW('D-1')].join('\n') + '\n';

    // connector a files the first file, and is held while it reads it
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reading!: () => void;
    const started = new Promise<void>((r) => (reading = r));
    const filing = new FileBatch(t.db);
    const held = {
      file: (header: never, body: AsyncIterable<Buffer>, now: () => Date) =>
        filing.file(
          header,
          (async function* () {
            reading();
            await gate;
            yield* body;
          })(),
          now,
        ),
      summary: filing.summary.bind(filing),
      inProgress: filing.inProgress.bind(filing),
    };
    const a = new FileConnector(t.db, held as unknown as FileBatch, inbox, { settleMs: 0 });
    const b = new FileConnector(t.db, new FileBatch(t.db), inbox, { settleMs: 0 });

    writeFileSync(join(dir, 'SAME.csv'), first);
    const aScan = a.scan();
    await started;
    // the bank drops other content under the same name while the first is being filed; b looks
    writeFileSync(join(dir, 'SAME.csv'), second);
    await b.scan();
    release();
    await aScan;
    for (let i = 0; i < 3; i++) {
      await a.scan();
      await b.scan();
    }

    const batch = await new FileBatch(t.db).summary(t.db, 'ICBC', 'loans', 'SAME');
    expect(batch).toMatchObject({ rows: 3, status: 'filed' });
    // done/ holds the file that was filed, and the other one is refused beside its reason
    expect(readFileSync(join(dir, 'done', 'SAME.csv'), 'utf8')).toBe(first);
    expect(existsSync(join(dir, 'failed', 'SAME.csv')) && readFileSync(join(dir, 'failed', 'SAME.csv'), 'utf8')).toBe(second);
    // (other bytes under a ref already filed: BATCH_CONFLICT, or whatever code says why it was not filed)
    expect(JSON.parse(readFileSync(join(dir, 'failed', 'SAME.error.json'), 'utf8')).code).toMatch(/^[A-Z][A-Z_]+$/);
  });

  it('files nothing it finds in processing/ of a folder that is not a registered bank', async () => {
    const rows = 'loan_id,amount,repaid_on\nC-1,1.00,2025-06-01\n';
    const folders = ['GHOST', 'icbc', 'BJ-GUOHUA']; // never registered, a bank's code in lower case, a guarantor
    for (const folder of folders) {
      mkdirSync(join(inbox, folder, 'repayments', 'processing'), { recursive: true });
      writeFileSync(join(inbox, folder, 'repayments', 'processing', `P-${folder}.csv`), rows);
    }
    await new FileConnector(t.db, new FileBatch(t.db), inbox, { settleMs: 0 }).scan();

    expect(await t.db.query(`select bank, batch_ref from ${SCHEMA}.batches where bank = any($1::text[])`, [folders])).toEqual([]);
    for (const folder of folders) {
      expect(existsSync(join(inbox, folder, 'repayments', 'done', `P-${folder}.csv`))).toBe(false);
      expect(JSON.parse(readFileSync(join(inbox, folder, 'repayments', 'failed', `P-${folder}.error.json`), 'utf8')).code).toBe('UNKNOWN_BANK');
    }
  });

  it('says why it refused a file whose name is as long as a file name may be, and goes on with the others', async () => {
    // 246 letters and .csv: a file name of 250 bytes (the most is 255), too long for a batch ref;
    // the reason beside it, {name}.error.json, would be 257 bytes
    const dir = join(inbox, 'ICBC', 'repayments');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${'a'.repeat(246)}.csv`), 'loan_id,amount,repaid_on\nC-1,1.00,2025-06-01\n');
    const other = join(inbox, 'ICBC', 'recoveries');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'NEXT.csv'), 'loan_id,amount,recovered_on\nC-1,1.00,2025-06-01\n');

    await expect(new FileConnector(t.db, new FileBatch(t.db), inbox, { settleMs: 0 }).scan()).resolves.toBeUndefined();
    const failed = readdirSync(join(dir, 'failed'));
    expect(failed).toContain(`${'a'.repeat(246)}.csv`);
    const reasons = failed.filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(dir, 'failed', f), 'utf8')).code);
    expect(reasons).toEqual(['BAD_BATCH_REF']);
    expect(existsSync(join(other, 'done', 'NEXT.csv'))).toBe(true); // filed in the same pass
  });
});
