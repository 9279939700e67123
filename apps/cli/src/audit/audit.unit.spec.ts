import { run } from '../cli';
import { Call, fakeFetch, fakeIo } from '../test-fakes';
import { AuditReport, auditPassed, renderAudit } from './audit';

const clean: AuditReport = { events: 12_345, guarantees: 1_000, violations: [], differences: [], checked: { slices: 4, figures: 32 } };

const verified = (service: string, over: object = {}) => ({ service, events: 40, rows: 120, seconds: 0.25, eventsPerSecond: 160, identical: true, differences: [], committed: false, ...over });
const STATE_ROUTES = Object.fromEntries(['intake', 'underwriting', 'cession', 'compensation', 'reporting'].map((s) => [`GET /projections/${s}/verify`, () => ({ status: 200, body: verified(s) })]));

const broken: AuditReport = {
  ...clean,
  violations: ['ICBC/L1: claimed 2 times', 'ICBC/L2: recovery parts sum to 99, not 100'],
  differences: [
    {
      figure: 'support',
      slice: { bank: 'ICBC' },
      period: { from: '2025-03-01', to: '2025-11-15' },
      projection: { 'BJ-REG': '40000.00' },
      events: { 'BJ-REG': '40000.00', NFGF: '40000.00' },
    },
  ],
};

describe('g2g audit', () => {
  it('a clean audit passes: exit 0, a line saying what was checked, and a line per service whose state its events give again', async () => {
    const calls: Call[] = [];
    const io = fakeIo({ env: { G2G_OPERATOR_KEY: 'op', G2G_CESSION_URL: 'http://ces:8083' }, fetch: fakeFetch({ 'GET /audit': () => ({ status: 200, body: clean }), ...STATE_ROUTES }, calls) });
    expect(await run(['audit'], io)).toBe(0);
    expect(io.stdout()).toBe(
      'audit passed: every invariant holds and the projections agree with the events\nchecked 12,345 events and 1,000 guarantees; compared 32 figures in 4 slices with the projections\n' +
        ['intake', 'underwriting', 'cession', 'compensation', 'reporting'].map((s) => `${s}: verified 120 rows from 40 events in 250 ms (160 events/s): the same as before\n`).join(''),
    );
    expect(calls.map((c) => c.url)).toContain('http://ces:8083/projections/cession/verify');
  });

  it("fails when a service's state is not what its events give, and says which table", async () => {
    const io = fakeIo({
      env: { G2G_OPERATOR_KEY: 'op' },
      fetch: fakeFetch({
        'GET /audit': () => ({ status: 200, body: clean }),
        ...STATE_ROUTES,
        'GET /projections/underwriting/verify': () => ({ status: 200, body: verified('underwriting', { identical: false, differences: [{ table: 'u_exposures', extra: 1, missing: 2 }] }) }),
      }),
    });
    expect(await run(['audit'], io)).toBe(1);
    expect(io.stdout()).toContain('underwriting: verified 120 rows from 40 events in 250 ms (160 events/s): DIFFERENT\n  u_exposures: 1 rows the events do not give, 2 rows they give that were missing\n');
    const figuresOnly = fakeIo({ env: { G2G_OPERATOR_KEY: 'op' }, fetch: fakeFetch({ 'GET /audit': () => ({ status: 200, body: clean }) }) });
    expect(await run(['audit', '--figures-only'], figuresOnly)).toBe(0);
  });

  it('an audit with broken invariants and a differing figure exits 1 and says which, readably', async () => {
    const io = fakeIo({ env: { G2G_API_KEY: 'k-nfra' }, fetch: fakeFetch({ 'GET /audit': () => ({ status: 200, body: broken }), ...STATE_ROUTES }) });
    expect(await run(['audit'], io)).toBe(1);
    const out = io.stdout();
    expect(out).toMatch(/^audit FAILED: 2 violations, 1 difference\n/);
    expect(out).toContain('invariants broken (2):\n  - ICBC/L1: claimed 2 times\n  - ICBC/L2: recovery parts sum to 99, not 100\n');
    expect(out).toMatch(/support +bank=ICBC +2025-03-01\.\.2025-11-15 +\{"BJ-REG":"40000.00"\} +\{"BJ-REG":"40000.00","NFGF":"40000.00"\}/);
    expect(out).toContain('g2g rebuild');
  });

  it('--json prints the report as is and still exits 1 on findings, so scripts can rely on the code', async () => {
    const io = fakeIo({ env: { G2G_OPERATOR_KEY: 'op' }, fetch: fakeFetch({ 'GET /audit': () => ({ status: 200, body: broken }), ...STATE_ROUTES }) });
    expect(await run(['audit', '--json'], io)).toBe(1);
    const printed = JSON.parse(io.stdout());
    expect(printed).toMatchObject(broken);
    expect(printed.state.map((r: { service: string }) => r.service)).toEqual(['intake', 'underwriting', 'cession', 'compensation', 'reporting']);
  });

  it('many findings are cut at 20 each unless --all', () => {
    const many = { ...clean, violations: Array.from({ length: 25 }, (_, i) => `ICBC/L${i}: issued 2 times`) };
    expect(auditPassed(many)).toBe(false);
    const text = renderAudit(many);
    expect(text).toContain('  - ICBC/L19: issued 2 times\n  ... and 5 more (--all lists them)\n');
    expect(text).not.toContain('ICBC/L20:');
    expect(renderAudit(many, Infinity)).toContain('ICBC/L24: issued 2 times');
  });
});

