import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchSummary, RowResult, walkRows, writeRowsAsJson } from './batch/batch-api';
import { formatFromExtension, waitForBatch } from './batch/submit';
import { COMMANDS, findCommand, run } from './cli';
import { credentialsPath, resolveKey, saveCredentials, serviceUrl } from './config';
import { figureRows, figuresQuery, kindOf, renderFigures } from './figures/figures';
import { ApiClient, ApiError, buildUrl } from './http';
import { Call, fakeFetch, fakeIo, pagedRows } from './test-fakes';
import { Options, UsageError, parseArgs } from './args';

const summary = (over: Partial<BatchSummary> = {}): BatchSummary => ({
  bank: 'ICBC',
  batchRef: 'B-1',
  programme: 'NFGF-G2G-BJ-2025',
  rows: 3,
  invalid: 1,
  approved: 1,
  rejected: 1,
  pending: 0,
  complete: true,
  ...over,
});

const threeRows: RowResult[] = [
  { row: 1, loan_id: 'L1', outcome: 'approved', codes: [] },
  { row: 2, loan_id: 'L2', outcome: 'rejected', codes: ['INDUSTRY', 'TERM'] },
  { row: 3, loan_id: 'L3', outcome: 'invalid', codes: ['BAD_CHECK_CHARACTER'], errors: [{ code: 'BAD_CHECK_CHARACTER', field: 'borrower_id', message: 'check character should be 3' }] },
];

