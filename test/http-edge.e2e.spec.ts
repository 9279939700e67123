import { CLAIM_FIELDS, LOAN_ROW_FIELDS, RECOVERY_FIELDS, REPAYMENT_FIELDS } from '@g2g/domain';
import { eventually } from '@g2g/testing';
import fc from 'fast-check';
import { connect } from 'node:net';
import { BatchFormat, BatchFormatError, parseBatch } from '../apps/intake/src/file-batch/batch-parser';
import { demoProgrammeDocument } from '../libs/domain/src/programme/demo-programme.fixture';
import { VALID_LOAN_ROW } from '../libs/domain/src/loan-row.fixture';
import { DEMO_PARTICIPANTS, TestPlatform } from './support/platform';

// The HTTP edge under random input, over the five service processes: mutated batch files with any
// content type, format, ref and key, and every read endpoint with random parameters. Every answer
// is a success or a documented 4xx, never a 5xx; every accepted row gets exactly one outcome; the
// platform stays up, and a batch filed before is unchanged afterwards.

jest.setTimeout(600_000);
const platform = new TestPlatform();
const P = 'P1';
const DOCUMENTED = new Set([200, 201, 202, 400, 401, 403, 404, 408, 409, 413, 415, 422]);

const SEGMENT_FIELDS: Record<string, readonly string[]> = { batches: LOAN_ROW_FIELDS, repayments: REPAYMENT_FIELDS, claims: CLAIM_FIELDS, recoveries: RECOVERY_FIELDS };
const sampleRow = (segment: string, i: number): Record<string, string> =>
  segment === 'batches'
    ? { ...VALID_LOAN_ROW, region_code: '110105', loan_id: `E-${i}` }
    : segment === 'repayments'
      ? { loan_id: 'BASE-1', amount: '1.00', repaid_on: '2025-07-01' }
      : segment === 'claims'
        ? { loan_id: 'BASE-2', overdue_since: '2025-05-01', claimed_on: '2025-09-01', unpaid_principal: '1500000.00', unpaid_interest: '0' }
        : { loan_id: 'BASE-2', amount: '1.00', recovered_on: '2025-10-01' };
function fileOf(segment: string, format: BatchFormat, rows: number, run: number): Buffer {
  const fields = SEGMENT_FIELDS[segment] ?? LOAN_ROW_FIELDS;
  const data = Array.from({ length: rows }, (_, i) => sampleRow(segment in SEGMENT_FIELDS ? segment : 'batches', run * 100 + i));
  if (format === 'jsonl') return Buffer.from(data.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return Buffer.from([fields.join(','), ...data.map((r) => fields.map((f) => r[f]).join(','))].join('\r\n') + '\r\n');
}

const nasty = fc.oneof(
  fc.constantFrom(...[0x00, 0x0a, 0x0d, 0x22, 0x2c, 0xff, 0xc0, 0xed].map((b) => [b])),
  fc.constantFrom(...['\u0000', '"', ',', '\r\n', '\\u0000', '\\ud800', '{', '张', '\u202e', '\u200b', '9999-12-31', '0000-01-01', '-1', '1e9', '99999999999999999999'].map((t) => [...Buffer.from(t)])),
  fc.uint8Array({ minLength: 1, maxLength: 5 }).map((a) => [...a]),
);
const mutations = fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), kind: fc.constantFrom('insert', 'replace', 'delete'), bytes: nasty, length: fc.integer({ min: 1, max: 30 }) }), { maxLength: 3 });
function mutate(file: Buffer, ms: { at: number; kind: string; bytes: number[]; length: number }[]): Buffer {
  let out = file;
  for (const m of ms) {
    const i = Math.floor(m.at * out.length);
    const b = Buffer.from(m.bytes);
    out = m.kind === 'insert' ? Buffer.concat([out.subarray(0, i), b, out.subarray(i)]) : m.kind === 'replace' ? Buffer.concat([out.subarray(0, i), b, out.subarray(i + b.length)]) : Buffer.concat([out.subarray(0, i), out.subarray(i + m.length)]);
  }
  return out;
}

/** A success, or a documented 4xx that says what was wrong with a code. */
function documented(status: number, body: any): boolean {
  // Node's HTTP parser answers a request line and headers over 16 kB itself, before any route
  if (status === 431) return true;
  if (!DOCUMENTED.has(status)) return false;
  return status < 400 || (typeof body?.code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(body.code));
}

