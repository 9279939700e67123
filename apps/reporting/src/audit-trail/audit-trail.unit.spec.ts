import { DEFAULT_LIMIT, chinaMidnight, readAuditTrailQuery } from './audit-trail';

describe('reading an audit-trail query', () => {
  it('by default: newest first, from the top, 100 entries, every action, any time', () => {
    expect(readAuditTrailQuery({})).toEqual({ ok: true, query: { order: 'newest', after: null, limit: DEFAULT_LIMIT, actions: null, from: null, before: null } });
  });

  it('a period is of China days, both included: from the first midnight to the midnight after the last day', () => {
    const read = readAuditTrailQuery({ from: '2026-01-05', to: '2026-01-31' });
    expect(read).toMatchObject({ ok: true, query: { from: '2026-01-04T16:00:00.000Z', before: '2026-01-31T16:00:00.000Z' } });
    expect(chinaMidnight('2026-03-01')).toBe('2026-02-28T16:00:00.000Z');
  });

  it('the oldest first from a cursor, some actions only', () => {
    expect(readAuditTrailQuery({ order: 'oldest', after: '41', limit: '2', action: 'api-key-issued, api-key-revoked' })).toEqual({
      ok: true,
      query: { order: 'oldest', after: 41n, limit: 2, actions: ['api-key-issued', 'api-key-revoked'], from: null, before: null },
    });
  });

  it('refuses what it cannot read, with a code for each', () => {
    const code = (q: Record<string, string>) => {
      const read = readAuditTrailQuery(q);
      return read.ok ? 'ok' : read.code;
    };
    expect(code({ order: 'up' })).toBe('BAD_ORDER');
    expect(code({ after: '-1' })).toBe('BAD_CURSOR');
    expect(code({ after: 'x' })).toBe('BAD_CURSOR');
    expect(code({ limit: '0' })).toBe('BAD_LIMIT');
    expect(code({ limit: '1001' })).toBe('BAD_LIMIT');
    expect(code({ limit: '1000' })).toBe('ok');
    expect(code({ from: '2026-02-30' })).toBe('BAD_PERIOD');
    expect(code({ to: '20260101' })).toBe('BAD_PERIOD');
    expect(code({ from: '2026-02-01', to: '2026-01-31' })).toBe('BAD_PERIOD');
    expect(code({ action: ' , ' })).toBe('BAD_ACTION');
  });
});