describe('g2g rebuild', () => {
  it("an operator rebuilds reporting's read models by default: a POST, and what was replayed in how long", async () => {
    const calls: Call[] = [];
    const body = { ...verified('reporting'), committed: true, events: 12345, rows: 50000, seconds: 1.834, eventsPerSecond: 6731 };
    const io = fakeIo({ env: { G2G_OPERATOR_KEY: 'op', G2G_REPORTING_URL: 'http://rep:8085' }, fetch: fakeFetch({ 'POST /projections/reporting/rebuild': () => ({ status: 200, body }) }, calls) });
    expect(await run(['rebuild'], io)).toBe(0);
    expect(calls[0]).toMatchObject({ method: 'POST', url: 'http://rep:8085/projections/reporting/rebuild' });
    expect(io.stdout()).toBe('reporting: rebuilt 50,000 rows from 12,345 events in 1,834 ms (6,731 events/s): the same as before\n');
  });

  it('--service names one service or all of them; --verify rolls back; a difference exits 1', async () => {
    const calls: Call[] = [];
    const io = fakeIo({ env: { G2G_OPERATOR_KEY: 'op' }, fetch: fakeFetch({ 'POST /projections/underwriting/rebuild': () => ({ status: 200, body: verified('underwriting', { committed: true }) }) }, calls) });
    expect(await run(['rebuild', '--service', 'underwriting'], io)).toBe(0);
    expect(calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual(['POST /projections/underwriting/rebuild']);

    const all: Call[] = [];
    const different = { ...STATE_ROUTES, 'GET /projections/compensation/verify': () => ({ status: 200, body: verified('compensation', { identical: false, differences: [{ table: 'c_guarantees', extra: 0, missing: 3 }] }) }) };
    const io2 = fakeIo({ env: { G2G_OPERATOR_KEY: 'op' }, fetch: fakeFetch(different, all) });
    expect(await run(['rebuild', '--service', 'all', '--verify', '--json'], io2)).toBe(1);
    expect(all.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual(['intake', 'underwriting', 'cession', 'compensation', 'reporting'].map((s) => `GET /projections/${s}/verify`));
    expect(JSON.parse(io2.stdout()).map((r: { identical: boolean }) => r.identical)).toEqual([true, true, true, false, true]);

    const bad = fakeIo({ env: { G2G_OPERATOR_KEY: 'op' } });
    expect(await run(['rebuild', '--service', 'ledger'], bad)).toBe(2);
    expect(bad.stderr()).toContain('--service must be one of intake, underwriting, cession, compensation, reporting or all');
  });

  it('a regulator may not rebuild: the server says so, exit 1', async () => {
    const io = fakeIo({
      env: { G2G_API_KEY: 'k-nfra' },
      fetch: fakeFetch({ 'POST /projections/reporting/rebuild': () => ({ status: 403, body: { code: 'FORBIDDEN', message: 'a regulator may not do this (allowed: operator)' } }) }),
    });
    expect(await run(['rebuild', '--json'], io)).toBe(1);
    expect(io.stderr()).toContain('403 FORBIDDEN');
  });
});
