import { LoanFiledV1 } from '@g2g/contracts';
import { usccCheckCharacter } from '@g2g/domain';
import { migrate, storeMigrations } from '@g2g/event-store';
import { applyProgramme } from '@g2g/platform';
import { TestDatabase, freshServerDatabase } from '@g2g/testing';
import { demoProgrammeDocument } from '../../../../libs/domain/src/programme/demo-programme.fixture';
import { underwritingMigrations } from '../migrations';
import { SCHEMA } from '../publish-reference-data/publish-reference-data';
import { decideLoans, rejectUnprocessable } from './decide-loans';

const borrower = (n: number) => {
  const first17 = `911101050000${String(n).padStart(5, '0')}`;
  return first17 + usccCheckCharacter(first17);
};

const filing = (bank: string, n: number, principalFen: string, borrowerId = borrower(n)): LoanFiledV1 => ({
  guaranteeId: `${bank}/L${n}`,
  bank,
  loanId: `L${n}`,
  batchRef: `batch-${bank}`,
  row: n,
  programme: 'P',
  borrower: { idType: 'USCC', id: borrowerId, name: 'x', type: 'micro' },
  industryCode: 'C1311',
  regionCode: '110105',
  sciTech: false,
  agriRelated: false,
  principalFen,
  currency: 'CNY',
  interestRatePct: '4.5',
  guaranteeFeeRatePct: '0.8',
  disbursedOn: '2025-03-01',
  maturesOn: '2026-03-01',
  filedAt: '2025-03-01T00:00:00Z',
});

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
      // 8 banks' transactions at once, 50 loans of 100,000.00 yuan each: 40,000,000 asked for a
      // quota of 10,000,000. Every fifth loan also goes to one shared borrower (limit 1,500,000).
      const shared = borrower(99_999);
      await Promise.all(
        Array.from({ length: 8 }, (_, w) =>
          writers.transaction(
            (tx) => decideLoans(tx, Array.from({ length: 50 }, (_, i) => filing(`B${w}`, w * 100 + i, '10000000', i % 5 === 0 ? shared : undefined)), new Date()),
            20,
          ),
        ),
      );
      const [totals] = await t.db.query<{ approved: string; principal: string; shared: string }>(
        `select count(*) filter (where outcome = 'approved')::text as approved,
                coalesce(sum(principal_fen) filter (where outcome = 'approved'), 0)::text as principal,
                coalesce(sum(principal_fen) filter (where outcome = 'approved' and borrower_id = $1), 0)::text as shared
           from ${SCHEMA}.loans`,
        [shared],
      );
      expect(totals).toEqual({ approved: '100', principal: '1000000000', shared: '150000000' });
      const [book] = await t.db.query(`select outstanding_fen::text as o from ${SCHEMA}.programme_books where programme = 'P'`);
      expect(book.o).toBe('1000000000');
      const [{ n }] = await t.db.query(`select count(*)::text as n from ${SCHEMA}.loans`);
      expect(n).toBe('400');
    } finally {
      await writers.close();
    }
  }, 60_000);

  it('decides a redelivered loan once', async () => {
    const f = filing('ZZ', 1, '100');
    const first = await t.db.transaction((tx) => decideLoans(tx, [f], new Date()));
    const again = await t.db.transaction((tx) => decideLoans(tx, [f, f], new Date()));
    expect(first).toHaveLength(1);
    expect(again).toHaveLength(0);
  });

  it('answers a loan the rules cannot compute with as UNPROCESSABLE, and decides the others of its chunk', async () => {
    const broken = { ...filing('ZZ', 2, '100'), maturesOn: '9999-12-31', disbursedOn: '9999-12-01' }; // past the date arithmetic
    const fine = filing('ZZ', 3, '100');
    const decisions = await t.db.transaction((tx) => decideLoans(tx, [broken, fine], new Date()));
    expect(decisions.map((d) => [d.filing.loanId, d.issued ? 'approved' : d.rejected!.codes])).toEqual([
      ['L2', ['UNPROCESSABLE']],
      ['L3', ['QUOTA']], // judged by the rules as usual (the first test filled the quota)
    ]);
    const [event] = await t.db.query(`select data from ${SCHEMA}.events where stream_id = 'guarantee:ZZ/L2'`);
    expect(event.data).toMatchObject({ codes: ['UNPROCESSABLE'], unprocessable: expect.stringContaining('RangeError') });
  });

  it('rejects the loans of a message that failed every attempt as UNPROCESSABLE, once', async () => {
    const f = filing('ZZ', 4, '100');
    await t.db.transaction((tx) => rejectUnprocessable(tx, [f, f], 'database error 22P05', new Date()));
    await t.db.transaction((tx) => rejectUnprocessable(tx, [f], 'again', new Date()));
    expect(await t.db.query(`select outcome, codes from ${SCHEMA}.loans where guarantee_id = 'ZZ/L4'`)).toEqual([{ outcome: 'rejected', codes: ['UNPROCESSABLE'] }]);
    expect(await t.db.query(`select value->'codes' as codes from ${SCHEMA}.outbox where key = 'ZZ/L4'`)).toEqual([{ codes: ['UNPROCESSABLE'] }]);
  });
});
