import { LoansDecidedV2, LoansFiledV2 } from '@g2g/contracts';
import { residentIdCheckCharacter, usccCheckCharacter } from '@g2g/domain';
import { migrate, storeMigrations } from '@g2g/event-store';
import { Caller, applyProgramme, rebuildState } from '@g2g/platform';
import { TestDatabase, freshServerDatabase } from '@g2g/testing';
import { Readable } from 'node:stream';
import { demoProgrammeDocument } from '../../../../libs/domain/src/programme/demo-programme.fixture';
import { decideLoanChunks } from '../decide-loans/decide-loans';
import { underwritingMigrations } from '../migrations';
import { SCHEMA } from '../publish-reference-data/publish-reference-data';
import { underwritingState } from '../underwriting.module';
import { checkAgainstLists } from './check-lists';
import { spool } from './list-files';
import { listsOnDates, onKey } from './list-projection';
import { PublishedList, listsAndVersions, publishList } from './publish-list';

const uscc = (n: number) => {
  const first17 = `91110105MA${String(n).padStart(7, '0')}`;
  return first17 + usccCheckCharacter(first17);
};
const FARMER = '11010519491231002' + residentIdCheckCharacter('11010519491231002');
const [A, B, C, D] = [uscc(1), uscc(2), uscc(3), uscc(4)];
const operator: Caller = { code: 'NFRA', kind: 'regulator', keyId: '0123456789abcdef' };
const csv = (rows: string[], header = 'borrower_id_type,borrower_id') => [header, ...rows].join('\r\n') + '\r\n';

