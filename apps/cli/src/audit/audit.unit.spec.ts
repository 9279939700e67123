import { run } from '../cli';
import { Call, fakeFetch, fakeIo } from '../test-fakes';
import { AuditReport, auditPassed, renderAudit } from './audit';

const clean: AuditReport = { events: 12_345, guarantees: 1_000, violations: [], differences: [], checked: { slices: 4, figures: 32 } };

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
  it('a clean audit passes: exit 0 and one line saying what was checked', async () => {
    const io = fakeIo({ env: { G2G_OPERATOR_KEY: 'op' }, fetch: fakeFetch({ 'GET /audit': () => ({ status: 200, body: clean }) }) });
    expect(await run(['audit'], io)).toBe(0);
    expect(io.stdout()).toBe(
      'audit passed: every invariant holds and the projections agree with the events\nchecked 12,345 events and 1,000 guarantees; compared 32 figures in 4 slices with the projections\n',
    );
  });

  it('an audit with broken invariants and a differing figure exits 1 and says which, readably', async () => {
    const io = fakeIo({ env: { G2G_API_KEY: 'k-nfra' }, fetch: fakeFetch({ 'GET /audit': () => ({ status: 200, body: broken }) }) });
    expect(await run(['audit'], io)).toBe(1);
    const out = io.stdout();
    expect(out).toMatch(/^audit FAILED: 2 violations, 1 difference\n/);
    expect(out).toContain('invariants broken (2):\n  - ICBC/L1: claimed 2 times\n  - ICBC/L2: recovery parts sum to 99, not 100\n');
    expect(out).toMatch(/support +bank=ICBC +2025-03-01\.\.2025-11-15 +\{"BJ-REG":"40000.00"\} +\{"BJ-REG":"40000.00","NFGF":"40000.00"\}/);
    expect(out).toContain('g2g rebuild');
  });

  it('--json prints the report as is and still exits 1 on findings, so scripts can rely on the code', async () => {
    const io = fakeIo({ env: { G2G_OPERATOR_KEY: 'op' }, fetch: fakeFetch({ 'GET /audit': () => ({ status: 200, body: broken }) }) });
    expect(await run(['audit', '--json'], io)).toBe(1);
    expect(JSON.parse(io.stdout())).toEqual(broken);
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
  it('an operator rebuilds the projections: a POST, and how many events were replayed in how long', async () => {
    const calls: Call[] = [];
    const io = fakeIo({ env: { G2G_OPERATOR_KEY: 'op', G2G_REPORTING_URL: 'http://rep:8085' }, fetch: fakeFetch({ 'POST /projections/rebuild': () => ({ status: 200, body: { events: 12345, ms: 1834 } }) }, calls) });
    expect(await run(['rebuild'], io)).toBe(0);
    expect(calls[0]).toMatchObject({ method: 'POST', url: 'http://rep:8085/projections/rebuild' });
    expect(io.stdout()).toBe('rebuilt the projections from 12,345 events in 1,834 ms\n');
  });

  it('a regulator may not rebuild: the server says so, exit 1', async () => {
    const io = fakeIo({
      env: { G2G_API_KEY: 'k-nfra' },
      fetch: fakeFetch({ 'POST /projections/rebuild': () => ({ status: 403, body: { code: 'FORBIDDEN', message: 'a regulator may not do this (allowed: operator)' } }) }),
    });
    expect(await run(['rebuild', '--json'], io)).toBe(1);
    expect(io.stderr()).toContain('403 FORBIDDEN');
  });
});
