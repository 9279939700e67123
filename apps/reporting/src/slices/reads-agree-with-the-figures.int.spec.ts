import { BorrowerTypeV1, ClaimPaidV1, LoansDecidedV2, ServicingDecidedV2, loansDecidedV2, programmeSuspendedV1, servicingDecidedV2 } from '@g2g/contracts';
import { decimalRatio, formatYuan } from '@g2g/domain';
import { TestDatabase, embeddedDatabase, eventually, freshServerDatabase } from '@g2g/testing';
import { figures } from '../figures-api/figures';
import { breakdown, monthlyFigures, monthsOf } from '../figures-series/figures-series';
import { BEHIND, guaranteesBehind } from '../guarantees-api/guarantees';
import { inForceFromFacts, positionOf } from '../positions/positions';
import { programmeStates } from '../programme-states/programme-states';
import { ProjectionRunner } from '../projections/projection.runner';
import { SCHEMA, record } from '../record-log/record-log.consumer';
import { openReporting } from '../reporting-database.fixture';
import { rollForward } from '../roll-forward/roll-forward';

// The reads behind the console's pages (a period month by month, broken down, the guarantees
// behind a figure, the roll-forward, a party's position) count what GET /figures counts: each is
// checked here against the figures of the same period and slice, on the same book of guarantees.

const databases = [
  ['server PostgreSQL', () => freshServerDatabase('g2g_int_console_reads')],
  ['embedded PostgreSQL (PGlite)', embeddedDatabase],
] as const;

const share = (role: string, participant: string, sharePct: string) => ({ role, participant, sharePct });
const TERMS = {
  P1: { province: '11', fundBacked: true, parties: (bank: string) => [share('bank', bank, '20'), share('guarantor', 'BJ-GUOHUA', '40'), share('reguarantor', 'BJ-REG', '20'), share('fund', 'NFGF', '20')] },
  P2: { province: '37', fundBacked: false, parties: (bank: string) => [share('bank', bank, '30'), share('guarantor', 'SD-GUAR', '50'), share('reguarantor', 'SD-REG', '20')] },
} as const;

interface Loan {
  id: string;
  bank: string;
  programme: keyof typeof TERMS;
  borrower: string;
  type: BorrowerTypeV1;
  section: string;
  fen: string;
  on: string;
}

/** A decided chunk of loans of one bank and programme, all approved. */
function decided(batchRef: string, loans: Loan[]): LoansDecidedV2 {
  const { bank, programme } = loans[0];
  const t = TERMS[programme];
  const each = <T>(f: (l: Loan) => T) => loans.map(f);
  return {
    programme,
    bank,
    batchRef,
    firstRow: 1,
    decidedAt: '2025-06-01T00:00:00.000Z',
    row: loans.map((_, i) => i + 1),
    loanId: each((l) => l.id),
    codes: each(() => []),
    terms: [{ programmeVersion: '2025-01-01', province: t.province, fundBacked: t.fundBacked, parties: t.parties(bank), claimGraceDays: 90, claimCoversInterest: false, fundCapPct: '4.0', breakerPct: '3.0' }],
    issued: {
      index: loans.map((_, i) => i),
      terms: each(() => 0),
      borrowerIdType: each(() => 'USCC'),
      borrowerId: each((l) => l.borrower),
      borrowerName: each(() => '测试企业'),
      borrowerType: each((l) => l.type),
      industryCode: each((l) => `${l.section}1311`),
      industrySection: each((l) => l.section),
      regionCode: each((l) => `${TERMS[l.programme].province}0105`),
      sciTech: each(() => 'N').join(''),
      agriRelated: each(() => 'N').join(''),
      inclusive: each((l) => (l.type === 'medium' ? 'N' : 'Y')).join(''),
      principalFen: each((l) => l.fen),
      interestRatePct: each(() => '4.50'),
      guaranteeFeeRatePct: each(() => '0.80'),
      disbursedOn: each((l) => l.on),
      maturesOn: each(() => '2027-01-01'),
      termDays: each(() => 600),
      guaranteeFeeFen: each((l) => String(BigInt(l.fen) / 100n)),
      reguaranteeFeePct: each(() => '0.3'),
    },
  };
}

