import { usccCheckCharacter } from '@g2g/domain';
import { eventually } from '@g2g/testing';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoProgrammeDocument } from '../libs/domain/src/programme/demo-programme.fixture';
import { DEMO_PARTICIPANTS, LOAN_FIELDS, TestPlatform, csv } from './support/platform';

// A portfolio after issue, over real Kafka and PostgreSQL: repayments and releases, claims
// (early, duplicate, simultaneous from two connectors), support up to and past the Fund cap,
// recoveries, the breaker tripping and an operator resuming. Expected amounts are worked out
// here by hand from the domain rules (shares 20/40/20/20, Fund cap 4 %, breaker 3 %).

const inbox = mkdtempSync(join(tmpdir(), 'g2g-e2e-inbox-'));
const platform = new TestPlatform({ G2G_INBOX_DIR: inbox });
const P = 'P3';
const programme = { ...demoProgrammeDocument, id: P, banks: ['ICBC'], max_borrower_principal: '50000000.00' };
const uscc = (n: number) => {
  const first17 = `91110105MA${String(n).padStart(7, '0')}`;
  return first17 + usccCheckCharacter(first17);
};
const loan = (id: string, n: number, principal: string) =>
  `${id},USCC,${uscc(n)},借款企业${n},small,C1311,110105,N,N,${principal},CNY,4.50,0.80,2025-01-10,2026-01-10`;
const REPAYMENT = 'loan_id,amount,repaid_on';
const CLAIM = 'loan_id,overdue_since,claimed_on,unpaid_principal,unpaid_interest';
const RECOVERY = 'loan_id,amount,recovered_on';

