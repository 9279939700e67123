import { readInput } from '@g2g/platform';
import { DEFAULT_LIMIT, chinaMidnight } from './audit-trail';
import { AuditTrailParams } from './audit-trail-params';

const read = (q: Record<string, string>) => {
  const r = readInput(AuditTrailParams, q);
  return r.ok ? { ok: true, query: r.value.query() } : { ok: false, problems: r.problems };
};

describe('reading an audit-trail query', () => {
  it('by default: newest first, from the top, 100 entries, every action, any time', () => {
    expect(read({})).toEqual({ ok: true, query: { order: 'newest', after: null, limit: DEFAULT_LIMIT, actions: null, from: null, before: null } });
  });

  it('a period is of China days, both included: from the first midnight to the midnight after the last day', () => {
    expect(read({ from: '2026-01-05', to: '2026-01-31' })).toMatchObject({ ok: true, query: { from: '2026-01-04T16:00:00.000Z', before: '2026-01-31T16:00:00.000Z' } });
    expect(chinaMidnight('2026-03-01')).toBe('2026-02-28T16:00:00.000Z');
  });

  it('the oldest first from a cursor, some actions only', () => {
    expect(read({ order: 'oldest', after: '41', limit: '2', action: 'api-key-issued, api-key-revoked' })).toEqual({
      ok: true,
      query: { order: 'oldest', after: 41n, limit: 2, actions: ['api-key-issued', 'api-key-revoked'], from: null, before: null },
    });
  });

  it('refuses what it cannot read, with a code and a message for each', () => {
    const refused = (q: Record<string, string>) => {
      const r = readInput(AuditTrailParams, q);
      return r.ok ? 'ok' : `${r.problems[0].code}: ${r.problems[0].message}`;
    };
    expect(refused({ order: 'up' })).toBe('BAD_ORDER: order: newest or oldest');
    expect(refused({ after: '-1' })).toBe('BAD_CURSOR: after: the seq of the last entry read');
    expect(refused({ after: 'x' })).toBe('BAD_CURSOR: after: the seq of the last entry read');
    expect(refused({ limit: '0' })).toBe('BAD_LIMIT: limit: 1 to 1000');
    expect(refused({ limit: '1001' })).toBe('BAD_LIMIT: limit: 1 to 1000');
    expect(refused({ limit: '' })).toBe('BAD_LIMIT: limit: 1 to 1000');
    expect(refused({ limit: '1000' })).toBe('ok');
    expect(refused({ from: '2026-02-30' })).toBe('BAD_PERIOD: from: a date YYYY-MM-DD (China time)');
    expect(refused({ to: '20260101' })).toBe('BAD_PERIOD: to: a date YYYY-MM-DD (China time)');
    expect(refused({ from: '2026-02-01', to: '2026-01-31' })).toBe('BAD_PERIOD: from is after to');
    expect(refused({ action: ' , ' })).toBe('BAD_ACTION: action: one or more action names, comma-separated');
  });

  it('names the first parameter in its own order when several are wrong', () => {
    const r = readInput(AuditTrailParams, { to: 'x', order: 'up', limit: '0' });
    expect(r.ok ? [] : r.problems.map((p) => p.code)).toEqual(['BAD_ORDER', 'BAD_LIMIT', 'BAD_PERIOD']);
  });
});
