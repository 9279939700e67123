import { GuaranteesCededV2, IssueTermsV2, LoansDecidedV2, ServicingDecidedV2, guaranteesCededV2, loansDecidedV2, servicingDecidedV2 } from '@g2g/contracts';
import { rebuildState } from '@g2g/platform';
import { TestDatabase, embeddedDatabase, eventually, freshServerDatabase } from '@g2g/testing';
import { FEE_COUNTS_FROM_FACTS, FIGURE_CELLS_FROM_FACTS } from '../migrations';
import { openReporting } from '../reporting-database.fixture';
import { SCHEMA, record } from '../record-log/record-log.consumer';
import { READ_MODELS } from '../projections/projector';
import { ProjectionRunner, reportingState } from '../projections/projection.runner';
import { breakdown, monthlyFigures } from '../figures-series/figures-series';
import { FiguresQuery, Slice, figures, figuresFromFacts } from './figures';

// The figures of what is known now are read from the figure cells; the same figures worked out from
// the facts (every guarantee, fee and change) must be equal to the fen, for every period and slice.
// The portfolio has what makes cells hard: borrowers with several guarantees (in one chunk and
// across chunks, banks, programmes and cells), guarantees over 5 million yuan, fees recorded before
// and after their guarantees, partial and full repayments, claims, and a principal change recorded
// after the end of a period.

const databases = [
  ['server PostgreSQL', () => freshServerDatabase('g2g_int_figure_cells')],
  ['embedded PostgreSQL (PGlite)', embeddedDatabase],
] as const;

/** A small deterministic generator (mulberry32). */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] };
}

const party = (role: string, participant: string, sharePct: string) => ({ role, participant, sharePct });
const terms = (province: string, fundBacked: boolean, parties: IssueTermsV2['parties']): IssueTermsV2 => ({
  programmeVersion: '2025-01-01',
  province,
  fundBacked,
  parties,
  claimGraceDays: 90,
  claimCoversInterest: false,
  fundCapPct: '4',
  breakerPct: '3',
});
const PROGRAMMES = [
  { programme: 'P-BJ', bank: 'ICBC', terms: terms('11', true, [party('bank', 'ICBC', '20'), party('guarantor', 'BJ-GUOHUA', '40'), party('reguarantor', 'BJ-REG', '20'), party('fund', 'NFGF', '20')]) },
  { programme: 'P-BJ', bank: 'BOC', terms: terms('11', true, [party('bank', 'BOC', '20'), party('guarantor', 'BJ-GUOHUA', '40'), party('reguarantor', 'BJ-REG', '20'), party('fund', 'NFGF', '20')]) },
  { programme: 'P-SD', bank: 'ICBC', terms: terms('37', false, [party('bank', 'ICBC', '33.3333'), party('guarantor', 'SD-GUAR', '46.6667'), party('reguarantor', 'SD-REG', '20')]) },
];
/** a programme all of whose guarantees are repaid in full: its parties bear nothing at the end */
const REPAID = { programme: 'P-REPAID', bank: 'CCB', terms: terms('11', false, [party('bank', 'CCB', '50'), party('guarantor', 'RP-GUAR', '30'), party('reguarantor', 'RP-REG', '20')]) };
const CHUNKS = 31;
const SECTIONS = ['A', 'C', 'F'];
const TYPES = ['small', 'micro', 'medium', 'farmer'] as const;
const LISTS: readonly string[][] = [['WHITE'], [], ['GREEN', 'WHITE'], []];
const SLICES: Slice[] = [
  {},
  { list: 'WHITE' },
  { list: 'GREEN', bank: 'ICBC' },
  { list: 'NONE-SUCH' },
  { programme: 'P-BJ' },
  { programme: 'P-SD' },
  { bank: 'BOC' },
  { bank: 'ICBC', programme: 'P-BJ' },
  { fundBacked: true },
  { fundBacked: false },
  { guarantor: 'SD-GUAR' },
  { reguarantor: 'BJ-REG' },
  { reguarantor: 'NFGF' },
  { province: '37' },
  { industrySection: 'C' },
  { borrowerType: 'farmer' },
  { industrySection: 'F', borrowerType: 'small', bank: 'ICBC' },
  { programme: 'P-NONE' },
  { programme: 'P-REPAID' },
  { reguarantor: 'RP-REG' },
];
const PERIODS = [
  ['2025-01-01', '2025-12-31'],
  ['2025-02-01', '2025-03-31'],
  ['2025-03-15', '2025-03-15'],
  ['2025-05-10', '2025-06-20'],
  ['2024-01-01', '2024-12-31'],
] as const;