describe('recommended lists in underwriting: published in versions, checked, and applied to decisions', () => {
  let t: TestDatabase;
  const publish = async (list: string, body: string, from: string, to: string | null = null, format: 'csv' | 'jsonl' = 'csv'): Promise<PublishedList> => {
    const file = await spool(Readable.from([Buffer.from(body)]));
    try {
      return await publishList(t.db, { list, name: `${list} list`, authority: 'Beijing bureau', effectiveFrom: from, effectiveTo: to }, file, format, operator, new Date('2025-01-02T00:00:00Z'));
    } finally {
      await file.remove();
    }
  };
  const on = async (borrowerId: string, date: string) => (await listsOnDates(t.db, [{ borrowerId, on: date }])).get(onKey(borrowerId, date)) ?? [];

  beforeAll(async () => {
    t = await freshServerDatabase('g2g_int_lists', 4);
    await migrate(t.db, SCHEMA, [...storeMigrations, ...underwritingMigrations]);
  }, 60_000);
  afterAll(async () => t?.close());

  it('publishes a list in chunk events of a thousand entries, repeated entries once, and answers who is on it', async () => {
    const many = Array.from({ length: 2_500 }, (_, i) => `USCC,${uscc(1000 + i)}`);
    const first = await publish('WHITE', csv([`USCC,${A}`, `USCC,${B}`, `RID,${FARMER}`, `USCC,${A}`, ...many]), '2025-01-01');
    expect(first).toMatchObject({ ok: true, value: { list: 'WHITE', version: 1, rows: 2_504, entries: 2_503 } });
    const chunks = await t.db.query<{ n: number }>(`select count(*)::int as n from ${SCHEMA}.events where stream_id = 'list:WHITE' and type = 'underwriting.list-entries-recorded.v1'`);
    expect(chunks[0].n).toBe(3);
    expect(await on(A, '2025-03-01')).toEqual(['WHITE']);
    expect(await on(FARMER, '2025-03-01')).toEqual(['WHITE']);
    expect(await on(A, '2024-12-31')).toEqual([]);
    expect(await on(C, '2025-03-01')).toEqual([]);
  });

  it('a new version replaces the entries from its date; the earlier version still holds before it', async () => {
    expect(await publish('WHITE', csv([`USCC,${B}`, `USCC,${C}`]), '2025-07-01')).toMatchObject({ ok: true, value: { version: 2, entries: 2 } });
    expect([await on(A, '2025-06-30'), await on(A, '2025-07-01'), await on(C, '2025-06-30'), await on(C, '2025-07-01')]).toEqual([['WHITE'], [], [], ['WHITE']]);
    // the same date again: the later publication replaces the earlier one
    expect(await publish('WHITE', `{"borrower_id_type":"USCC","borrower_id":"${D}"}\n`, '2025-07-01', null, 'jsonl')).toMatchObject({ ok: true, value: { version: 3 } });
    expect([await on(C, '2025-07-01'), await on(D, '2025-08-01')]).toEqual([[], ['WHITE']]);
    // a list with an end: empty after it
    expect(await publish('GREEN', csv([`USCC,${D}`]), '2025-01-01', '2025-09-30')).toMatchObject({ ok: true });
    expect([await on(D, '2025-09-30'), await on(D, '2025-10-01')]).toEqual([['GREEN', 'WHITE'], ['WHITE']]);
    const { lists } = await listsAndVersions(t.db);
    expect(lists.map((l) => [l.id, l.versions.map((v) => [v.version, v.effective_from, v.effective_to, v.entries, v.published_by])])).toEqual([
      ['GREEN', [[1, '2025-01-01', '2025-09-30', 1, 'NFRA']]],
      ['WHITE', [[1, '2025-01-01', null, 2_503, 'NFRA'], [2, '2025-07-01', null, 2, 'NFRA'], [3, '2025-07-01', null, 1, 'NFRA']]],
    ]);
  });

  it('refuses a whole version for one identifier with a wrong check character, and publishes nothing', async () => {
    const bad = A.slice(0, 17) + (A[17] === '0' ? '1' : '0');
    const refused = await publish('WHITE', csv([`USCC,${B}`, `USCC,${bad}`, `XX,${B}`]), '2026-01-01');
    expect(refused).toMatchObject({ ok: false, status: 422, code: 'INVALID_LIST', errors: [{ row: 2, code: 'BAD_CHECK_CHARACTER' }, { row: 3, code: 'UNKNOWN_ID_TYPE' }] });
    expect(await publish('WHITE', 'borrower_id\r\nx\r\n', '2026-01-01')).toMatchObject({ ok: false, status: 400, code: 'MISSING_COLUMNS' });
    expect((await listsAndVersions(t.db)).lists.find((l) => l.id === 'WHITE')!.versions).toHaveLength(3);
  });

  it('checks a file of borrowers, each row on its own disbursed_on when the file has it, else on the date asked', async () => {
    const check = async (body: string, date: string, format: 'csv' | 'jsonl' = 'csv') => {
      const file = await spool(Readable.from([Buffer.from(body)]));
      try {
        const out = [];
        for await (const rows of checkAgainstLists(t.db, file, format, date)) out.push(...rows);
        return out;
      } finally {
        await file.remove();
      }
    };
    expect(await check(csv([`USCC,${A}`, `USCC,${C}`, 'USCC,nonsense']), '2025-03-01')).toEqual([
      { row: 1, borrower_id_type: 'USCC', borrower_id: A, on: '2025-03-01', lists: ['WHITE'] },
      { row: 2, borrower_id_type: 'USCC', borrower_id: C, on: '2025-03-01', lists: [] },
      { row: 3, error: expect.objectContaining({ code: 'BAD_LENGTH', field: 'borrower_id' }) },
    ]);
    const batch = csv([`x,USCC,${A},2025-08-01`, `y,USCC,${D},2025-08-01`, `z,USCC,${A},2025-02-01`], 'loan_id,borrower_id_type,borrower_id,disbursed_on');
    expect((await check(batch, '2025-03-01')).map((r) => ('lists' in r ? [r.on, r.lists] : r))).toEqual([
      ['2025-08-01', []],
      ['2025-08-01', ['GREEN', 'WHITE']],
      ['2025-02-01', ['WHITE']],
    ]);
  });

  it('the lists are a projection of underwriting\'s events: a verify replays them to the same tables', async () => {
    const report = await rebuildState(t.db, underwritingState, 'verify');
    expect(report.differences).toEqual([]);
    expect(report.identical).toBe(true);
  });

  it('a programme requiring a list rejects a borrower on none of them with NOT_ON_LIST, and every guarantee records its lists', async () => {
    await t.db.transaction((tx) =>
      applyProgramme(tx, SCHEMA, { programme: { ...demoProgrammeDocument, id: 'P', banks: ['ICBC'], required_lists: ['WHITE'] }, publishedAt: '2025-01-01T00:00:00Z' }),
    );
    const filed: LoansFiledV2 = {
      bank: 'ICBC',
      batchRef: 'R',
      programme: 'P',
      firstRow: 1,
      filedAt: '2025-03-01T00:00:00Z',
      loans: {
        row: [1, 2, 3],
        loanId: ['L1', 'L2', 'L3'],
        borrowerIdType: ['USCC', 'USCC', 'USCC'],
        borrowerId: [A, C, D],
        borrowerName: ['a', 'c', 'd'],
        borrowerType: ['micro', 'micro', 'micro'],
        industryCode: ['C1311', 'C1311', 'C1311'],
        regionCode: ['110105', '110105', '110105'],
        sciTech: 'NNN',
        agriRelated: 'NNN',
        principalFen: ['100000', '100000', '100000'],
        interestRatePct: ['4.5', '4.5', '4.5'],
        guaranteeFeeRatePct: ['0.8', '0.8', '0.8'],
        disbursedOn: ['2025-03-01', '2025-03-01', '2025-08-01'],
        maturesOn: ['2026-03-01', '2026-03-01', '2026-08-01'],
      },
    };
    const [decided] = await t.db.transaction((tx) => decideLoanChunks(tx, [filed], new Date('2025-03-01T01:00:00Z')));
    expect(decided.codes).toEqual([[], ['NOT_ON_LIST'], []]);
    expect((decided as LoansDecidedV2).issued.lists).toEqual([['WHITE'], ['GREEN', 'WHITE']]);
  });
});
