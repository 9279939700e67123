import { usccCheckCharacter } from '@g2g/domain';
import { ServiceProcess, eventually, startServiceProcess } from '@g2g/testing';
import { join } from 'node:path';
import { demoProgrammeDocument } from '../libs/domain/src/programme/demo-programme.fixture';
import { DEMO_PARTICIPANTS, LOAN_FIELDS, TestPlatform, csv } from './support/platform';

// Release reminders and the breaker's early warning over real Kafka and PostgreSQL, the five
// services as processes and the console as a process of its own. Compensation's schedule runs
// every half second for the business date 2026-01-11 (G2G_BUSINESS_DATE); later dates are sent by
// the operator's route, twice at once for one of them. Every loan matures on 2026-01-10, so its
// reminders fall due on 2026-01-11 (day 1), 01-17 (day 7), 02-09 (day 30) and 03-11 (day 60).
// The programme has 62,000,000.00 yuan guaranteed; each claim of 1,000,000.00 compensates
// 800,000.00: the second claim takes the loss ratio to 2.58 %, past the warning line (2.4 % = 8/10
// of the 3 % breaker) but not the breaker; the third to 3.87 %, past the breaker.

const platform = new TestPlatform({ G2G_BUSINESS_DATE: '2026-01-11', G2G_REMINDERS_EVERY_MS: '500' });
const P = 'PR';
const programme = { ...demoProgrammeDocument, id: P, banks: ['ICBC', 'BOC'], max_borrower_principal: '100000000.00' };
const uscc = (n: number) => {
  const first17 = `91110105MA${String(n).padStart(7, '0')}`;
  return first17 + usccCheckCharacter(first17);
};
const loan = (id: string, n: number, principal: string) => `${id},USCC,${uscc(n)},借款企业${n},small,C1311,110105,N,N,${principal},CNY,4.50,0.80,2025-01-10,2026-01-10`;
const REPAYMENT = 'loan_id,amount,repaid_on';
const CLAIM = 'loan_id,overdue_since,claimed_on,unpaid_principal,unpaid_interest';

type Message = { seq: number; topic: string; key: string; value: any };

