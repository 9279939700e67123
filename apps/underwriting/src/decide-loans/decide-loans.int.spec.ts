import { LoansDecidedV2 } from '@g2g/contracts';
import { migrate, storeMigrations } from '@g2g/event-store';
import { applyProgramme } from '@g2g/platform';
import { TestDatabase, freshServerDatabase } from '@g2g/testing';
import { demoProgrammeDocument } from '../../../../libs/domain/src/programme/demo-programme.fixture';
import { underwritingMigrations } from '../migrations';
import { SCHEMA } from '../publish-reference-data/publish-reference-data';
import { decideLoanChunks, rejectUnprocessable } from './decide-loans';
import { borrower, chunk, filing } from './filed-chunk.fixture';

/** Every decision published, as the approved loans' principal and borrowers. */
async function decisions(t: TestDatabase): Promise<LoansDecidedV2[]> {
  const rows = await t.db.query<{ data: LoansDecidedV2 }>(`select data from ${SCHEMA}.events where type = 'underwriting.loans-decided.v2' order by global_position`);
  return rows.map((r) => r.data);
}

describe('deciding loans while other transactions decide for the same programme', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await freshServerDatabase('g2g_int_uw', 12);
    await migrate(t.db, SCHEMA, [...storeMigrations, ...underwritingMigrations]);
    await t.db.transaction((tx) =>
      applyProgramme(tx, SCHEMA, {
        programme: {
          ...demoProgrammeDocument,
          id: 'P',
          banks: ['B0', 'B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'ZZ'],
          programme_quota: '10000000.00',
          max_borrower_principal: '1500000.00',
        },
        publishedAt: '2025-01-01T00:00:00Z',
      }),
    );
  }, 60_000);
  afterAll(async () => t?.close());

  it('never issues past the programme quota or a borrower limit, and lands exactly on them', async () => {
    const writers = await t.connectAnother(8);
    try {
      // 8 banks' transactions at once, 50 loans of 100,000.00 yuan each in chunks of 10: 40,000,000
      // asked for a quota of 10,000,000. Every fifth loan also goes to one shared borrower (limit 1,500,000).
      const shared = borrower(99_999);
      await Promise.all(
        Array.from({ length: 8 }, (_, w) =>
          (async () => {
            for (let c = 0; c < 5; c++) {
              const loans = Array.from({ length: 10 }, (_, i) => w * 100 + c * 10 + i).map((n) => filing(n, '10000000', n % 5 === 0 ? shared : undefined));
              await writers.transaction((tx) => decideLoanChunks(tx, [chunk(`B${w}`, loans)], new Date()), 20);
            }
          })(),
        ),
      );
      const all = await decisions(t);
      const approved = all.flatMap((d) => d.issued.index.map((_, i) => ({ borrower: d.issued.borrowerId[i], fen: BigInt(d.issued.principalFen[i]) })));
      expect(approved).toHaveLength(100);
      expect(approved.reduce((s, a) => s + a.fen, 0n)).toBe(1_000_000_000n);
      expect(approved.filter((a) => a.borrower === shared).reduce((s, a) => s + a.fen, 0n)).toBe(150_000_000n);
      expect(all.flatMap((d) => d.codes)).toHaveLength(400);
      const [book] = await t.db.query(`select outstanding_fen::text as o, version from ${SCHEMA}.programme_books where programme = 'P'`);
      expect(book).toEqual({ o: '1000000000', version: 40 });
      const [exposure] = await t.db.query(`select outstanding_fen::text as o from ${SCHEMA}.borrower_exposure where programme = 'P' and borrower_id = $1`, [shared]);
      expect(exposure.o).toBe('150000000');
    } finally {
      await writers.close();
    }
  }, 60_000);

  it('decides a redelivered chunk once', async () => {
    const c = chunk('ZZ', [filing(1, '100')]);
    const first = await t.db.transaction((tx) => decideLoanChunks(tx, [c], new Date()));
    const again = await t.db.transaction((tx) => decideLoanChunks(tx, [c, c], new Date()));
    expect(first).toHaveLength(1);
    expect(again).toHaveLength(0);
  });

  it('answers a loan the rules cannot compute with as UNPROCESSABLE, and decides the others of its chunk', async () => {
    const c = chunk('ZZ', [filing(2, '100', undefined, { disbursedOn: '9999-12-01', maturesOn: '9999-12-31' }), filing(3, '100')]); // past the date arithmetic
    const [decided] = await t.db.transaction((tx) => decideLoanChunks(tx, [c], new Date()));
    expect(decided.loanId.map((id, i) => [id, decided.codes[i]])).toEqual([
      ['L2', ['UNPROCESSABLE']],
      ['L3', ['QUOTA']], // judged by the rules as usual (the first test filled the quota)
    ]);
    const [event] = await t.db.query(`select metadata from ${SCHEMA}.events where type = 'underwriting.loans-decided.v2' and data->>'batchRef' = 'batch-ZZ' and data->>'firstRow' = '2'`);
    expect(event.metadata).toMatchObject({ unprocessable: [{ index: 0, error: expect.stringContaining('RangeError') }] });
  });

  it('rejects the loans of a message that failed every attempt as UNPROCESSABLE, once', async () => {
    const c = chunk('ZZ', [filing(4, '100'), filing(5, '100')]);
    await t.db.transaction((tx) => rejectUnprocessable(tx, [c, c], 'database error 22P05', new Date()));
    await t.db.transaction((tx) => rejectUnprocessable(tx, [c], 'again', new Date()));
    const mine = (await decisions(t)).filter((d) => d.bank === 'ZZ' && d.firstRow === 4);
    expect(mine.map((d) => d.codes)).toEqual([[['UNPROCESSABLE'], ['UNPROCESSABLE']]]);
    const [published] = await t.db.query(`select topic, key from ${SCHEMA}.events where type = 'underwriting.loans-decided.v2' and data->>'bank' = 'ZZ' and data->>'firstRow' = '4'`);
    expect(published).toEqual({ topic: 'g2g.underwriting.loans-decided.v2', key: 'P' });
  });
});
