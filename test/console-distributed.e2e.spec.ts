import { residentIdCheckCharacter, usccCheckCharacter } from '@g2g/domain';
import { ServiceProcess, eventually, startServiceProcess } from '@g2g/testing';
import { join } from 'node:path';
import { demoProgrammeDocument } from '../libs/domain/src/programme/demo-programme.fixture';
import { DEMO_PARTICIPANTS, LOAN_FIELDS, TestPlatform, csv } from './support/platform';

// The console as a process of its own (distributed mode) in front of the five service processes
// over Kafka and PostgreSQL: a participant signs in with its key through the form, the regulator's
// dashboard shows the figures the API answers, a bank sees its batch and its rows and gets 403 on
// the regulator's page. The pages themselves are tested in a browser against the embedded
// platform (test/console.e2e.spec.ts); this is the same console calling each service at its own
// address.

const B1 = '91110105MA0000001' + usccCheckCharacter('91110105MA0000001');
const FARMER = '11010519491231002' + residentIdCheckCharacter('11010519491231002');
const ROWS = [
  'D-1,USCC,' + B1 + ',北京一号科技有限公司,micro,C1311,110105,Y,N,1000000.00,CNY,4.50,0.80,2025-03-01,2026-03-01', // approved
  'D-2,RID,' + FARMER + ',张三,farmer,A0111,110108,N,Y,200000.00,CNY,4.20,0.50,2025-03-02,2025-09-02', // approved
  'D-3,USCC,' + B1 + ',北京一号科技有限公司,micro,K7010,110105,N,N,100000.00,CNY,9.50,0.80,2025-03-01,2026-03-01', // rejected: industry K
];
const PERIOD = 'from=2025-01-01&to=2025-12-31';

describe('the console, distributed', () => {
  const platform = new TestPlatform();
  let web: ServiceProcess;

  beforeAll(async () => {
    await platform.start();
    await platform.publish(DEMO_PARTICIPANTS, [{ ...demoProgrammeDocument, id: 'P1' }]);
    web = await startServiceProcess(join(__dirname, '../dist/apps/console/src/main.js'), [], {
      PORT: '0',
      G2G_INTAKE_URL: platform.url('intake'),
      G2G_UNDERWRITING_URL: platform.url('underwriting'),
      G2G_CESSION_URL: platform.url('cession'),
      G2G_COMPENSATION_URL: platform.url('compensation'),
      G2G_REPORTING_URL: platform.url('reporting'),
    });
    await platform.file('ICBC', 'batches', 'console-d1', csv(LOAN_FIELDS, ROWS), { programme: 'P1' });
    await platform.complete('ICBC', 'batches', 'console-d1');
    await eventually(
      async () => (await platform.call('reporting', 'GET', `/figures?${PERIOD}`, platform.keys.NFRA)).body?.new_guarantees?.count === 2,
      60_000,
      'the two guarantees in the figures',
    );
  }, 240_000);
  afterAll(async () => {
    await web?.stop();
    await platform.stop();
  });

  /** Signs in through the form, as a browser posts it (same origin); returns the session cookie. */
  async function signIn(code: string): Promise<string> {
    const res = await fetch(`${web.url}/console/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: web.url },
      body: new URLSearchParams({ key: platform.keys[code] }).toString(),
    });
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('g2g_session='));
    expect(cookie).toMatch(/HttpOnly/i);
    return cookie!.split(';')[0];
  }

  const page = async (cookie: string, path: string) => {
    const res = await fetch(`${web.url}${path}`, { headers: { cookie }, redirect: 'manual' });
    return { status: res.status, text: await res.text() };
  };

  /** Every `data-figure` on a page with its exact value. */
  const figuresOn = (text: string) => Object.fromEntries([...text.matchAll(/data-figure="([^"]+)" data-value="([^"]*)"/g)].map((m) => [m[1], m[2]]));

  it("the regulator's dashboard shows the figures the API answers", async () => {
    const cookie = await signIn('NFRA');
    const dashboard = await page(cookie, `/console/dashboard?${PERIOD}`);
    expect(dashboard.status).toBe(200);
    const api = (await platform.call('reporting', 'GET', `/figures?${PERIOD}`, platform.keys.NFRA)).body;
    const shown = figuresOn(dashboard.text);
    expect(shown['new_guarantees.count']).toBe('2');
    expect(shown['new_guarantees.principal']).toBe(api.new_guarantees.principal);
    expect(shown['new_guarantees.principal']).toBe('1200000.00');
    expect(shown.outstanding_balance).toBe(api.outstanding_balance);
    expect(shown.borrowers_served).toBe(String(api.borrowers_served));
  });

  it('a bank sees its batch and its rows, and gets 403 on the regulator’s page', async () => {
    const cookie = await signIn('ICBC');
    const batches = await page(cookie, '/console/batches');
    expect(batches.status).toBe(200);
    expect(batches.text).toContain('console-d1');
    const rows = await page(cookie, '/console/batches/loans/console-d1');
    expect(rows.status).toBe(200);
    for (const id of ['D-1', 'D-2', 'D-3']) expect(rows.text).toContain(id);
    expect(rows.text).toContain('INDUSTRY');
    expect((await page(cookie, `/console/dashboard?${PERIOD}`)).status).toBe(403);
  });

  it('writes no borrower identifier or name and no key in any log line, the console’s included', async () => {
    expect(await platform.personalDataInLogs()).toEqual([]);
    const consoleOutput = web.output();
    for (const secret of [B1, FARMER, '北京一号科技有限公司', '张三', platform.keys.NFRA, platform.keys.ICBC]) expect(consoleOutput).not.toContain(secret);
  });

  it('refuses a wrong key and a sign-in posted from another site', async () => {
    const wrong = await fetch(`${web.url}/console/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: web.url },
      body: 'key=g2g_not-a-key',
    });
    expect(wrong.status).toBe(401);
    const crossSite = await fetch(`${web.url}/console/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://elsewhere.example' },
      body: new URLSearchParams({ key: platform.keys.NFRA }).toString(),
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.getSetCookie()).toEqual([]);
  });
});