const LOANS: Loan[] = [
  { id: 'L1', bank: 'ICBC', programme: 'P1', borrower: 'B1', type: 'small', section: 'C', fen: '100000000', on: '2025-01-10' },
  { id: 'L2', bank: 'ICBC', programme: 'P1', borrower: 'B1', type: 'small', section: 'C', fen: '450000000', on: '2025-01-20' },
  { id: 'L3', bank: 'ICBC', programme: 'P1', borrower: 'B2', type: 'medium', section: 'F', fen: '30000000', on: '2025-02-05' },
  { id: 'L4', bank: 'BOC', programme: 'P1', borrower: 'B3', type: 'micro', section: 'C', fen: '80000000', on: '2025-02-28' },
  { id: 'L5', bank: 'BOC', programme: 'P2', borrower: 'B4', type: 'farmer', section: 'A', fen: '20000000', on: '2025-03-15' },
  { id: 'L6', bank: 'BOC', programme: 'P2', borrower: 'B5', type: 'small', section: 'A', fen: '60000000', on: '2025-04-01' },
];

const repaid = (loan: string, bank: string, programme: string, sequence: number, amountFen: string, outstandingAfterFen: string, repaidOn: string, index: number) => ({
  index,
  guaranteeId: `${bank}/${loan}`,
  sequence,
  programme,
  bank,
  borrowerId: 'x',
  amountFen,
  outstandingAfterFen,
  repaidOn,
  released: outstandingAfterFen === '0',
  recordedAt: '2025-06-01T00:00:00.000Z',
});

const CLAIM_PARTS = [
  { role: 'bank', participant: 'BOC', amountFen: '18000000' },
  { role: 'guarantor', participant: 'SD-GUAR', amountFen: '30000000' },
  { role: 'reguarantor', participant: 'SD-REG', amountFen: '12000000' },
];
/** L6's claim in May: 60,000,000 fen unpaid split 30/50/20; SD-REG supports its part. */
const CLAIM: ClaimPaidV1 = {
  guaranteeId: 'BOC/L6',
  sequence: 1,
  programme: 'P2',
  bank: 'BOC',
  borrowerId: 'B5',
  overdueSince: '2025-02-01',
  claimedOn: '2025-05-20',
  unpaidPrincipalFen: '60000000',
  unpaidInterestFen: '0',
  claimAmountFen: '60000000',
  parts: CLAIM_PARTS,
  compensationFen: '42000000',
  support: [{ role: 'reguarantor', participant: 'SD-REG', amountFen: '12000000' }],
  fundPaid: true,
  // every party lost its part: the re-guarantor's support is its part
  losses: CLAIM_PARTS,
  lossRatio: '0.5',
  recordedAt: '2025-06-01T00:00:00.000Z',
};

const servicing = (batchRef: string, kind: 'repayment' | 'claim' | 'recovery', over: Partial<ServicingDecidedV2>): ServicingDecidedV2 => ({
  bank: over.bank ?? 'ICBC',
  batchRef,
  kind,
  firstRow: 1,
  decidedAt: '2025-06-01T00:00:00.000Z',
  row: [1, 2],
  loanId: ['x', 'y'],
  codes: [[], []],
  repaid: [],
  claims: [],
  recoveries: [],
  ...over,
});

const PERIOD = { from: '2025-02-01', to: '2025-06-30' };