/** Percent-encodes the UTF-8 of any JS string (a lone surrogate becomes U+FFFD, as a browser would send it). */
const enc = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
const value = fc.oneof(
  fc.constantFrom('', '0', '1', '-1', '1e3', '99999999999999999999', '9223372036854775808', '2025-01-01', '2025-13-01', '9999-12-31', 'true', 'null', '[]', '2025-06-30T16:00:00Z', 'x'.repeat(5000)).map(enc),
  fc.string({ maxLength: 20 }).map(enc),
  fc.string({ unit: 'binary', maxLength: 10 }).map(enc),
  fc.constantFrom('%', '%zz', '%ff%fe', '%00', '%2F..%2F', '%E4%B8', '%ED%A0%80'),
);

/** Reads a file as intake would, to know how many rows it must answer for. */
async function rowsIn(bytes: Buffer, format: BatchFormat, fields: readonly string[]): Promise<{ rows: number; error?: string }> {
  let rows = 0;
  async function* one() {
    yield bytes;
  }
  try {
    for await (const _ of parseBatch(one(), format, fields)) rows++;
    return { rows };
  } catch (e) {
    if (e instanceof BatchFormatError) return { rows, error: e.code };
    throw e;
  }
}

async function send(method: string, service: 'intake' | 'underwriting' | 'cession' | 'reporting', path: string, key: string | undefined, body?: Buffer | string, type?: string) {
  const res = await fetch(`${platform.url(service)}${path}`, {
    method,
    headers: { ...(key !== undefined ? { authorization: `Bearer ${key}` } : {}), ...(type ? { 'content-type': type } : {}) },
    body,
  });
  const text = await res.text();
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed };
}