interface Issued {
  id: string;
  bank: string;
  loanId: string;
  principal: bigint;
  on: string;
}

/** The portfolio's messages in the order reporting hears them. */
function portfolio(): { topic: string; value: object }[] {
  const random = prng(20251);
  const borrowers = Array.from({ length: 120 }, (_, i) => `91110105MB${String(i).padStart(8, '0')}`);
  const messages: { topic: string; value: object }[] = [];
  const issued: Issued[] = [];
  const date = (month: number, day: number) => `2025-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  for (let chunk = 0; chunk < CHUNKS; chunk++) {
    const p = chunk === CHUNKS - 1 ? REPAID : PROGRAMMES[chunk % PROGRAMMES.length];
    const n = random.int(5, 25);
    const loanId = Array.from({ length: n }, (_, i) => `L${chunk}-${i}`);
    // most approved, some rejected
    const index = loanId.flatMap((_, i) => (random.next() < 0.85 ? [i] : []));
    const principal = index.map(() => BigInt(random.pick([random.int(1, 50_000) * 10_000, random.int(4_000_000, 6_000_000) * 100, random.int(1, 9_999_999)])));
    const on = index.map(() => date(random.int(1, 6), random.int(1, 28)));
    const decided: LoansDecidedV2 = {
      programme: p.programme,
      bank: p.bank,
      batchRef: `B${chunk}`,
      firstRow: 1,
      decidedAt: '2025-07-01T00:00:00.000Z',
      row: loanId.map((_, i) => i + 1),
      loanId,
      codes: loanId.map((_, i) => (index.includes(i) ? [] : ['TERM'])),
      terms: [p.terms],
      issued: {
        index,
        terms: index.map(() => 0),
        borrowerIdType: index.map(() => 'USCC' as const),
        borrowerId: index.map(() => random.pick(borrowers)),
        borrowerName: index.map(() => '测试企业'),
        borrowerType: index.map(() => random.pick(TYPES)),
        industryCode: index.map(() => 'C1311'),
        industrySection: index.map(() => random.pick(SECTIONS)),
        regionCode: index.map(() => (p.terms.province === '11' ? '110105' : '370102')),
        sciTech: index.map(() => (random.next() < 0.3 ? 'Y' : 'N')).join(''),
        agriRelated: index.map(() => 'N').join(''),
        inclusive: index.map(() => (random.next() < 0.7 ? 'Y' : 'N')).join(''),
        principalFen: principal.map(String),
        interestRatePct: index.map(() => `${random.int(3, 6)}.${random.int(0, 99)}`),
        guaranteeFeeRatePct: index.map(() => `0.${random.int(1, 99)}`),
        disbursedOn: on,
        maturesOn: on.map((d) => d.replace('2025', '2026')),
        termDays: index.map(() => 365),
        guaranteeFeeFen: principal.map((x) => String((x * 8n) / 1000n)),
        reguaranteeFeePct: index.map(() => '0.3'),
        // the recommended lists of each borrower; every fifth chunk as decided before lists existed
        ...(chunk % 5 === 4 ? {} : { lists: index.map((_, k) => LISTS[(chunk + k) % LISTS.length]) }),
      },
    };
    const reguarantors = p.terms.parties.filter((q) => q.role === 'reguarantor' || q.role === 'fund');
    const ceded: GuaranteesCededV2 = {
      programme: p.programme,
      bank: p.bank,
      batchRef: `B${chunk}`,
      firstRow: 1,
      cededAt: '2025-07-01T00:00:00.000Z',
      guarantees: {
        loanId: index.map((i) => loanId[i]),
        guarantor: index.map(() => p.terms.parties.find((q) => q.role === 'guarantor')!.participant),
        principalFen: principal.map(String),
        termDays: index.map(() => 365),
        cededOn: on,
        feePct: index.map(() => '0.3'),
      },
      // a fee of zero and a fee left out, now and then
      parts: reguarantors.map((q) => ({
        participant: q.participant,
        role: q.role,
        riskFen: principal.map((x) => String((x * 20n) / 100n)),
        feeFen: principal.map((x, k) => (k % 7 === 3 ? '' : k % 11 === 5 ? '0' : String((x * 3n) / 1000n))),
      })),
    };
    // every third chunk's fees are heard before its guarantees
    if (chunk % 3 === 1) messages.push({ topic: guaranteesCededV2.topic, value: ceded }, { topic: loansDecidedV2.topic, value: decided });
    else messages.push({ topic: loansDecidedV2.topic, value: decided }, { topic: guaranteesCededV2.topic, value: ceded });
    index.forEach((i, k) => issued.push({ id: `${p.bank}/${loanId[i]}`, bank: p.bank, loanId: loanId[i], principal: principal[k], on: on[k] }));
  }

  // servicing: partial and full repayments, claims; some after 2025-06-20 (the end of a period)
  const servicing = (kind: 'repayment' | 'claim', bank: string, batch: number, pick: Issued[], full = (i: number) => i % 3 === 0): ServicingDecidedV2 => ({
    bank,
    batchRef: `S${batch}`,
    kind,
    firstRow: 1,
    decidedAt: '2025-09-01T00:00:00.000Z',
    row: pick.map((_, i) => i + 1),
    loanId: pick.map((g) => g.loanId),
    codes: pick.map(() => []),
    repaid:
      kind === 'repayment'
        ? pick.map((g, i) => {
            const amount = full(i) ? g.principal : g.principal / 3n;
            return {
              index: i,
              guaranteeId: g.id,
              sequence: 1,
              programme: 'P',
              bank,
              borrowerId: 'x',
              amountFen: String(amount),
              outstandingAfterFen: String(g.principal - amount),
              repaidOn: i % 4 === 1 ? '2025-08-15' : g.on.replace(/-\d\d$/, '-28'),
              released: full(i),
              recordedAt: '2025-09-01T00:00:00.000Z',
            };
          })
        : [],
    claims:
      kind === 'claim'
        ? pick.map((g, i) => ({
            index: i,
            guaranteeId: g.id,
            sequence: 1,
            programme: 'P',
            bank,
            borrowerId: 'x',
            overdueSince: '2025-05-01',
            claimedOn: i % 2 === 0 ? '2025-06-10' : '2025-07-20',
            unpaidPrincipalFen: String(g.principal),
            unpaidInterestFen: '0',
            claimAmountFen: String(g.principal),
            parts: [{ role: 'bank', participant: bank, amountFen: String(g.principal / 5n) }],
            compensationFen: String(g.principal - g.principal / 5n),
            support: [{ role: 'reguarantor', participant: 'BJ-REG', amountFen: String(g.principal / 5n) }],
            fundPaid: false,
            losses: [],
            lossRatio: '0',
            recordedAt: '2025-09-01T00:00:00.000Z',
          }))
        : [],
    recoveries: [],
  });
  const icbc = issued.filter((g) => g.bank === 'ICBC');
  messages.push({ topic: servicingDecidedV2.topic, value: servicing('repayment', 'ICBC', 1, icbc.filter((_, i) => i % 5 === 0)) });
  messages.push({ topic: servicingDecidedV2.topic, value: servicing('claim', 'ICBC', 2, icbc.filter((_, i) => i % 9 === 4)) });
  messages.push({ topic: servicingDecidedV2.topic, value: servicing('repayment', 'BOC', 3, issued.filter((g) => g.bank === 'BOC').filter((_, i) => i % 4 === 2)) });
  messages.push({ topic: servicingDecidedV2.topic, value: servicing('repayment', 'CCB', 4, issued.filter((g) => g.bank === 'CCB'), () => true) });
  return messages;
}

describe.each(databases)('the figure cells, on %s', (_name, open) => {
  let t: TestDatabase;
  let runner: ProjectionRunner;

  beforeAll(async () => {
    ({ t, runner } = await openReporting(open));
    const messages = portfolio();
    for (const [i, m] of messages.entries()) {
      await t.db.transaction((tx) => record({ tx }, [{ id: `cells:${i}`, topic: m.topic, key: 'k', value: m.value, headers: {} }]));
    }
    // until the projection has every event of the log (it reads none while an older transaction
    // anywhere on the server could still commit one before it: other suites share the server)
    await eventually(
      async () => {
        await runner.subscription.poll();
        const [{ done }] = await t.db.query<{ done: boolean }>(
          `select (select position from ${SCHEMA}.checkpoints where name = 'reporting.projections') = (select max(global_position) from ${SCHEMA}.events) as done`,
        );
        return done === true;
      },
      90_000,
      'the portfolio projected',
    );
  }, 120_000);
  afterAll(async () => t?.close());

  it('hold a portfolio with what makes them hard', async () => {
    const [c] = await t.db.query<Record<string, number>>(
      `select (select count(*)::int from ${SCHEMA}.r_guarantees) as guarantees,
              (select count(distinct borrower_id)::int from ${SCHEMA}.r_repeat_loans) as repeat_borrowers,
              (select count(*)::int from ${SCHEMA}.r_guarantees where principal_fen > 500000000) as over_5m,
              (select count(*)::int from ${SCHEMA}.r_principal_changes) as changes,
              (select count(*)::int from ${SCHEMA}.r_claims) as claims,
              (select count(*)::int from ${SCHEMA}.r_reguarantee_fees) as fees`,
    );
    expect(c.guarantees).toBeGreaterThan(300);
    expect(c.repeat_borrowers).toBeGreaterThan(80);
    expect(c.over_5m).toBeGreaterThan(30);
    expect(c.changes).toBeGreaterThan(60);
    expect(c.claims).toBeGreaterThan(10);
    expect(c.fees).toBeGreaterThan(500);
  });

  it('give every figure the facts give, for every period and slice', async () => {
    let compared = 0;
    for (const [from, to] of PERIODS) {
      for (const slice of SLICES) {
        const q: FiguresQuery = { from, to, slice };
        expect({ q, f: await figures(t.db, q) }).toEqual({ q, f: await figuresFromFacts(t.db, q) });
        compared++;
      }
    }
    expect(compared).toBe(PERIODS.length * SLICES.length);
    // and they are not all empty
    const year = await figures(t.db, { from: '2025-01-01', to: '2025-12-31', slice: {} });
    expect(year.borrowers_served).toBeLessThan(year.new_guarantees.count);
    expect(Object.keys(year.risk_borne).length).toBeGreaterThan(5);
    expect(year.risk_borne['RP-REG']).toBeUndefined();
    expect(year.reguarantee_fees['RP-REG']).toBeDefined();
    // a list is a part of the business, and the share to listed borrowers is that part
    const white = await figures(t.db, { from: '2025-01-01', to: '2025-12-31', slice: { list: 'WHITE' } });
    expect(white.new_guarantees.count).toBeGreaterThan(0);
    expect(white.new_guarantees.count).toBeLessThan(year.new_guarantees.count);
    expect(white.listed_share).toBe('1.0000000000');
    expect(Number(year.listed_share)).toBeGreaterThan(0);
    expect(Number(year.listed_share)).toBeLessThan(1);
  }, 120_000);

  it('as of a past time, give every figure the facts recorded by then give', async () => {
    // cut the history where a guarantee, a fee or a change was recorded, and just before it
    const times = await t.db.query<{ at: string; before: string }>(
      `select at::text as at, (at - interval '1 microsecond')::text as before
         from (select distinct recorded_at as at from (
                 select recorded_at from ${SCHEMA}.r_guarantees union all select recorded_at from ${SCHEMA}.r_reguarantee_fees
                 union all select recorded_at from ${SCHEMA}.r_principal_changes) x) y order by at`,
    );
    expect(times.length).toBeGreaterThan(20);
    const cuts = times.flatMap((x) => [x.before, x.at]);
    // at every cut, the whole year; at a few, every period and slice
    const differing = new Set<string>();
    for (const asOf of cuts) {
      const q: FiguresQuery = { from: PERIODS[0][0], to: PERIODS[0][1], slice: {}, asOf };
      const f = await figures(t.db, q);
      expect({ q, f }).toEqual({ q, f: await figuresFromFacts(t.db, q) });
      differing.add(JSON.stringify(f));
    }
    // the cuts see different histories, from nothing to everything
    expect(differing.size).toBeGreaterThan(times.length / 2);
    expect(await figures(t.db, { from: PERIODS[0][0], to: PERIODS[0][1], slice: {}, asOf: cuts[0] })).toMatchObject({ new_guarantees: { count: 0 } });
    let compared = 0;
    const some = [0.3, 0.6, 0.95].map((k) => cuts[Math.floor(k * cuts.length)]);
    for (const asOf of some) {
      for (const [from, to] of PERIODS) {
        for (const slice of SLICES) {
          const q: FiguresQuery = { from, to, slice, asOf };
          expect({ q, f: await figures(t.db, q) }).toEqual({ q, f: await figuresFromFacts(t.db, q) });
          compared++;
        }
      }
    }
    expect(compared).toBe(some.length * PERIODS.length * SLICES.length);
    // month by month and broken down, as of a cut: each month and row is the facts' figures of its days and slice then
    for (const asOf of some) {
      for (const slice of [{}, { bank: 'ICBC', programme: 'P-BJ' }]) {
        for (const m of await monthlyFigures(t.db, { from: '2025-01-01', to: '2025-07-31', slice, asOf })) {
          const f = await figuresFromFacts(t.db, { from: m.period.from, to: m.period.to, slice, asOf });
          expect({ asOf, m }).toEqual({
            asOf,
            m: { month: m.month, period: m.period, new_guarantees: f.new_guarantees, outstanding_balance: f.outstanding_balance, inclusive_share: f.inclusive_share,
                 share_at_most_5m_per_borrower: f.share_at_most_5m_per_borrower, released: f.released, compensation: { count: f.compensation.count, amount: f.compensation.amount } },
          });
        }
      }
      const b = await breakdown(t.db, { from: '2025-01-01', to: '2025-06-20', slice: {}, asOf }, ['bank', 'industry_section']);
      for (const [d, field] of [['bank', 'bank'], ['industry_section', 'industrySection']] as const) {
        for (const row of b[d]!) {
          const f = await figuresFromFacts(t.db, { from: '2025-01-01', to: '2025-06-20', slice: { [field]: row.key }, asOf });
          expect({ asOf, row }).toEqual({ asOf, row: { key: row.key, new_guarantees: f.new_guarantees, outstanding_balance: f.outstanding_balance, released: f.released, compensation: f.compensation } });
        }
      }
    }
  }, 180_000);

  it('are what replaying the log gives, in pages of any size', async () => {
    const before = await figures(t.db, { from: '2025-01-01', to: '2025-06-30', slice: {} });
    const report = await rebuildState(t.db, reportingState, 'rebuild');
    expect({ identical: report.identical, differences: report.differences }).toEqual({ identical: true, differences: [] });
    expect(await figures(t.db, { from: '2025-01-01', to: '2025-06-30', slice: {} })).toEqual(before);
  });

  it('are filled from the facts alone by the migrations that brought them in', async () => {
    const tables = ['r_issued_cells', 'r_fee_cells', 'r_borrowers', 'r_repeat_loans'] as const;
    const differences = await t.db.transaction(async (tx) => {
      for (const table of tables) {
        await tx.query(`create temp table before_${table} on commit drop as select * from ${SCHEMA}.${table}`);
        await tx.query(`delete from ${SCHEMA}.${table}`);
      }
      await tx.query(FIGURE_CELLS_FROM_FACTS.replaceAll('{schema}', SCHEMA));
      await tx.query(FEE_COUNTS_FROM_FACTS.replaceAll('{schema}', SCHEMA));
      const found: Record<string, number> = {};
      for (const table of tables) {
        const cols = READ_MODELS[table].join(', ');
        const [{ n }] = await tx.query<{ n: number }>(
          `select ((select count(*) from (select ${cols} from before_${table} except all select ${cols} from ${SCHEMA}.${table}) x) +
                   (select count(*) from (select ${cols} from ${SCHEMA}.${table} except all select ${cols} from before_${table}) y))::int as n`,
        );
        found[table] = n;
      }
      return found;
    });
    expect(differences).toEqual({ r_issued_cells: 0, r_fee_cells: 0, r_borrowers: 0, r_repeat_loans: 0 });
  });
});