describe.each(databases)('the reads behind the console, on %s', (_name, open) => {
  let t: TestDatabase;
  let runner: ProjectionRunner;
  let heard = 0;
  let beforeClaim = '';
  const hear = (topic: string, values: object[]) =>
    t.db.transaction((tx) => record({ tx }, values.map((value) => ({ id: `test:${++heard}`, topic, key: 'k', value, headers: {} }))));
  const projected = async (events: number) =>
    eventually(
      async () => {
        await runner.subscription.poll();
        const [{ n }] = await t.db.query<{ n: number }>(`select count(*)::int as n from ${SCHEMA}.events e where e.global_position <= (select coalesce(max(position), 0) from ${SCHEMA}.checkpoints)`);
        return n >= events;
      },
      30_000,
      'the log projected',
    );
  const figuresOf = (from: string, to: string, slice = {}, asOf?: string) => figures(t.db, { from, to, slice, asOf });

  beforeAll(async () => {
    ({ t, runner } = await openReporting(open));
    for (const id of ['P1', 'P2']) {
      await t.db.query(`insert into ${SCHEMA}.ref_programmes (id, effective_from, document, published_at) values ($1, '2025-01-01', $2, now())`, [id, JSON.stringify({ id, fund_cap_pct: '4.0', breaker_pct: '3.0' })]);
    }
    await hear(loansDecidedV2.topic, [decided('b1', LOANS.slice(0, 3)), decided('b2', LOANS.slice(3, 4)), decided('b3', LOANS.slice(4))]);
    // L1 repaid in part in March and the rest in April (released); L4 repaid in part in June
    await hear(servicingDecidedV2.topic, [
      servicing('r1', 'repayment', { repaid: [repaid('L1', 'ICBC', 'P1', 1, '40000000', '60000000', '2025-03-31', 0), repaid('L1', 'ICBC', 'P1', 2, '60000000', '0', '2025-04-30', 1)] }),
      servicing('r2', 'repayment', { bank: 'BOC', row: [1], loanId: ['L4'], codes: [[]], repaid: [repaid('L4', 'BOC', 'P1', 1, '5000000', '75000000', '2025-06-15', 0)] }),
    ]);
    await projected(3 + 2);
    beforeClaim = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await hear(servicingDecidedV2.topic, [servicing('c1', 'claim', { bank: 'BOC', row: [1], loanId: ['L6'], codes: [[]], claims: [{ ...CLAIM, index: 0 }] })]);
    await hear(servicingDecidedV2.topic, [
      servicing('v1', 'recovery', {
        bank: 'BOC',
        row: [1],
        loanId: ['L6'],
        codes: [[]],
        recoveries: [
          {
            index: 0,
            guaranteeId: 'BOC/L6',
            sequence: 2,
            programme: 'P2',
            bank: 'BOC',
            amountFen: '1000000',
            recoveredOn: '2025-06-10',
            parts: [
              { role: 'bank', participant: 'BOC', amountFen: '300000' },
              { role: 'guarantor', participant: 'SD-GUAR', amountFen: '500000' },
              { role: 'reguarantor', participant: 'SD-REG', amountFen: '200000' },
            ],
            recoveredTotalFen: '1000000',
            recordedAt: '2025-06-10T00:00:00.000Z',
          },
        ],
      }),
    ]);
    await hear(programmeSuspendedV1.topic, [{ programme: 'P2', lossRatio: '0.5', breakerPct: '3.0', guaranteeId: 'BOC/L6', suspendedOn: '2025-05-20', recordedAt: new Date().toISOString() }]);
    await projected(3 + 2 + 3);
  }, 90_000);
  afterAll(async () => t?.close());

  it('a period month by month: each month is what the figures answer for its days', async () => {
    const months = await monthlyFigures(t.db, { ...PERIOD, slice: {} });
    expect(months.map((m) => m.month)).toEqual(['2025-02', '2025-03', '2025-04', '2025-05', '2025-06']);
    expect(months.map((m) => m.period)).toEqual(monthsOf(PERIOD.from, PERIOD.to).map(({ from, to }) => ({ from, to })));
    for (const m of months) {
      const f = await figuresOf(m.period.from, m.period.to);
      expect(m).toEqual({
        month: m.month,
        period: m.period,
        new_guarantees: f.new_guarantees,
        outstanding_balance: f.outstanding_balance,
        inclusive_share: f.inclusive_share,
        share_at_most_5m_per_borrower: f.share_at_most_5m_per_borrower,
        released: f.released,
        compensation: { count: f.compensation.count, amount: f.compensation.amount },
      });
    }
    // the balance at the end of March: L1 less its March repayment, L2, L3, L4, L5
    expect(months[1].outstanding_balance).toBe('6400000.00');
    // and within a slice, as of a time before the claim was recorded
    const sliced = await monthlyFigures(t.db, { ...PERIOD, slice: { bank: 'BOC' }, asOf: beforeClaim });
    for (const m of sliced) {
      const f = await figuresOf(m.period.from, m.period.to, { bank: 'BOC' }, beforeClaim);
      expect([m.outstanding_balance, m.compensation.count]).toEqual([f.outstanding_balance, f.compensation.count]);
    }
    expect(sliced[3].compensation.count).toBe(0);
  });

  it('broken down by programme, bank, guarantor, province and industry: each row is the figures of its slice', async () => {
    const b = await breakdown(t.db, { ...PERIOD, slice: {} }, ['programme', 'bank', 'guarantor', 'province', 'industry_section']);
    const sliceOf = { programme: 'programme', bank: 'bank', guarantor: 'guarantor', province: 'province', industry_section: 'industrySection' } as const;
    for (const d of Object.keys(sliceOf) as (keyof typeof sliceOf)[]) {
      expect(b[d]!.length).toBeGreaterThan(0);
      for (const row of b[d]!) {
        const f = await figuresOf(PERIOD.from, PERIOD.to, { [sliceOf[d]]: row.key });
        expect(row).toEqual({ key: row.key, new_guarantees: f.new_guarantees, outstanding_balance: f.outstanding_balance, released: f.released, compensation: f.compensation });
      }
    }
    expect(b.bank!.map((r) => r.key)).toEqual(['BOC', 'ICBC']);
    expect(b.programmes).toEqual([
      expect.objectContaining({ programme: 'P1', fund_cap_pct: '4.0', breaker_pct: '3.0', compensation: '0.00', loss_ratio_pct: '0.0000000000', suspended: false }),
      expect.objectContaining({ programme: 'P2', principal_guaranteed: '800000.00', compensation: '420000.00', loss_ratio_pct: '52.5000000000', suspended: true, suspended_on: '2025-05-20' }),
    ]);
  });

  it.each(BEHIND)('the guarantees behind %s add up to the figure, page by page', async (behind) => {
    const f = await figuresOf(PERIOD.from, PERIOD.to);
    const seen: string[] = [];
    let outstanding = 0n;
    let after: string | undefined;
    let totals;
    do {
      const page = await guaranteesBehind(t.db, { ...PERIOD, slice: {}, behind, after, limit: 2 });
      totals = page.totals;
      seen.push(...page.guarantees.map((g) => g.guarantee_id));
      outstanding += page.guarantees.reduce((sum, g) => sum + BigInt(g.outstanding.replace('.', '')), 0n);
      after = page.next ?? undefined;
    } while (after);
    expect(seen).toEqual([...seen].sort());
    expect(seen.length).toBe(totals.count);
    // each line's outstanding, looked up guarantee by guarantee, adds up to the totals' sum of them all
    expect(formatYuan(outstanding)).toBe(totals.outstanding);
    const expected = {
      new_guarantees: [f.new_guarantees.count, totals.principal, f.new_guarantees.principal],
      outstanding_balance: [totals.count, totals.outstanding, f.outstanding_balance],
      released: [f.released.count, totals.principal, f.released.principal],
      compensation: [f.compensation.count, totals.compensation, f.compensation.amount],
    }[behind];
    expect([totals.count, ...expected.slice(1)]).toEqual([expected[0], expected[2], expected[2]]);
  });

  it.each([
    ['new_guarantees', {}, undefined],
    ['new_guarantees', { bank: 'BOC' }, undefined],
    ['new_guarantees', { industrySection: 'A' }, 'SD-REG'],
    ['new_guarantees', { industrySection: 'C', borrowerType: 'small' }, undefined],
    ['outstanding_balance', {}, undefined],
    ['outstanding_balance', { programme: 'P1' }, undefined],
    ['outstanding_balance', { reguarantor: 'SD-REG' }, undefined],
    ['outstanding_balance', {}, 'SD-REG'],
  ] as const)('the totals behind %s (slice %j, party %s) from the cells are those of every guarantee read', async (behind, slice, party) => {
    const counts: number[] = [];
    for (const period of [PERIOD, { from: '2025-01-01', to: '2025-04-15' }, { from: '2025-01-01', to: '2025-05-31' }, { from: '2025-01-01', to: '2025-12-31' }]) {
      const q = { ...period, slice, party, behind, limit: 1 };
      const fromCells = await guaranteesBehind(t.db, q);
      // as of a time after every fact: the same guarantees, summed from the facts
      const fromFacts = await guaranteesBehind(t.db, { ...q, asOf: '2100-01-01T00:00:00.000Z' });
      expect([period, fromCells.totals]).toEqual([period, fromFacts.totals]);
      counts.push(fromCells.totals.count);
    }
    expect(Math.max(...counts)).toBeGreaterThan(0);
  });

  it('a party sees only the guarantees it is a party to, and a loan id prefix narrows the list', async () => {
    const sd = await guaranteesBehind(t.db, { from: '2025-01-01', to: '2025-12-31', slice: {}, behind: 'new_guarantees', party: 'SD-REG', limit: 50 });
    expect(sd.guarantees.map((g) => g.guarantee_id)).toEqual(['BOC/L5', 'BOC/L6']);
    expect(sd.guarantees[1]).toMatchObject({ loan_id: 'L6', claimed_on: '2025-05-20', compensation: '420000.00', outstanding: '0.00' });
    const prefixed = await guaranteesBehind(t.db, { from: '2025-01-01', to: '2025-12-31', slice: {}, behind: 'new_guarantees', loanIdPrefix: 'L', limit: 50 });
    expect(prefixed.totals.count).toBe(6);
    const none = await guaranteesBehind(t.db, { from: '2025-01-01', to: '2025-12-31', slice: {}, behind: 'new_guarantees', loanIdPrefix: '_', limit: 50 });
    expect(none.totals.count).toBe(0);
  });

  it.each(['guarantor', 'programme'] as const)('the roll-forward by %s balances and ties out with the figures', async (by) => {
    const r = await rollForward(t.db, { ...PERIOD, slice: {} }, by);
    expect(r.lines.length).toBe(2);
    for (const line of [...r.lines, r.total]) expect(line.balanced).toBe(true);
    const f = await figuresOf(PERIOD.from, PERIOD.to);
    const opening = await figuresOf('2025-01-31', '2025-01-31');
    const sum = (m: Record<string, string>) => (Object.values(m).reduce((a, v) => a + BigInt(v.replace('.', '')), 0n) / 1n).toString();
    expect(r.total.opening.amount).toBe(opening.outstanding_balance);
    expect(r.total.closing.amount).toBe(f.outstanding_balance);
    expect(r.total.new_guarantees).toEqual({ count: f.new_guarantees.count, amount: f.new_guarantees.principal });
    expect(r.total.decreased.count).toBe(f.released.count);
    expect(r.total.compensation).toEqual({ count: f.compensation.count, amount: f.compensation.amount });
    expect(r.total.support.replace('.', '')).toBe(sum(f.support));
    expect(r.total.recoveries.replace('.', '')).toBe(sum(f.recoveries));
    // opening: L1 and L2 (issued in January); closing: L2, L3, L4 (less 50,000.00), L5
    expect([r.total.opening.count, r.total.closing.count]).toEqual([2, 4]);
  });

  it.each(['guarantor', 'programme'] as const)('the roll-forward by %s from the figure cells is what the facts say, for every period and slice', async (by) => {
    const periods = [PERIOD, { from: '2025-01-01', to: '2025-01-31' }, { from: '2025-01-11', to: '2025-05-20' }, { from: '2025-05-21', to: '2025-12-31' }, { from: '2025-07-01', to: '2025-06-30' }];
    const slices = [{}, { bank: 'BOC' }, { programme: 'P1' }, { reguarantor: 'SD-REG' }, { industrySection: 'C', borrowerType: 'small' as BorrowerTypeV1 }, { fundBacked: false, province: '37' }];
    let lines = 0;
    for (const period of periods) {
      for (const slice of slices) {
        const now = await rollForward(t.db, { ...period, slice }, by);
        const facts = await rollForward(t.db, { ...period, slice, asOf: '2100-01-01T00:00:00Z' }, by);
        expect({ period, slice, ...now }).toEqual({ period, slice, ...facts });
        lines += now.lines.length;
      }
    }
    expect(lines).toBeGreaterThan(10);
  });

  it.each(['BJ-GUOHUA', 'BJ-REG', 'NFGF', 'SD-GUAR', 'SD-REG'])("%s's position: its risk, support and recoveries are the figures' for it", async (participant) => {
    const p = await positionOf(t.db, { participant, ...PERIOD });
    const f = await figuresOf(PERIOD.from, PERIOD.to);
    expect(p.in_force.risk).toBe((f.risk_borne as Record<string, string>)[participant] ?? '0.00');
    expect(p.claims.support_paid).toBe((f.support as Record<string, string>)[participant] ?? '0.00');
    expect(p.recoveries).toBe((f.recoveries as Record<string, string>)[participant] ?? '0.00');
  });

  it.each(['BJ-GUOHUA', 'BJ-REG', 'NFGF', 'SD-GUAR', 'SD-REG', 'ICBC', 'BOC', 'NOBODY'])(
    "%s's guarantees in force, from the figure cells, are what the facts say at the end of every month",
    async (participant) => {
      const ends = ['2024-12-31', '2025-01-15', '2025-01-31', '2025-02-28', '2025-03-31', '2025-04-30', '2025-05-20', '2025-05-31', '2025-06-30'];
      const counted: number[] = [];
      for (const asOf of [undefined, beforeClaim]) {
        for (const to of ends) {
          const read = await positionOf(t.db, { participant, from: '2025-01-01', to, asOf });
          const facts = await inForceFromFacts(t.db, { participant, from: '2025-01-01', to, asOf });
          expect({ to, asOf, ...read.in_force }).toEqual({ to, asOf, count: facts.count, outstanding: formatYuan(BigInt(facts.outstanding)), risk: formatYuan(BigInt(facts.risk)) });
          counted.push(read.in_force.count);
        }
      }
      // every party of the book has guarantees in force at some month's end; a stranger has none
      if (participant === 'NOBODY') expect(Math.max(...counted)).toBe(0);
      else expect(Math.max(...counted)).toBeGreaterThan(0);
    },
  );

  it("each programme's loss ratio and breaker, from the figure cells, are what the facts say at every date", async () => {
    const states: string[] = [];
    // every guarantee issued and every claim dated by `to` (and recorded by the as-of time), summed per programme
    const fromFacts = (to: string, asOf = 'infinity') =>
      t.db.query<{ programme: string; principal: string; compensation: string }>(
        `select g.programme, sum(g.principal_fen)::text as principal,
                coalesce(sum(c.compensation_fen) filter (where c.claimed_on <= $1::date and c.recorded_at <= $2::timestamptz), 0)::text as compensation
           from ${SCHEMA}.r_guarantees g left join ${SCHEMA}.r_claims c using (guarantee_id)
          where g.issued_on <= $1::date and g.recorded_at <= $2::timestamptz group by g.programme`,
        [to, asOf],
      );
    for (const asOf of [undefined, beforeClaim]) {
      for (const to of ['2024-12-31', '2025-01-10', '2025-02-28', '2025-03-15', '2025-05-19', '2025-05-20', '2025-12-31']) {
        const read = await programmeStates(t.db, ['P1', 'P2', 'P3'], to, asOf);
        const facts = new Map((await fromFacts(to, asOf)).map((f) => [f.programme, f]));
        const expected = read.map((s) => {
          const principal = BigInt(facts.get(s.programme)?.principal ?? '0');
          const compensation = BigInt(facts.get(s.programme)?.compensation ?? '0');
          return { ...s, principal_guaranteed: formatYuan(principal), compensation: formatYuan(compensation), loss_ratio_pct: decimalRatio(compensation * 100n, principal, 10) };
        });
        expect({ to, asOf, read }).toEqual({ to, asOf, read: expected });
        states.push(...read.map((s) => `${asOf ?? 'now'} ${s.programme} ${s.principal_guaranteed} ${s.loss_ratio_pct}`));
      }
    }
    // the claim of 2025-05-20 is in P2's loss ratio from that date on, and not as of before it was recorded
    expect(states).toContain('now P2 800000.00 52.5000000000');
    expect(states).toContain(`${beforeClaim} P2 800000.00 0.0000000000`);
  });

  it("the guarantor of a claim paid the compensation and received the re-guarantor's support; the programme's breaker holds", async () => {
    const p = await positionOf(t.db, { participant: 'SD-GUAR', ...PERIOD });
    expect(p.claims).toEqual({ count: 1, compensation_paid: '420000.00', part: '300000.00', support_paid: '0.00', support_received: '120000.00', loss: '300000.00' });
    expect(p.claim_lines).toEqual([expect.objectContaining({ guarantee_id: 'BOC/L6', role: 'guarantor', support_received: '120000.00', fund_paid: true })]);
    expect(p.programmes.map((s) => [s.programme, s.suspended])).toEqual([['P2', true]]);
    const reg = await positionOf(t.db, { participant: 'SD-REG', ...PERIOD });
    expect(reg.claims).toMatchObject({ count: 1, compensation_paid: '0.00', part: '120000.00', support_paid: '120000.00' });
  });
});