describe('the HTTP edge under random requests (five processes over Kafka)', () => {
  const accepted: { segment: string; ref: string; rows: number; complete: boolean }[] = [];
  let base: { summary: unknown; rows: unknown };

  beforeAll(async () => {
    await platform.start();
    await platform.publish(DEMO_PARTICIPANTS, [{ ...demoProgrammeDocument, id: P }]);
    const rows = [1, 2].map((i) => ({ ...VALID_LOAN_ROW, region_code: '110105', loan_id: `BASE-${i}`, borrower_id: i === 1 ? VALID_LOAN_ROW.borrower_id : '91110105MA00000012' }));
    const csv = [LOAN_ROW_FIELDS.join(','), ...rows.map((r) => LOAN_ROW_FIELDS.map((f) => r[f]).join(','))].join('\n') + '\n';
    expect((await platform.file('ICBC', 'batches', 'base', csv, { programme: P })).status).toBe(202);
    const summary = await platform.complete('ICBC', 'batches', 'base');
    base = { summary, rows: await platform.outcomes('ICBC', 'batches', 'base') };
  }, 180_000);
  afterAll(async () => platform.stop());

  it('answers mutated uploads with a success or a documented 4xx, and the counts it gives are what the file holds', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          segment: fc.constantFrom('batches', 'batches', 'batches', 'repayments', 'claims', 'recoveries', 'nope'),
          format: fc.constantFrom<BatchFormat>('csv', 'jsonl'),
          rows: fc.integer({ min: 0, max: 6 }),
          mutations,
          ref: fc.oneof({ weight: 3, arbitrary: fc.constant('valid') }, { weight: 1, arbitrary: value }),
          formatParam: fc.constantFrom('matching', 'matching', 'matching', 'none', 'csv', 'jsonl', 'xml', ''),
          type: fc.constantFrom('matching', 'matching', 'matching', 'text/csv', 'application/x-ndjson', 'application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain', undefined),
          programme: fc.constantFrom(P, P, P, P, P, 'NOPE', '', undefined),
          key: fc.constantFrom('ICBC', 'ICBC', 'ICBC', 'ICBC', 'ICBC', 'ICBC', 'BOC', 'NFRA', 'none', 'junk'),
        }),
        async (c) => {
          run++;
          const bytes = mutate(fileOf(c.segment, c.format, c.rows, run), c.mutations);
          const ref = c.ref === 'valid' ? `fz-${run}` : c.ref;
          const format = c.formatParam === 'matching' ? `&format=${c.format}` : c.formatParam === 'none' ? '' : `&format=${c.formatParam}`;
          const type = c.type === 'matching' ? (c.format === 'csv' ? 'text/csv' : 'application/x-ndjson') : c.type;
          const programme = c.programme === undefined ? '' : `programme=${c.programme}`;
          const key = c.key === 'none' ? undefined : c.key === 'junk' ? 'g2g_junk' : platform.keys[c.key];
          if (typeof key === 'string' && c.key === 'ICBC') platform.notePersonalData(bytes);
          const res = await send('PUT', 'intake', `/banks/ICBC/${c.segment}/${ref}?${programme}${format}`, key, bytes, type);
          if (!documented(res.status, res.body)) throw new Error(`PUT ${c.segment}/${ref.slice(0, 100)} answered ${res.status} ${String(JSON.stringify(res.body)).slice(0, 300)}`);
          if (res.status === 202 || (res.status === 400 && res.body?.batch)) {
            const effective = (c.formatParam === 'csv' || c.formatParam === 'jsonl' ? c.formatParam : c.formatParam === 'matching' ? c.format : type === 'text/csv' ? 'csv' : 'jsonl') as BatchFormat;
            const expected = await rowsIn(bytes, effective, SEGMENT_FIELDS[c.segment]);
            const summary = res.status === 202 ? res.body : res.body.batch;
            expect(summary.rows).toBe(expected.rows);
            if (res.status === 400) expect(res.body.code).toBe(expected.error);
            accepted.push({ segment: c.segment, ref, rows: expected.rows, complete: res.status === 202 });
          }
        },
      ),
      { numRuns: 1_200 },
    );
    expect(accepted.length).toBeGreaterThan(100);
  });

  it('gives every row of every accepted upload exactly one outcome', async () => {
    for (const a of accepted) {
      let summary: any;
      await eventually(async () => {
        summary = (await send('GET', 'intake', `/banks/ICBC/${a.segment}/${a.ref}`, platform.keys.ICBC)).body;
        return summary.pending === 0;
      }, 90_000, `${a.segment} ${a.ref} decided`);
      expect(summary.rows).toBe(a.rows);
      expect(summary.complete).toBe(a.complete);
      const { body } = await send('GET', 'intake', `/banks/ICBC/${a.segment}/${a.ref}/rows?limit=10000`, platform.keys.ICBC);
      expect(body.rows.map((r: any) => r.row)).toEqual(Array.from({ length: a.rows }, (_, i) => i + 1));
      for (const r of body.rows) expect(['invalid', 'approved', 'rejected', 'accepted']).toContain(r.outcome);
    }
  });

  it('answers every read with random parameters with a success or a documented 4xx', async () => {
    const templates: [typeof send extends (m: string, s: infer S, ...r: any[]) => any ? S : never, (v: string[]) => string][] = [
      ['intake', (v) => `/banks/ICBC/batches/${v[0]}`],
      ['intake', (v) => `/banks/${v[0]}/${v[1]}/base`],
      ['intake', (v) => `/banks/ICBC/batches/base/rows?after=${v[0]}&limit=${v[1]}`],
      ['intake', (v) => `/banks/ICBC/claims/${v[0]}/rows?after=${v[1]}`],
      ['reporting', (v) => `/figures?from=${v[0]}&to=${v[1]}&as_of=${v[2]}`],
      ['reporting', (v) => `/figures?from=2025-01-01&to=2025-12-31&programme=${v[0]}&bank=${v[1]}&fund_backed=${v[2]}&guarantor=${v[3]}&reguarantor=${v[0]}&province=${v[1]}&industry_section=${v[2]}&borrower_type=${v[3]}`],
      ['reporting', (v) => `/feed?after=${v[0]}&limit=${v[1]}`],
      ['reporting', (v) => `/loans/${v[0]}/${v[1]}/history`],
      ['reporting', (v) => `/audit-trail?after=${v[0]}&limit=${v[1]}&action=${v[2]}&from=${v[3]}&to=${v[0]}&order=${v[1]}`],
      ['cession', (v) => `/statements/${v[0]}/${v[1]}`],
      ['underwriting', (v) => `/programmes/${v[0]}`],
      ['underwriting', (v) => `/programmes/${v[0]}/status`],
      ['underwriting', (v) => `/participants/${v[0]}/api-keys`],
    ];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: templates.length - 1 }), fc.array(value, { minLength: 4, maxLength: 4 }), fc.constantFrom('NFRA', 'ICBC', 'BJ-REG', 'operator', 'none'), async (t, v, who) => {
        const [service, path] = templates[t];
        const key = who === 'none' ? undefined : who === 'operator' ? platform.operatorKey : platform.keys[who];
        const res = await send('GET', service, path(v), key);
        if (!documented(res.status, res.body)) throw new Error(`GET ${path(v).slice(0, 300)} answered ${res.status} ${String(JSON.stringify(res.body)).slice(0, 300)}`);
      }),
      { numRuns: 4_500 },
    );
  });

  it('answers random operator documents with a success or a documented 4xx', async () => {
    const doc = fc.oneof(
      fc.json().map((j) => j),
      fc.record({ field: fc.constantFrom(...Object.keys(demoProgrammeDocument)), v: fc.jsonValue() }).map(({ field, v }) => JSON.stringify({ ...demoProgrammeDocument, id: 'FZ', [field]: v })),
      fc.string().map((s) => s),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/programmes', '/participants', '/programmes/P1/resume'), doc, fc.constantFrom('application/json', 'text/plain'), async (path, body, type) => {
        const res = await send('POST', 'underwriting', path, platform.operatorKey, body, type);
        if (!documented(res.status, res.body)) throw new Error(`POST ${path} ${type} ${body.slice(0, 200)} answered ${res.status} ${String(JSON.stringify(res.body)).slice(0, 300)}`);
      }),
      { numRuns: 600 },
    );
  });

  it('answers what a client gets wrong below and around the routes with a code, in every service', async () => {
    const icbc = platform.keys.ICBC;
    const ok = `/banks/ICBC/batches/base`;
    // the bearer scheme in any case
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      const res = await fetch(`${platform.url('intake')}${ok}`, { headers: { authorization: `${scheme} ${icbc}` } });
      expect([scheme, res.status]).toEqual([scheme, 200]);
    }
    expect((await send('GET', 'intake', ok, 'not-a-key')).body.code).toBe('UNKNOWN_API_KEY');

    // a body in an encoding the platform does not decode
    for (const [service, method, path] of [
      ['intake', 'PUT', `/banks/ICBC/repayments/gz?format=csv`],
      ['underwriting', 'POST', '/programmes'],
    ] as const) {
      const res = await fetch(`${platform.url(service)}${path}`, {
        method,
        headers: { authorization: `Bearer ${service === 'intake' ? icbc : platform.operatorKey}`, 'content-type': 'text/csv', 'content-encoding': 'gzip' },
        body: 'loan_id,amount,repaid_on\n',
      });
      expect([service, res.status, ((await res.json()) as { code: string }).code]).toEqual([service, 415, 'UNSUPPORTED_ENCODING']);
    }
    expect((await send('GET', 'intake', '/banks/ICBC/repayments/gz', icbc)).status).toBe(404); // nothing filed

    // a query parameter given twice, in any service
    for (const [service, path, key] of [
      ['reporting', '/figures?from=2025-01-01&to=2025-12-31&programme=P1&programme=P1', platform.keys.NFRA],
      ['intake', '/banks/ICBC/batches/base/rows?limit=10&limit=10', icbc],
      ['cession', '/statements/BJ-REG/2025-03?x=1&x=2', platform.keys['BJ-REG']],
    ] as const) {
      const res = await send('GET', service, path, key);
      expect([service, res.status, res.body.code]).toEqual([service, 400, 'REPEATED_PARAMETER']);
    }

    // what Node's parser refuses: JSON with a code, then the connection closed
    const raw = (bytes: string) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        const { hostname, port } = new URL(platform.url('intake'));
        const socket = connect(Number(port), hostname, () => socket.end(bytes));
        let text = '';
        socket.on('data', (d) => (text += d));
        socket.on('error', reject);
        socket.on('close', () => {
          const [head, body] = text.split('\r\n\r\n');
          resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), body: body ? JSON.parse(body) : undefined });
        });
      });
    expect(await raw('NOT HTTP AT ALL\r\n\r\n')).toMatchObject({ status: 400, body: { code: 'BAD_HTTP' } });
    expect(await raw(`GET /health/live HTTP/1.1\r\nHost: x\r\nX-Long: ${'a'.repeat(20_000)}\r\n\r\n`)).toMatchObject({ status: 431, body: { code: 'HEADERS_TOO_LARGE' } });
    const cut = `PUT /banks/ICBC/repayments/cut HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${icbc}\r\nContent-Type: text/csv\r\nContent-Length: 1000\r\n\r\nloan_id,amount,repaid_on\n`;
    expect(await raw(cut)).toMatchObject({ status: 400, body: { code: 'INCOMPLETE_BODY' } });

    // a programme whose bank quotas name a code that is no registered bank
    const quotas = await send('POST', 'underwriting', '/programmes', platform.operatorKey, JSON.stringify({ ...demoProgrammeDocument, id: 'QUOTAS', bank_quotas: { ICBC: '1000000.00', GHOST: '1.00' } }), 'application/json');
    expect(quotas.status).toBe(422);
    expect(quotas.body).toMatchObject({ code: 'INVALID_PROGRAMME', errors: [{ field: 'bank_quotas.GHOST' }] });
    expect((await send('GET', 'underwriting', '/programmes/QUOTAS', platform.operatorKey)).status).toBe(404);
  });

  it('is still up, and the batch filed before is as it was', async () => {
    for (const s of ['intake', 'underwriting', 'cession', 'reporting'] as const) expect((await send('GET', s, '/health/ready', undefined)).status).toBe(200);
    expect(await platform.complete('ICBC', 'batches', 'base')).toEqual(base.summary);
    expect(await platform.outcomes('ICBC', 'batches', 'base')).toEqual(base.rows);
  });

  it('writes no borrower identifier or name into any log line', async () => {
    expect(await platform.personalDataInLogs()).toEqual([]);
  });
});
