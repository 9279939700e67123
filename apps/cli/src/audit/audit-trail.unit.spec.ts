import { run } from '../cli';
import { Call, fakeFetch, fakeIo } from '../test-fakes';
import { AuditTrailEntry, describeDetails } from './audit-trail';

const entry = (seq: number, action: string, actor: string, subject: string, details: Record<string, unknown>): AuditTrailEntry => ({
  seq,
  action_id: `id-${seq}`,
  recorded_at: `2026-01-05T02:00:${String(seq).padStart(2, '0')}.000Z`,
  service: action === 'projections-rebuilt' ? 'reporting' : 'underwriting',
  action,
  actor,
  actor_key_id: actor === 'OPERATOR' ? '00000000000000aa' : '00000000000000bb',
  subject,
  details,
});

const trail = [
  entry(12, 'api-key-revoked', 'OPERATOR', 'OPS-1', { keyIds: ['0123456789abcdef'], all: false }),
  entry(11, 'projections-rebuilt', 'OPS-1', 'projections', { events: 64, ms: 43 }),
  entry(10, 'programme-resumed', 'OPS-1', 'P3', { resumedOn: '2026-01-05', changed: false }),
];

describe('g2g audit-trail', () => {
  it('shows each action with who (and the key id), when, what to, and how to read on', async () => {
    const calls: Call[] = [];
    const io = fakeIo({
      env: { G2G_OPERATOR_KEY: 'op', G2G_REPORTING_URL: 'http://rep:8085' },
      fetch: fakeFetch({ 'GET /audit-trail': () => ({ status: 200, body: { entries: trail, next: 10 } }) }, calls),
    });
    expect(await run(['audit-trail', '--limit', '3', '--from', '2026-01-01'], io)).toBe(0);
    expect(calls[0].url).toBe('http://rep:8085/audit-trail?order=newest&limit=3&from=2026-01-01');
    expect(calls[0].headers.authorization).toBe('Bearer op');
    const out = io.stdout();
    expect(out).toMatch(/^audit trail: 3 actions, newest first\n/);
    expect(out).toMatch(/12 +2026-01-05T02:00:12.000Z +underwriting +api-key-revoked +OPERATOR \(00000000000000aa\) +OPS-1 +keyIds=0123456789abcdef all=false\n/);
    expect(out).toMatch(/11 +2026-01-05T02:00:11.000Z +reporting +projections-rebuilt +OPS-1 \(00000000000000bb\) +projections +events=64 ms=43\n/);
    expect(out).toMatch(/more: g2g audit-trail --limit 3 --from 2026-01-01 --after 10\n$/);
  });

  it('--all follows the cursor to the end; --json gives every entry in one answer', async () => {
    const calls: Call[] = [];
    const pages: Record<string, unknown> = {
      '': { entries: [trail[2]], next: 10 },
      '10': { entries: [trail[1]], next: 11 },
      '11': { entries: [trail[0]], next: null },
    };
    const io = fakeIo({
      env: { G2G_API_KEY: 'k-nfra' },
      fetch: fakeFetch({ 'GET /audit-trail': (c) => ({ status: 200, body: pages[new URL(c.url).searchParams.get('after') ?? ''] }) }, calls),
    });
    expect(await run(['audit-trail', '--order', 'oldest', '--limit', '1', '--all', '--action', 'api-key-revoked,projections-rebuilt,programme-resumed', '--json'], io)).toBe(0);
    expect(calls.map((c) => new URL(c.url).searchParams.get('after'))).toEqual([null, '10', '11']);
    expect(new URL(calls[0].url).searchParams.get('action')).toBe('api-key-revoked,projections-rebuilt,programme-resumed');
    expect(JSON.parse(io.stdout())).toEqual({ entries: [trail[2], trail[1], trail[0]], next: null });
  });

  it('a bank is refused by the platform: its code, exit 1', async () => {
    const io = fakeIo({
      env: { G2G_API_KEY: 'k-icbc' },
      fetch: fakeFetch({ 'GET /audit-trail': () => ({ status: 403, body: { code: 'FORBIDDEN', message: 'a bank may not do this (allowed: operator, regulator)' } }) }),
    });
    expect(await run(['audit-trail'], io)).toBe(1);
    expect(io.stderr()).toBe('g2g audit-trail: the platform answered 403 FORBIDDEN: a bank may not do this (allowed: operator, regulator)\n');
  });

  it('an order other than newest or oldest, or a date that is not YYYY-MM-DD, is a usage mistake', async () => {
    expect(await run(['audit-trail', '--order', 'up'], fakeIo({ env: { G2G_OPERATOR_KEY: 'op' } }))).toBe(2);
    expect(await run(['audit-trail', '--from', '5/1/2026'], fakeIo({ env: { G2G_OPERATOR_KEY: 'op' } }))).toBe(2);
  });

  it('nothing recorded that fits', async () => {
    const io = fakeIo({ env: { G2G_OPERATOR_KEY: 'op' }, fetch: fakeFetch({ 'GET /audit-trail': () => ({ status: 200, body: { entries: [], next: null } }) }) });
    expect(await run(['audit-trail', '--action', 'programme-resumed'], io)).toBe(0);
    expect(io.stdout()).toBe('audit trail: no action recorded that fits\n');
  });

  it('details for people: lists joined, an empty list said so', () => {
    expect(describeDetails({ keyIds: [], all: true })).toBe('keyIds=(none) all=true');
    expect(describeDetails({ kind: 'bank', effectiveFrom: '2025-01-01' })).toBe('kind=bank effectiveFrom=2025-01-01');
  });
});
