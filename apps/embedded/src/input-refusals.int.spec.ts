import { RunningPlatform, readConfig, runServices } from '@g2g/platform';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoProgrammeDocument } from '../../../libs/domain/src/programme/demo-programme.fixture';
import { allServices } from './services';

// The HTTP edge of the running platform refusing what its routes' DTOs cannot read: each answer in
// the platform's shape, `{code, message}` (and `errors` for a document), with the status the
// route documents, through Nest's pipes and the platform's error filter, the key checked first.

jest.setTimeout(90_000);

describe('inputs the routes cannot read, refused at the HTTP edge of the embedded platform', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'g2g-refusals-data-'));
  const operatorKey = 'refusals-test-operator-key';
  const saved = { send: process.send, key: process.env.G2G_OPERATOR_KEY };
  let platform: RunningPlatform;
  let bankKey: string;

  const call = async (method: string, path: string, key: string | undefined, body?: string) => {
    const res = await fetch(`${platform.url}${path}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body,
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    process.send = undefined; // no parent to tell that it is ready
    process.env.G2G_OPERATOR_KEY = operatorKey;
    platform = await runServices(allServices, readConfig({ G2G_MODE: 'embedded', G2G_DATA_DIR: dataDir, G2G_INBOX_DIR: '', PORT: '0', G2G_OPERATOR_KEY_FILE: join(dataDir, 'operator-key') }));
    expect((await call('POST', '/participants', operatorKey, JSON.stringify({ code: 'ICBC', kind: 'bank', name: 'ICBC' }))).status).toBe(201);
    bankKey = (await call('POST', '/participants/ICBC/api-keys', operatorKey)).body.key;
  });

  afterAll(async () => {
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    process.send = saved.send;
    if (saved.key === undefined) delete process.env.G2G_OPERATOR_KEY;
    else process.env.G2G_OPERATOR_KEY = saved.key;
  });

  it('a query parameter: 400 with its own code and message', async () => {
    expect(await call('GET', '/figures?from=2025-01-01&to=2024-12-31', operatorKey)).toEqual({
      status: 400,
      body: { code: 'BAD_PERIOD', message: 'give the period as from=YYYY-MM-DD&to=YYYY-MM-DD, from not after to' },
    });
    expect(await call('GET', '/figures/monthly?from=2010-01-01&to=2025-12-31', operatorKey)).toEqual({ status: 400, body: { code: 'BAD_PERIOD', message: 'a series covers at most 120 months' } });
    expect(await call('GET', '/guarantees?from=2025-01-01&to=2025-12-31&limit=1001', operatorKey)).toEqual({ status: 400, body: { code: 'BAD_LIMIT', message: 'limit: a whole number from 1 to 1000' } });
    expect(await call('GET', '/feed?after=-1', bankKey)).toEqual({ status: 400, body: { code: 'BAD_AFTER', message: 'after: a whole number from 0 to 9223372036854775807' } });
    expect(await call('GET', '/banks/ICBC/batches/r-1/rows?outcome=lost', bankKey)).toEqual({ status: 400, body: { code: 'BAD_OUTCOME', message: 'outcome: one of invalid, pending, approved, accepted, rejected' } });
    expect(await call('GET', '/statements/BJ-REG/2025-13', operatorKey)).toEqual({ status: 400, body: { code: 'BAD_MONTH', message: 'month: YYYY-MM' } });
    expect(await call('GET', '/audit-trail?order=up', operatorKey)).toEqual({ status: 400, body: { code: 'BAD_ORDER', message: 'order: newest or oldest' } });
  });

  it('a good query passes the edge and is answered by the route', async () => {
    expect((await call('GET', '/figures?from=2025-01-01&to=2025-12-31&fund_backed=true&as_of=2026-01-01T00:00:00%2B08:00', operatorKey)).body).toMatchObject({ as_of: '2025-12-31T16:00:00.000Z', slice: { fundBacked: true } });
    expect(await call('GET', '/banks/ICBC/batches/r-1/rows?limit=10', bankKey)).toMatchObject({ status: 404, body: { code: 'UNKNOWN_BATCH' } });
    expect(await call('GET', '/feed?limit=5', bankKey)).toEqual({ status: 200, body: { participant: 'ICBC', messages: [], next: 0 } });
  });

  it('the key and the kind of caller are judged before the parameters', async () => {
    expect(await call('GET', '/figures?from=x', undefined)).toMatchObject({ status: 401, body: { code: 'NO_API_KEY' } });
    expect(await call('GET', '/figures?from=x', bankKey)).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
  });

  it('a document: 422 with every problem by its field, or 400 with what is wrong', async () => {
    expect(await call('POST', '/participants', operatorKey, JSON.stringify([{ code: 'BOC', kind: 'bank', name: 'BOC' }, { code: 'x', kind: 'bank' }]))).toEqual({
      status: 422,
      body: {
        code: 'INVALID_PARTICIPANT',
        message: 'the participant document has problems',
        errors: [
          { field: '[1].code', message: 'code: 1-32 upper-case letters, digits or dashes' },
          { field: '[1].name', message: 'name: 1-200 characters' },
        ],
      },
    });
    expect(await call('POST', '/programmes', operatorKey, JSON.stringify({ ...demoProgrammeDocument, claim_grace_days: -1, term_months: { min: 0, max: 12 } }))).toEqual({
      status: 422,
      body: {
        code: 'INVALID_PROGRAMME',
        message: 'the programme document has problems',
        errors: [
          { field: 'term_months.min', message: 'term_months.min must be a whole number from 1 to 600' },
          { field: 'claim_grace_days', message: 'claim_grace_days must be a whole number from 0 to 3660' },
        ],
      },
    });
    expect(await call('POST', '/participants/ICBC/api-keys/revoke', operatorKey, '{}')).toEqual({
      status: 400,
      body: { code: 'BAD_REVOCATION', message: 'send {"key_id": "<16 hex digits>"} to revoke one key, or {"all": true} to revoke every key of the participant' },
    });
    expect(await call('POST', '/programmes/P1/resume', operatorKey, JSON.stringify({ resumed_on: '2025-02-30' }))).toEqual({ status: 400, body: { code: 'BAD_DATE', message: 'resumed_on: YYYY-MM-DD' } });
  });

  it('a document holding keys named like members of every object is judged like any other, never a 500', async () => {
    // as a client sends it: "__proto__" is then a key like any other
    const body = JSON.stringify({ ...demoProgrammeDocument, extra: { constructor: { prototype: 1 } }, bank_quotas: {} }).replace('"bank_quotas":{}', '"bank_quotas":{"constructor":"1.00","__proto__":"x"}');
    const answer = await call('POST', '/programmes', operatorKey, body);
    expect(answer).toEqual({
      status: 422,
      body: { code: 'INVALID_PROGRAMME', message: 'the programme document has problems', errors: [{ field: 'bank_quotas', message: 'bank_quotas.__proto__ must be yuan as a decimal string, e.g. "1000000.00"' }] },
    });
    expect(await call('POST', '/participants', operatorKey, '{"code": "CCB", "kind": "bank", "name": "CCB", "constructor": {"name": 1}, "__proto__": {"kind": "operator"}}')).toEqual({ status: 201, body: { registered: 1 } });
  });
});