describe('a guarantee after issue: repaid, claimed, supported, recovered, and the breaker', () => {
  beforeAll(async () => {
    await platform.start();
    await platform.publish(DEMO_PARTICIPANTS, [programme]);
  }, 180_000);
  afterAll(async () => {
    await platform.stop();
    rmSync(inbox, { recursive: true, force: true });
  });

  const k = () => platform.keys;
  const figures = async (query = '') => (await platform.call('reporting', 'GET', `/figures?from=2025-01-01&to=2025-12-31&programme=${P}${query}`, k().NFRA)).body;

  it('carries the portfolio through its life and the figures add up', async () => {
    // 1. five loans, 50,000,000.00 yuan in all
    const loans = csv(LOAN_FIELDS, [loan('L1', 1, '1000000.00'), loan('L2', 2, '1000000.00'), loan('L3', 3, '1000000.00'), loan('L4', 4, '1000000.00'), loan('L5', 5, '46000000.00')]);
    expect((await platform.file('ICBC', 'batches', 'LB1', loans, { programme: P })).status).toBe(202);
    expect(await platform.complete('ICBC', 'batches', 'LB1')).toMatchObject({ approved: 5 });

    // 2. repayments: to zero releases; too much is an overpayment; after release it is not in force
    const repayments = csv(REPAYMENT, ['L1,400000.00,2025-03-01', 'L1,600000.01,2025-04-01', 'L1,600000.00,2025-04-01', 'L1,0.01,2025-04-02', 'L5,6000000.00,2025-04-01', 'NOPE,1,2025-04-01']);
    expect((await platform.file('ICBC', 'repayments', 'RB1', repayments)).status).toBe(202);
    await platform.complete('ICBC', 'repayments', 'RB1');
    expect(await platform.outcomes('ICBC', 'repayments', 'RB1')).toEqual([
      [1, 'L1', 'accepted', []],
      [2, 'L1', 'rejected', ['OVERPAYMENT']],
      [3, 'L1', 'accepted', []],
      [4, 'L1', 'rejected', ['NOT_IN_FORCE']],
      [5, 'L5', 'accepted', []],
      [6, 'NOPE', 'invalid', ['UNKNOWN_LOAN']],
    ]);
    await eventually(async () => (await figures()).released.count === 1, 60_000, 'the release to reach reporting');
    const beforeClaims = new Date().toISOString();

    // 3. claims: one day early; then paid; a duplicate; a wrong amount; L3 paid; a released loan
    const claims = csv(CLAIM, [
      'L2,2025-02-01,2025-05-01,1000000.00,5000.00', // 2025-02-01 + 90 days = 2025-05-02
      'L2,2025-02-01,2025-05-02,1000000.00,5000.00',
      'L2,2025-02-01,2025-05-03,1000000.00,5000.00',
      'L3,2025-02-01,2025-05-02,999999.99,0',
      'L3,2025-02-01,2025-05-02,1000000.00,0',
      'L1,2025-02-01,2025-05-02,1.00,0',
    ]);
    expect((await platform.file('ICBC', 'claims', 'CB1', claims)).status).toBe(202);
    await platform.complete('ICBC', 'claims', 'CB1');
    expect(await platform.outcomes('ICBC', 'claims', 'CB1')).toEqual([
      [1, 'L2', 'rejected', ['GRACE_PERIOD']],
      [2, 'L2', 'accepted', []],
      [3, 'L2', 'rejected', ['ALREADY_CLAIMED']],
      [4, 'L3', 'rejected', ['AMOUNT_MISMATCH']],
      [5, 'L3', 'accepted', []],
      [6, 'L1', 'rejected', ['NOT_IN_FORCE']],
    ]);

    // Two claims of 1,000,000 on 50,000,000 guaranteed: compensation 800,000 each (every non-bank
    // part), loss ratio 1,600,000 / 50,000,000 = 3.2 %: under the Fund cap (4 %), so the Fund
    // supports both; above the breaker (3 %), so the programme is suspended.
    await eventually(async () => (await platform.call('underwriting', 'GET', `/programmes/${P}/status`, k().ICBC)).body.suspended === true, 60_000, 'the breaker');
    expect((await platform.file('ICBC', 'batches', 'LB2', csv(LOAN_FIELDS, [loan('L6', 6, '1000000.00')]), { programme: P })).status).toBe(202);
    await platform.complete('ICBC', 'batches', 'LB2');
    expect(await platform.outcomes('ICBC', 'batches', 'LB2')).toEqual([[1, 'L6', 'rejected', ['PROGRAMME_SUSPENDED']]]);

    // 4. an operator resumes; a new loan is approved again (51,000,000 guaranteed)
    expect((await platform.call('underwriting', 'POST', `/programmes/${P}/resume`, platform.operatorKey, { resumed_on: '2025-05-10' })).body).toMatchObject({ changed: true });
    expect((await platform.call('underwriting', 'POST', `/programmes/${P}/resume`, k().ICBC)).status).toBe(403);
    expect((await platform.file('ICBC', 'batches', 'LB3', csv(LOAN_FIELDS, [loan('L7', 7, '1000000.00')]), { programme: P })).status).toBe(202);
    expect(await platform.complete('ICBC', 'batches', 'LB3')).toMatchObject({ approved: 1 });

    // 5. the same claim on L4 at once from two connectors, the API and a dropped file: paid once.
    // 2,400,000 / 51,000,000 = 4.7 % > 4 %: the Fund pays nothing, the guarantor bears its part;
    // and the breaker trips again.
    const claimL4 = csv(CLAIM, ['L4,2025-02-01,2025-06-01,1000000.00,0']);
    const dir = join(inbox, 'ICBC', 'claims');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'CB3.csv.part'), claimL4);
    const [api] = await Promise.all([platform.file('ICBC', 'claims', 'CB2', claimL4), Promise.resolve(renameSync(join(dir, 'CB3.csv.part'), join(dir, 'CB3.csv')))]);
    expect(api.status).toBe(202);
    await platform.complete('ICBC', 'claims', 'CB2');
    await eventually(async () => (await platform.call('intake', 'GET', '/banks/ICBC/claims/CB3', k().ICBC)).body?.complete === true, 60_000, 'the dropped claim');
    const both = [...(await platform.outcomes('ICBC', 'claims', 'CB2')), ...(await platform.outcomes('ICBC', 'claims', 'CB3'))].map((r) => [r[2], r[3]]);
    expect(both.sort()).toEqual([['accepted', []], ['rejected', ['ALREADY_CLAIMED']]]);
    await eventually(async () => (await platform.call('underwriting', 'GET', `/programmes/${P}/status`, k().ICBC)).body.suspended === true, 60_000, 'the breaker again');

    // 6. recoveries, shared by the loss each party bore
    const recoveries = csv(RECOVERY, ['L2,500000.00,2025-07-01', 'L4,1000000.00,2025-07-01', 'L4,0.01,2025-07-02', 'L1,100.00,2025-07-01']);
    expect((await platform.file('ICBC', 'recoveries', 'VB1', recoveries)).status).toBe(202);
    await platform.complete('ICBC', 'recoveries', 'VB1');
    expect(await platform.outcomes('ICBC', 'recoveries', 'VB1')).toEqual([
      [1, 'L2', 'accepted', []],
      [2, 'L4', 'accepted', []],
      [3, 'L4', 'rejected', ['OVER_RECOVERY']],
      [4, 'L1', 'rejected', ['NOT_CLAIMED']],
    ]);

    // each party's amounts on L2 (Fund paid) and L4 (Fund capped), from the loan's history
    const history = async (id: string) => (await platform.call('reporting', 'GET', `/loans/ICBC/${id}/history`, k().NFRA)).body.events;
    let h2: any[] = [];
    await eventually(async () => (h2 = await history('L2')).some((e: any) => e.event === 'g2g.compensation.recovery-shared.v1'), 60_000, 'L2 history');
    const claim2 = h2.find((e) => e.event === 'g2g.compensation.claim-paid.v1');
    const byParty = (xs: { participant: string; amountFen: string }[]) => Object.fromEntries(xs.map((x) => [x.participant, x.amountFen]));
    expect(claim2.business_date).toBe('2025-05-02');
    expect(byParty(claim2.data.parts)).toEqual({ ICBC: '20000000', 'BJ-GUOHUA': '40000000', 'BJ-REG': '20000000', NFGF: '20000000' });
    expect(claim2.data.compensationFen).toBe('80000000');
    expect(byParty(claim2.data.support)).toEqual({ 'BJ-REG': '20000000', NFGF: '20000000' });
    expect(byParty(claim2.data.losses)).toEqual({ ICBC: '20000000', 'BJ-GUOHUA': '40000000', 'BJ-REG': '20000000', NFGF: '20000000' });
    // recovery of 500,000 on losses 200k/400k/200k/200k of 1,000,000: floor(500,000 x loss / 1,000,000)
    expect(byParty(h2.find((e) => e.event === 'g2g.compensation.recovery-shared.v1').data.parts)).toEqual({
      ICBC: '10000000',
      'BJ-GUOHUA': '20000000',
      'BJ-REG': '10000000',
      NFGF: '10000000',
    });
    let h4: any[] = [];
    await eventually(async () => (h4 = await history('L4')).some((e: any) => e.event === 'g2g.compensation.recovery-shared.v1'), 60_000, 'L4 history');
    const claim4 = h4.find((e) => e.event === 'g2g.compensation.claim-paid.v1');
    expect(claim4.data.fundPaid).toBe(false);
    expect(byParty(claim4.data.support)).toEqual({ 'BJ-REG': '20000000' });
    // the guarantor bears the Fund's part: 800,000 paid - 200,000 supported
    expect(byParty(claim4.data.losses)).toEqual({ ICBC: '20000000', 'BJ-GUOHUA': '60000000', 'BJ-REG': '20000000', NFGF: '0' });
    expect(byParty(h4.find((e) => e.event === 'g2g.compensation.recovery-shared.v1').data.parts)).toEqual({
      ICBC: '20000000',
      'BJ-GUOHUA': '60000000',
      'BJ-REG': '20000000',
      NFGF: '0',
    });
    expect(h4.map((e) => e.event)).toEqual([
      'g2g.intake.loan-filed.v1',
      'g2g.underwriting.guarantee-issued.v1',
      'g2g.compensation.risk-labelled.v1',
      'g2g.cession.guarantee-ceded.v1',
      'g2g.compensation.claim-paid.v1',
      'g2g.compensation.recovery-shared.v1',
    ].filter((e) => h4.some((x) => x.event === e)));

    // 7. the figures of the year, worked out by hand
    let f: any;
    await eventually(async () => {
      f = await figures();
      return f.recoveries['BJ-GUOHUA'] === '800000.00' && f.new_guarantees.count === 6;
    }, 60_000, 'reporting to catch up');
    expect(f).toMatchObject({
      new_guarantees: { count: 6, principal: '51000000.00' }, // L6 was rejected
      released: { count: 4, principal: '4000000.00' }, // L1 repaid; L2, L3, L4 claimed
      compensation: { count: 3, amount: '2400000.00', rate_pct: '60.0000000000' },
      support: { 'BJ-REG': '600000.00', NFGF: '400000.00' },
      recoveries: { ICBC: '300000.00', 'BJ-GUOHUA': '800000.00', 'BJ-REG': '300000.00', NFGF: '100000.00' },
      // L5 40,000,000 and L7 1,000,000 remain
      outstanding_balance: '41000000.00',
      risk_borne: { ICBC: '8200000.00', 'BJ-GUOHUA': '16400000.00', 'BJ-REG': '8200000.00', NFGF: '8200000.00' },
      leverage: { 'BJ-GUOHUA': '0.0205000000' }, // 41,000,000 / 2,000,000,000
    });
    // as the platform knew it before the claims: nothing compensated, L2-L4 still outstanding
    const then = (await platform.call('reporting', 'GET', `/figures?from=2025-01-01&to=2025-12-31&programme=${P}&as_of=${beforeClaims}`, k().NFRA)).body;
    expect(then).toMatchObject({ compensation: { count: 0, amount: '0.00' }, released: { count: 1 }, outstanding_balance: '43000000.00', new_guarantees: { count: 5 } });

    // 8. the suspension and the resumption reached the participants' feeds
    const feed = (await platform.call('reporting', 'GET', '/feed?limit=1000', k().ICBC)).body.messages.map((m: any) => m.topic);
    expect(feed.filter((t: string) => t === 'g2g.compensation.programme-suspended.v1')).toHaveLength(2);
    expect(feed).toContain('g2g.underwriting.programme-resumed.v1');

    // 9. rebuilt from scratch, the figures are the same; the audit finds nothing
    const before = await figures();
    const rebuilt = await platform.call('reporting', 'POST', '/projections/rebuild', platform.operatorKey);
    expect(rebuilt.status).toBe(200);
    expect(await figures()).toEqual(before);
    const audit = (await platform.call('reporting', 'GET', '/audit', platform.operatorKey)).body;
    expect(audit).toMatchObject({ violations: [], differences: [] });
    expect(audit.checked.figures).toBeGreaterThan(0);

    // 10. every service's state is what its own events give: verified, then rebuilt, the same
    for (const service of ['intake', 'underwriting', 'cession', 'compensation', 'reporting'] as const) {
      const verified = await platform.call(service, 'GET', `/projections/${service}/verify`, k().NFRA);
      expect(verified.status).toBe(200);
      expect(verified.body).toMatchObject({ service, identical: true, differences: [], committed: false });
      expect(verified.body.events).toBeGreaterThan(0);
      expect(verified.body.rows).toBeGreaterThan(0);
      const rebuiltState = await platform.call(service, 'POST', `/projections/${service}/rebuild`, platform.operatorKey);
      expect(rebuiltState.body).toMatchObject({ service, identical: true, committed: true });
      // (reporting's log may have grown meanwhile: the other services' rebuilds are operator actions it records)
      expect(rebuiltState.body.events).toBeGreaterThanOrEqual(verified.body.events);
      expect((await platform.call(service, 'POST', `/projections/${service}/rebuild`, k().NFRA)).status).toBe(403);
    }
    expect(await figures()).toEqual(before);
  }, 300_000);

  it('writes no borrower identifier or name into any log line', async () => {
    expect(platform.personalData.size).toBeGreaterThan(5);
    expect(await platform.personalDataInLogs()).toEqual([]);
  });
});