describe('configuration', () => {
  it('picks each service URL: --url, then its own variable, then G2G_URL, then the default', () => {
    expect(serviceUrl('intake', {})).toBe('http://127.0.0.1:8080');
    expect(serviceUrl('intake', { G2G_URL: 'http://h:9/' })).toBe('http://h:9');
    expect(serviceUrl('intake', { G2G_URL: 'http://h:9', G2G_INTAKE_URL: 'http://h:8081' })).toBe('http://h:8081');
    expect(serviceUrl('reporting', { G2G_INTAKE_URL: 'http://h:8081' })).toBe('http://127.0.0.1:8080');
    expect(serviceUrl('reporting', { G2G_REPORTING_URL: 'http://h:8085' }, 'http://x:1')).toBe('http://x:1');
    expect(() => serviceUrl('intake', {}, 'localhost:8080')).toThrow('not an http(s) URL');
  });

  it('keeps the keys of each platform in a file of their own: the embedded one and a distributed one never overwrite each other', () => {
    const cwd = '/home/bank';
    expect(credentialsPath({}, cwd)).toBe('/home/bank/.g2g/credentials.json');
    expect(credentialsPath({ G2G_URL: 'http://127.0.0.1:8080/' }, cwd)).toBe('/home/bank/.g2g/credentials.json');
    const distributed = { G2G_INTAKE_URL: 'http://127.0.0.1:8081', G2G_UNDERWRITING_URL: 'http://127.0.0.1:8082' };
    expect(credentialsPath(distributed, cwd)).toBe('/home/bank/.g2g/credentials/127.0.0.1_8082.json');
    expect(credentialsPath({ G2G_URL: 'https://g2g.example.cn' }, cwd)).toBe('/home/bank/.g2g/credentials/g2g.example.cn.json');
    // --url names the one server to talk to
    expect(credentialsPath(distributed, cwd, 'http://127.0.0.1:8080')).toBe('/home/bank/.g2g/credentials.json');
    // G2G_CREDENTIALS wins over all of it
    expect(credentialsPath({ ...distributed, G2G_CREDENTIALS: 'keys.json' }, cwd)).toBe('/home/bank/keys.json');
  });

  it('resolves the key: --key, --as, G2G_API_KEY, then the command default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'g2g-cli-'));
    try {
      saveCredentials(join(dir, '.g2g/credentials.json'), { ICBC: 'k-icbc', NFRA: 'k-nfra' });
      expect(statSync(join(dir, '.g2g/credentials.json')).mode & 0o777).toBe(0o600);
      saveCredentials(join(dir, '.g2g/credentials.json'), { BOC: 'k-boc' });
      writeFileSync(join(dir, '.g2g/operator-key'), 'k-op\n');
      const s = (over: object = {}) => ({ env: {}, cwd: dir, ...over });
      expect(resolveKey(s({ keyFlag: 'k-flag', asFlag: 'ICBC' }), { kind: 'operator' })).toBe('k-flag');
      expect(resolveKey(s({ asFlag: 'NFRA', env: { G2G_API_KEY: 'k-env' } }), { kind: 'operator' })).toBe('k-nfra');
      expect(resolveKey(s({ env: { G2G_API_KEY: 'k-env' } }), { kind: 'operator' })).toBe('k-env');
      expect(resolveKey(s(), { kind: 'operator' })).toBe('k-op');
      expect(resolveKey(s({ env: { G2G_OPERATOR_KEY: 'k-op-env' } }), { kind: 'operator' })).toBe('k-op-env');
      expect(resolveKey(s(), { kind: 'participant', code: 'BOC' })).toBe('k-boc');
      expect(resolveKey(s(), { kind: 'participant', code: 'ICBC' })).toBe('k-icbc');
      expect(() => resolveKey(s(), { kind: 'participant', code: 'CCB' })).toThrow('no API key for CCB');
      expect(resolveKey(s(), { kind: 'participant-or-operator', code: 'BJ-REG' })).toBe('k-op');
      expect(() => resolveKey(s({ asFlag: 'CCB' }), { kind: 'operator' })).toThrow('no key for CCB');
      expect(() => resolveKey(s({ asFlag: 'ICBC', env: { G2G_CREDENTIALS: join(dir, 'other.json') } }), { kind: 'operator' })).toThrow('no key for ICBC');
      // a command read by its caller (a feed) never falls back to the operator key
      expect(resolveKey(s({ asFlag: 'NFRA' }), { kind: 'caller', hint: 'say who' })).toBe('k-nfra');
      expect(() => resolveKey(s(), { kind: 'caller', hint: 'say who you are' })).toThrow('say who you are');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('http client', () => {
  it('builds URLs with escaped query parameters, leaving undefined ones out', () => {
    expect(buildUrl('http://h:1/', '/figures', { from: '2025-01-01', bank: undefined, fund_backed: true })).toBe('http://h:1/figures?from=2025-01-01&fund_backed=true');
    expect(buildUrl('http://h:1', 'x', { q: 'a b&c' })).toBe('http://h:1/x?q=a+b%26c');
  });

  it('sends the bearer key and turns {code, message} into an ApiError', async () => {
    const calls: Call[] = [];
    const client = new ApiClient('http://h', 'g2g_secret', fakeFetch({ 'POST /programmes': () => ({ status: 422, body: { code: 'PROGRAMME_INVALID', message: 'bad', errors: [{ field: 'shares', message: 'sum 90' }] } }) }, calls));
    const error = await client.post('/programmes', { id: 'P' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, code: 'PROGRAMME_INVALID', message: 'bad' });
    expect((error as ApiError).errors).toEqual([{ field: 'shares', message: 'sum 90' }]);
    expect(calls[0].headers.authorization).toBe('Bearer g2g_secret');
    expect(calls[0].headers['content-type']).toBe('application/json');
    expect(JSON.parse(calls[0].body!)).toEqual({ id: 'P' });
  });

  it('reports a server that cannot be reached', async () => {
    const client = new ApiClient('http://127.0.0.1:1', undefined, async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    });
    await expect(client.get('/health/live')).rejects.toThrow('cannot reach http://127.0.0.1:1 (ECONNREFUSED); is the platform running?');
  });
});

describe('batch rows', () => {
  it('walks every page, passing the previous next as after', async () => {
    const calls: Call[] = [];
    const client = new ApiClient('http://h', 'k', fakeFetch({ 'GET /banks/ICBC/batches/B-1/rows': pagedRows(threeRows) }, calls));
    const pages: RowResult[][] = [];
    for await (const page of walkRows(client, { kind: 'loans', bank: 'ICBC', batchRef: 'B-1' }, 2)) pages.push(page);
    expect(pages.map((p) => p.map((r) => r.row))).toEqual([[1, 2], [3]]);
    expect(calls.map((c) => new URL(c.url).search)).toEqual(['?after=0&limit=2', '?after=2&limit=2']);
  });

  it('escapes bank and batch reference in the path', async () => {
    const calls: Call[] = [];
    const client = new ApiClient('http://h', 'k', fakeFetch({}, calls));
    await expect(walkRows(client, { kind: 'loans', bank: 'ICBC', batchRef: 'a/b c' }, 10).next()).rejects.toThrow(ApiError);
    expect(new URL(calls[0].url).pathname).toBe('/banks/ICBC/batches/a%2Fb%20c/rows');
  });

  it('stops on a cursor that does not advance', async () => {
    const client = new ApiClient('http://h', 'k', fakeFetch({ 'GET /banks/ICBC/batches/B/rows': () => ({ status: 200, body: { rows: [threeRows[0]], next: 0 } }) }));
    const walk = async () => {
      for await (const _ of walkRows(client, { kind: 'loans', bank: 'ICBC', batchRef: 'B' })) void _;
    };
    await expect(walk()).rejects.toThrow('did not advance');
  });

  it('writes rows as one JSON array of {row, loan_id, outcome, codes}', async () => {
    let text = '';
    async function* pages() {
      yield threeRows.slice(0, 2);
      yield threeRows.slice(2);
    }
    const count = await writeRowsAsJson(pages(), async (t) => {
      text += t;
    });
    expect(count).toBe(3);
    expect(JSON.parse(text)).toEqual(threeRows.map(({ row, loan_id, outcome, codes }) => ({ row, loan_id, outcome, codes })));
    let empty = '';
    await writeRowsAsJson((async function* () {})(), async (t) => {
      empty += t;
    });
    expect(JSON.parse(empty)).toEqual([]);
  });

  it('polls until complete, reporting progress each time', async () => {
    const seen: number[] = [];
    const answers = [summary({ pending: 2, complete: false }), summary({ pending: 0, complete: true })];
    const sleeps: number[] = [];
    const final = await waitForBatch(summary({ pending: 3, complete: false }), async () => answers.shift()!, {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      onProgress: (s) => seen.push(s.pending),
    });
    expect(final.complete).toBe(true);
    expect(seen).toEqual([3, 2, 0]);
    expect(sleeps).toEqual([250, 250]);
  });

  it('gives up after the timeout', async () => {
    let now = 0;
    const pending = summary({ pending: 3, complete: false });
    await expect(
      waitForBatch(pending, async () => pending, {
        sleep: async (ms) => {
          now += ms;
        },
        timeoutMs: 1000,
        now: () => now,
      }),
    ).rejects.toThrow('gave up waiting after 1 s: 0 of 3 rows decided');
  });

  it('tells the format from the extension', () => {
    expect(formatFromExtension('a/b.CSV')).toBe('csv');
    expect(formatFromExtension('b.jsonl')).toBe('jsonl');
    expect(formatFromExtension('b.ndjson')).toBe('jsonl');
    expect(formatFromExtension('b.txt')).toBeNull();
  });
});

describe('figures', () => {
  const opts = (argv: string[]) => {
    const { words, flags } = parseArgs(argv);
    return new Options(flags, words);
  };

  it('turns slice flags into query parameters', () => {
    const q = figuresQuery({ opts: opts(['--from', '2025-01-01', '--to', '2025-03-31', '--fund-backed', 'true', '--industry-section', 'C', '--borrower-type', 'farmer', '--list', 'BJ-SPEC']) });
    expect(q).toEqual({ from: '2025-01-01', to: '2025-03-31', fund_backed: 'true', industry_section: 'C', borrower_type: 'farmer', list: 'BJ-SPEC' });
    expect(() => figuresQuery({ opts: opts(['--from', '2025-01-01', '--to', '2025-03-31', '--fund-backed', 'yes']) })).toThrow('--fund-backed must be one of true, false');
    expect(() => figuresQuery({ opts: opts(['--from', '2025-04-01', '--to', '2025-03-31']) })).toThrow('is after');
    expect(() => figuresQuery({ opts: opts(['--to', '2025-03-31']) })).toThrow('--from is required');
  });

  it('reads each figure by its name', () => {
    expect(kindOf(['new_guarantees', 'principal'])).toBe('yuan');
    expect(kindOf(['new_guarantees', 'count'])).toBe('count');
    expect(kindOf(['inclusive_share'])).toBe('share');
    expect(kindOf(['average_interest_rate_pct'])).toBe('percent');
    expect(kindOf(['compensation', 'rate'])).toBe('percent');
    expect(kindOf(['leverage', 'BJ-GUOHUA'])).toBe('multiple');
    expect(kindOf(['reguarantee_fees', 'RATE-SHARE'])).toBe('yuan');
  });

  it('a regulator reads a year with claims: new business, what left the books, and the positions at the end, grouped', () => {
    // The shape GET /figures answers (apps/reporting/src/figures-api/figures.ts).
    const figures = {
      period: { from: '2025-01-01', to: '2025-12-31' },
      as_of: null,
      slice: { bank: 'ICBC' },
      new_guarantees: { count: 1234, principal: '1500000000.00' },
      outstanding_balance: '1200000000.00',
      borrowers_served: 1100,
      share_at_most_5m_per_borrower: '0.9312345678',
      inclusive_share: '0.912345',
      fund_backed_share: '1.0000000000',
      sci_tech: { borrowers: 61, principal: '98765432.10' },
      average_guarantee_fee_rate_pct: '0.7500000000',
      average_interest_rate_pct: '4.9712345678',
      guarantee_fees: '12345678.90',
      reguarantee_fees: { 'BJ-REG': '12345.67', NFGF: '2345.6' },
      released: { count: 12, principal: '15000000.00' },
      compensation: { count: 2, amount: '1600000.00', rate_pct: '10.6666666667' },
      support: { 'BJ-REG': '400000.00', NFGF: '400000.00' },
      recoveries: {},
      risk_borne: { 'BJ-GUOHUA': '480000000.00', ICBC: '240000000.00' },
      leverage: { 'BJ-GUOHUA': '0.6', 'SD-GUAR': null },
      lending_days: 365,
    };
    const text = renderFigures(figures, { from: '2025-01-01', to: '2025-12-31', bank: 'ICBC' });
    expect(text).toContain('figures for 2025-01-01 to 2025-12-31 (bank=ICBC)\n');
    expect(text).not.toContain('as the platform knew them');
    expect(text).toMatch(/^issued in the period\n  new guarantees\n    count +1,234\n    principal +1,500,000,000.00\n/m);
    expect(text).toMatch(/  borrowers served +1,100/);
    expect(text).toMatch(/  share <= 5 m per borrower +93.12%/);
    expect(text).toMatch(/  inclusive share +91.23%/);
    expect(text).toMatch(/  average guarantee fee rate +0.75%/);
    expect(text).toMatch(/    NFGF +2,345.60/);
    expect(text).toMatch(/^released, claimed and recovered in the period\n  released \(repaid to zero or claimed\)\n    count +12\n    original principal +15,000,000.00\n/m);
    expect(text).toMatch(/  compensation \(claims paid\)\n    count +2\n    amount +1,600,000.00\n    rate, of released principal +10.6667%\n/);
    expect(text).toMatch(/  support paid, by re-guarantor and Fund\n    BJ-REG +400,000.00\n    NFGF +400,000.00\n/);
    expect(text).toMatch(/  recoveries, by party +-\n/);
    expect(text).toMatch(/^at the end of 2025-12-31\n  outstanding balance +1,200,000,000.00\n  risk borne, by party\n    BJ-GUOHUA +480,000,000.00\n/m);
    expect(text).toMatch(/    BJ-GUOHUA +0.60x\n    SD-GUAR +n\/a\n/);
    // a figure the client does not know yet is still shown, last
    expect(text).toMatch(/^other figures\n  lending days +365\n$/m);
    expect(text).not.toMatch(/^ *(period|slice|as of|from|to)\b/m);
    expect(figureRows({ a: [1, 2] })).toEqual([['a', ''], ['  0', '1'], ['  1', '2']]);
  });

  it('figures as the platform knew them at a past time: --as-of goes to the server and into the heading', () => {
    const q = figuresQuery({ opts: opts(['--from', '2025-01-01', '--to', '2025-06-30', '--as-of', '2025-07-01T00:00+08:00']) });
    expect(q).toEqual({ from: '2025-01-01', to: '2025-06-30', as_of: '2025-07-01T00:00+08:00' });
    const text = renderFigures({ as_of: '2025-06-30T16:00:00.000Z', new_guarantees: { count: 1, principal: '1.00' } }, q);
    expect(text).toMatch(/^figures for 2025-01-01 to 2025-06-30 \(everything\)\nas the platform knew them at 2025-06-30T16:00:00.000Z\n/);
    expect(figuresQuery({ opts: opts(['--from', '2025-01-01', '--to', '2025-06-30', '--as-of', '2025-06-30T16:00:00.123Z']) }).as_of).toBe('2025-06-30T16:00:00.123Z');
  });

  it('an --as-of without a zone, or not a time at all, is a usage mistake', () => {
    const asOf = (value: string) => () => figuresQuery({ opts: opts(['--from', '2025-01-01', '--to', '2025-06-30', '--as-of', value]) });
    expect(asOf('2025-06-30T16:00:00')).toThrow('--as-of must be an ISO 8601 time with its zone');
    expect(asOf('2025-06-30')).toThrow(UsageError);
    expect(asOf('yesterday')).toThrow(UsageError);
    expect(asOf('2025-13-45T99:00Z')).toThrow(UsageError);
  });
});

describe('run', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'g2g-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds commands by their words', () => {
    expect(findCommand(['batch', 'submit', 'x'])?.command.name).toBe('batch submit');
    expect(findCommand(['batch', 'submit', 'x'])?.rest).toEqual(['x']);
    expect(findCommand(['batch'])).toBeNull();
  });

  it('prints help, general and per command, and exits 0', async () => {
    const io = fakeIo();
    expect(await run(['help'], io)).toBe(0);
    expect(io.stdout()).toContain('batch submit');
    const io2 = fakeIo();
    expect(await run(['batch', 'submit', '--help'], io2)).toBe(0);
    expect(io2.stdout()).toContain('Usage: g2g batch submit FILE');
    const io3 = fakeIo();
    expect(await run(['help', 'figures'], io3)).toBe(0);
    expect(io3.stdout()).toContain('--fund-backed true|false');
    const io4 = fakeIo();
    expect(await run([], io4)).toBe(0);
    expect(io4.stdout()).toContain('Commands:');
  });

  it('help is complete: every command is listed, and its own help starts with its usage', async () => {
    const io = fakeIo();
    expect(await run(['help'], io)).toBe(0);
    for (const command of COMMANDS) {
      expect(io.stdout()).toMatch(new RegExp(`\\n  ${command.name} +\\S`));
      const one = fakeIo();
      expect(await run(['help', ...command.name.split(' ')], one)).toBe(0);
      expect(one.stdout()).toMatch(new RegExp(`^Usage: g2g ${command.name}( |$)`, 'm'));
      for (const flag of command.flags) expect(one.stdout()).toContain(`--${flag}`);
    }
    for (const name of ['repayments submit', 'claims results', 'recoveries submit', 'programmes resume', 'programmes status', 'feed', 'history', 'audit', 'rebuild', 'keys list', 'keys revoke', 'audit-trail']) {
      expect(COMMANDS.map((c) => c.name)).toContain(name);
    }
  });

  it('exits 2 with a clear message on usage errors', async () => {
    const io = fakeIo();
    expect(await run(['batch'], io)).toBe(2);
    expect(io.stderr()).toContain('did you mean "g2g batch submit" or "g2g batch results"');
    const io2 = fakeIo();
    expect(await run(['figures', '--from', '2025-01-01'], io2)).toBe(2);
    expect(io2.stderr()).toContain('g2g figures: --to is required');
    const io3 = fakeIo();
    expect(await run(['generate', '--rows', '5', '--bank', 'X', '--out', 'x.csv', '--colour', 'red'], io3)).toBe(2);
    expect(io3.stderr()).toContain('unknown option --colour');
    const io4 = fakeIo();
    expect(await run(['frobnicate'], io4)).toBe(2);
  });

  it('prints the server code and message and exits 1 on an API error', async () => {
    writeFileSync(join(dir, 'p.json'), JSON.stringify({ id: 'P', effective_from: '2025-01-01' }));
    const io = fakeIo({
      cwd: dir,
      env: { G2G_OPERATOR_KEY: 'op' },
      fetch: fakeFetch({ 'POST /programmes': () => ({ status: 422, body: { code: 'PROGRAMME_INVALID', message: 'the programme has problems', errors: [{ field: 'parties', message: 'shares sum to 90' }] } }) }),
    });
    expect(await run(['programmes', 'publish', 'p.json'], io)).toBe(1);
    expect(io.stderr()).toBe('g2g programmes publish: the platform answered 422 PROGRAMME_INVALID: the programme has problems\n  - parties: shares sum to 90\n');
  });

  it('batch submit: uploads the file as the body, waits, and prints rows as JSON', async () => {
    const file = join(dir, 'b.csv');
    writeFileSync(file, 'loan_id,principal\nL1,1.00\n');
    writeFileSync(join(dir, 'creds.json'), JSON.stringify({ ICBC: 'k-icbc' }));
    const calls: Call[] = [];
    let polls = 0;
    const io = fakeIo({
      cwd: dir,
      env: { G2G_CREDENTIALS: 'creds.json', G2G_INTAKE_URL: 'http://intake:8081' },
      fetch: fakeFetch(
        {
          'PUT /banks/ICBC/batches/B-1': () => ({ status: 202, body: summary({ pending: 3, approved: 0, rejected: 0, invalid: 0, complete: false }) }),
          'GET /banks/ICBC/batches/B-1': () => ({ status: 200, body: ++polls < 2 ? summary({ pending: 1, complete: false }) : summary() }),
          'GET /banks/ICBC/batches/B-1/rows': pagedRows(threeRows),
        },
        calls,
      ),
    });
    expect(await run(['batch', 'submit', 'b.csv', '--bank', 'ICBC', '--programme', 'NFGF-G2G-BJ-2025', '--ref', 'B-1', '--json'], io)).toBe(0);
    const put = calls[0];
    expect(put.method).toBe('PUT');
    expect(put.url).toBe('http://intake:8081/banks/ICBC/batches/B-1?programme=NFGF-G2G-BJ-2025&format=csv');
    expect(put.headers['content-type']).toBe('text/csv');
    expect(put.headers.authorization).toBe('Bearer k-icbc');
    expect(put.body).toBe(readFileSync(file, 'utf8'));
    expect(polls).toBe(2);
    expect(JSON.parse(io.stdout())).toEqual(threeRows.map(({ row, loan_id, outcome, codes }) => ({ row, loan_id, outcome, codes })));
  });

  it('batch submit: a conflict is an error with the server message', async () => {
    writeFileSync(join(dir, 'b.jsonl'), '{}\n');
    const io = fakeIo({
      cwd: dir,
      env: { G2G_API_KEY: 'k' },
      fetch: fakeFetch({ 'PUT /banks/ICBC/batches/B-1': () => ({ status: 409, body: { code: 'BATCH_CONFLICT', message: 'ICBC/B-1 was filed with other content' } }) }),
    });
    expect(await run(['batch', 'submit', join(dir, 'b.jsonl'), '--bank', 'ICBC', '--programme', 'P', '--ref', 'B-1'], io)).toBe(1);
    expect(io.stderr()).toContain('409 BATCH_CONFLICT: ICBC/B-1 was filed with other content');
  });

  it('batch submit --no-wait prints the summary, with the first result on a resubmission', async () => {
    writeFileSync(join(dir, 'b.csv'), 'x\n');
    const io = fakeIo({ cwd: dir, env: { G2G_API_KEY: 'k' }, fetch: fakeFetch({ 'PUT /banks/ICBC/batches/B-1': () => ({ status: 200, body: summary() }) }) });
    expect(await run(['batch', 'submit', 'b.csv', '--bank', 'ICBC', '--programme', 'P', '--ref', 'B-1', '--no-wait'], io)).toBe(0);
    expect(io.stdout()).toContain('batch ICBC/B-1 in programme NFGF-G2G-BJ-2025 (already submitted with the same content: first result)');
    expect(io.stdout()).toMatch(/approved +1/);
  });

  it('batch submit draws progress on a terminal', async () => {
    writeFileSync(join(dir, 'b.csv'), 'x\n');
    let polls = 0;
    const io = fakeIo({
      cwd: dir,
      errIsTty: true,
      env: { G2G_API_KEY: 'k' },
      fetch: fakeFetch({
        'PUT /banks/ICBC/batches/B-1': () => ({ status: 202, body: summary({ rows: 4, pending: 4, complete: false }) }),
        'GET /banks/ICBC/batches/B-1': () => ({ status: 200, body: ++polls < 2 ? summary({ rows: 4, pending: 2, complete: false }) : summary({ rows: 4, pending: 0 }) }),
      }),
    });
    expect(await run(['batch', 'submit', 'b.csv', '--bank', 'ICBC', '--programme', 'P', '--ref', 'B-1'], io)).toBe(0);
    expect(io.stderr()).toContain('\r[---------------');
    expect(io.stderr()).toContain('2/4 rows decided  50%');
    expect(io.stderr()).toContain('4/4 rows decided 100%\n');
  });

  it('batch results lists counts and the invalid and rejected rows', async () => {
    const io = fakeIo({
      env: { G2G_API_KEY: 'k' },
      fetch: fakeFetch({ 'GET /banks/ICBC/batches/B-1': () => ({ status: 200, body: summary() }), 'GET /banks/ICBC/batches/B-1/rows': pagedRows(threeRows) }),
    });
    expect(await run(['batch', 'results', '--bank', 'ICBC', '--ref', 'B-1'], io)).toBe(0);
    const out = io.stdout();
    expect(out).toContain('invalid and rejected rows (2):');
    expect(out).toMatch(/2 +L2 +rejected +INDUSTRY, TERM/);
    expect(out).toMatch(/3 +L3 +invalid +BAD_CHECK_CHARACTER +borrower_id: check character should be 3/);
    expect(out).not.toMatch(/L1/);
  });

  it('keys issue --save stores the key in the credentials file, and shows its key id', async () => {
    const io = fakeIo({
      cwd: dir,
      env: { G2G_OPERATOR_KEY: 'op' },
      fetch: fakeFetch({ 'POST /participants/ICBC/api-keys': () => ({ status: 201, body: { participant: 'ICBC', key: 'g2g_new', key_id: '0123456789abcdef' } }) }),
    });
    expect(await run(['keys', 'issue', 'ICBC', '--save'], io)).toBe(0);
    expect(io.stdout()).toContain('key for ICBC: g2g_new\nkey id: 0123456789abcdef\n');
    expect(JSON.parse(readFileSync(join(dir, '.g2g/credentials.json'), 'utf8'))).toEqual({ ICBC: 'g2g_new' });
  });

  it('demo load publishes participants and programme, then saves a key for each participant', async () => {
    const calls: Call[] = [];
    let n = 0;
    const io = fakeIo({
      cwd: dir,
      env: { G2G_OPERATOR_KEY: 'op', G2G_UNDERWRITING_URL: 'http://uw:8082' },
      fetch: fakeFetch(
        {
          'POST /participants': (c) => ({ status: 201, body: { registered: (JSON.parse(c.body!) as unknown[]).length } }),
          'POST /programmes': () => ({ status: 201, body: { programme: 'NFGF-G2G-BJ-2025', effective_from: '2025-01-01' } }),
          ...Object.fromEntries(
            ['ICBC', 'BOC', 'BJ-GUOHUA', 'BJ-REG', 'NFGF', 'NFRA'].map((code) => [`POST /participants/${code}/api-keys`, () => ({ status: 201, body: { participant: code, key: `g2g_${++n}` } })]),
          ),
        },
        calls,
      ),
    });
    expect(await run(['demo', 'load'], io)).toBe(0);
    expect(calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual([
      'POST /participants',
      'POST /programmes',
      'POST /participants/ICBC/api-keys',
      'POST /participants/BOC/api-keys',
      'POST /participants/BJ-GUOHUA/api-keys',
      'POST /participants/BJ-REG/api-keys',
      'POST /participants/NFGF/api-keys',
      'POST /participants/NFRA/api-keys',
    ]);
    expect(calls.every((c) => c.url.startsWith('http://uw:8082/') && c.headers.authorization === 'Bearer op')).toBe(true);
    const programme = JSON.parse(calls[1].body!);
    expect(programme.id).toBe('NFGF-G2G-BJ-2025');
    expect(programme.parties.map((p: { share_pct: string }) => p.share_pct)).toEqual(['20', '40', '20', '20']);
    // a platform other than the embedded default: its keys in a file of its own
    const creds = JSON.parse(readFileSync(join(dir, '.g2g/credentials/uw_8082.json'), 'utf8'));
    expect(Object.keys(creds)).toEqual(['ICBC', 'BOC', 'BJ-GUOHUA', 'BJ-REG', 'NFGF', 'NFRA']);
    expect(io.stdout()).toContain('registered 6 participants');
  });

  it('generate writes a file and reports it', async () => {
    const io = fakeIo({ cwd: dir });
    expect(await run(['generate', '--rows', '10', '--bank', 'BOC', '--out', 'out.jsonl', '--seed', '3', '--json'], io)).toBe(0);
    const result = JSON.parse(io.stdout());
    expect(result).toMatchObject({ rows: 10, format: 'jsonl', seed: 3, path: join(dir, 'out.jsonl') });
    expect(readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n')).toHaveLength(10);
    const io2 = fakeIo({ cwd: dir });
    expect(await run(['generate', '--rows', '10', '--bank', 'BOC', '--out', 'x.csv', '--province', '99'], io2)).toBe(2);
    expect(io2.stderr()).toContain('province');
  });
});