describe('release reminders and the early warning, in the feeds and the console', () => {
  let web: ServiceProcess;
  beforeAll(async () => {
    await platform.start();
    await platform.publish(DEMO_PARTICIPANTS, [programme]);
    web = await startServiceProcess(join(__dirname, '../dist/apps/console/src/main.js'), [], {
      PORT: '0',
      G2G_INTAKE_URL: platform.url('intake'),
      G2G_UNDERWRITING_URL: platform.url('underwriting'),
      G2G_CESSION_URL: platform.url('cession'),
      G2G_COMPENSATION_URL: platform.url('compensation'),
      G2G_REPORTING_URL: platform.url('reporting'),
    });
  }, 240_000);
  afterAll(async () => {
    await web?.stop();
    await platform.stop();
  });

  const k = () => platform.keys;
  const feed = async (code: string, only: string): Promise<Message[]> => (await platform.call('reporting', 'GET', `/feed?limit=5000&only=${only}`, k()[code])).body.messages;
  /** the reminders in a feed, as `guarantee@dueOn` */
  const reminders = async (code: string) => (await feed(code, 'release-reminder')).map((m) => `${m.value.guaranteeId}@${m.value.dueOn}`);
  const waitForReminders = (code: string, n: number) =>
    eventually(async () => (await reminders(code)).length >= n, 60_000, `${n} reminders in the feed of ${code}`).then(() => reminders(code));
  const run = async (on: string) => {
    const answer = await platform.call('compensation', 'POST', '/reminders/run', platform.operatorKey, { on });
    expect(answer.status).toBe(200);
    return answer.body as { reminded_on: string; reminders: number; messages: number };
  };
  const file = async (bank: string, segment: string, ref: string, header: string, rows: string[], programmeId?: string) => {
    expect((await platform.file(bank, segment, ref, csv(header, rows), programmeId ? { programme: programmeId } : {})).status).toBe(202);
    await platform.complete(bank, segment, ref);
    return platform.outcomes(bank, segment, ref);
  };

  async function signIn(code: string): Promise<string> {
    const res = await fetch(`${web.url}/console/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: web.url },
      body: new URLSearchParams({ key: k()[code] }).toString(),
    });
    expect(res.status).toBe(303);
    return res.headers.getSetCookie().find((c) => c.startsWith('g2g_session='))!.split(';')[0];
  }
  const consolePage = async (code: string, path: string) => {
    const res = await fetch(`${web.url}${path}`, { headers: { cookie: await signIn(code) }, redirect: 'manual' });
    return { status: res.status, text: await res.text() };
  };
  const shown = (text: string, attribute: string) => [...text.matchAll(new RegExp(`${attribute}="([^"]+)"`, 'g'))].map((m) => m[1]).sort();

  it('reminds on day 1, 7, 30 and 60 after maturity, once each, until repaid or claimed; warns once before the breaker', async () => {
    // 1. five ICBC loans, two BOC loans, all maturing on 2026-01-10
    const icbc = [loan('L1', 1, '1000000.00'), loan('L2', 2, '1000000.00'), loan('L3', 3, '1000000.00'), loan('L4', 4, '1000000.00'), loan('L5', 5, '56000000.00')];
    expect((await file('ICBC', 'batches', 'RB-L', LOAN_FIELDS, icbc, P)).map((r) => r[2])).toEqual(['approved', 'approved', 'approved', 'approved', 'approved']);
    expect((await file('BOC', 'batches', 'RB-B', LOAN_FIELDS, [loan('B1', 6, '1000000.00'), loan('B2', 7, '1000000.00')], P)).map((r) => r[2])).toEqual(['approved', 'approved']);

    // 2. the schedule sends day 1's reminders by itself; the operator's run of the same day sends nothing more
    const day1 = ['ICBC/L1', 'ICBC/L2', 'ICBC/L3', 'ICBC/L4', 'ICBC/L5'].map((g) => `${g}@2026-01-11`);
    expect((await waitForReminders('ICBC', 5)).sort()).toEqual(day1);
    // (BOC's guarantees may reach compensation after a tick of the schedule: the next one sends theirs)
    expect((await waitForReminders('BOC', 2)).sort()).toEqual(['BOC/B1@2026-01-11', 'BOC/B2@2026-01-11']);
    expect(await run('2026-01-11')).toEqual({ reminded_on: '2026-01-11', reminders: 0, messages: 0 });
    // a bank reads only its own guarantees' reminders; the guarantor those of both banks; a re-guarantor none
    expect((await waitForReminders('BJ-GUOHUA', 7)).sort()).toEqual([...day1, 'BOC/B1@2026-01-11', 'BOC/B2@2026-01-11'].sort());
    expect(await reminders('BJ-REG')).toEqual([]);
    const [first] = await feed('ICBC', 'release-reminder');
    expect(first.topic).toBe('g2g.compensation.release-reminder.v1');
    expect(first.value).toMatchObject({ bank: 'ICBC', programme: P, guarantor: 'BJ-GUOHUA', maturesOn: '2026-01-10', daysPastMaturity: 1, remindedOn: '2026-01-11' });

    // 3. L1 repaid in full (released), L2 claimed: 800,000.00 of 62,000,000.00 is 1.29 %, below the line
    expect(await file('ICBC', 'repayments', 'RB-R1', REPAYMENT, ['L1,1000000.00,2026-01-12'])).toEqual([[1, 'L1', 'accepted', []]]);
    expect(await file('ICBC', 'claims', 'RB-C1', CLAIM, ['L2,2025-10-01,2026-01-15,1000000.00,0'])).toEqual([[1, 'L2', 'accepted', []]]);

    // 4. day 7, asked twice at once: the two runs send L3, L4, L5, B1 and B2 once between them
    const [a, b] = await Promise.all([run('2026-01-17'), run('2026-01-17')]);
    expect(a.reminders + b.reminders).toBe(5);
    const day7 = ['ICBC/L3', 'ICBC/L4', 'ICBC/L5'].map((g) => `${g}@2026-01-17`);
    expect((await waitForReminders('ICBC', 8)).sort()).toEqual([...day1, ...day7].sort());

    // 5. L3 claimed: 1,600,000.00 / 62,000,000.00 = 2.58 %, at or above 2.4 %: the warning, to the
    // guarantor, the re-guarantor, the Fund and the regulator; not to the bank; no suspension
    expect(await file('ICBC', 'claims', 'RB-C2', CLAIM, ['L3,2025-10-01,2026-01-20,1000000.00,0'])).toEqual([[1, 'L3', 'accepted', []]]);
    for (const code of ['BJ-GUOHUA', 'BJ-REG', 'NFGF', 'NFRA']) {
      await eventually(async () => (await feed(code, 'breaker-approached')).length === 1, 60_000, `the warning in the feed of ${code}`);
    }
    const [warning] = await feed('NFRA', 'breaker-approached');
    expect(warning.topic).toBe('g2g.compensation.breaker-approached.v1');
    expect(warning.value).toMatchObject({ programme: P, lossRatio: '0.0258064516', warningPct: '2.4', breakerPct: '3', guaranteeId: 'ICBC/L3', warnedOn: '2026-01-20' });
    expect(await feed('ICBC', 'breaker-approached')).toEqual([]);
    expect((await platform.call('underwriting', 'GET', `/programmes/${P}/status`, k().ICBC)).body.suspended).toBe(false);

    // 6. day 30: L4, L5, B1 and B2; between schedule days nothing
    expect((await run('2026-02-09')).reminders).toBe(4);
    expect((await run('2026-02-20')).reminders).toBe(0);

    // 7. L4 claimed (3.87 %: the breaker suspends, no second warning), B1 and B2 repaid in full
    expect(await file('ICBC', 'claims', 'RB-C3', CLAIM, ['L4,2025-10-01,2026-02-25,1000000.00,0'])).toEqual([[1, 'L4', 'accepted', []]]);
    await eventually(async () => (await platform.call('underwriting', 'GET', `/programmes/${P}/status`, k().ICBC)).body.suspended === true, 60_000, 'the breaker');
    expect(await file('BOC', 'repayments', 'RB-R2', REPAYMENT, ['B1,1000000.00,2026-02-26', 'B2,1000000.00,2026-02-26'])).toEqual([[1, 'B1', 'accepted', []], [2, 'B2', 'accepted', []]]);

    // 8. day 60: only L5 is still in force past its maturity
    expect(await run('2026-03-11')).toEqual({ reminded_on: '2026-03-11', reminders: 1, messages: 1 });
    const day30 = ['ICBC/L4', 'ICBC/L5'].map((g) => `${g}@2026-02-09`);
    const all = [...day1, ...day7, ...day30, 'ICBC/L5@2026-03-11'].sort();
    expect((await waitForReminders('ICBC', 11)).sort()).toEqual(all);
    const boc = ['BOC/B1', 'BOC/B2'].flatMap((g) => ['2026-01-11', '2026-01-17', '2026-02-09'].map((d) => `${g}@${d}`)).sort();
    expect((await waitForReminders('BOC', 6)).sort()).toEqual(boc);
    expect((await waitForReminders('BJ-GUOHUA', 17)).sort()).toEqual([...all, ...boc].sort());
    // the warning stayed one: the claim past the breaker found the ratio already past the line
    expect(await feed('NFRA', 'breaker-approached')).toHaveLength(1);
    // the schedule, still running for 2026-01-11, added nothing
    expect(await reminders('ICBC')).toHaveLength(11);

    // 9. the console's page shows each reader what its feed holds
    const bank = await consolePage('ICBC', '/console/alerts?lang=en');
    expect(bank.status).toBe(200);
    expect(shown(bank.text, 'data-reminder')).toEqual(all);
    expect(shown(bank.text, 'data-warning')).toEqual([]);
    const regulator = await consolePage('NFRA', '/console/alerts?lang=en');
    expect(shown(regulator.text, 'data-warning')).toEqual([`${P}@2026-01-20`]);
    expect(shown(regulator.text, 'data-reminder')).toEqual([]);
    const guarantor = await consolePage('BJ-GUOHUA', '/console/alerts');
    expect(shown(guarantor.text, 'data-reminder')).toEqual([...all, ...boc].sort());
    expect(shown(guarantor.text, 'data-warning')).toEqual([`${P}@2026-01-20`]);
  }, 300_000);
});
