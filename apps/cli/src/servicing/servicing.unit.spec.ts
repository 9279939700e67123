import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchSummary, RowResult } from '../batch/batch-api';
import { renderSummary } from '../batch/render';
import { waitForBatch } from '../batch/submit';
import { run } from '../cli';
import { Call, fakeFetch, fakeIo, pagedRows } from '../test-fakes';

/** A servicing batch's summary as intake answers it: kind, no programme, accepted instead of approved. */
const summary = (over: Partial<BatchSummary> = {}): BatchSummary => ({
  bank: 'ICBC',
  kind: 'claims',
  batchRef: 'C-1',
  programme: null,
  rows: 3,
  invalid: 1,
  approved: 0,
  accepted: 1,
  rejected: 1,
  pending: 0,
  complete: true,
  ...over,
});

const claimRows: RowResult[] = [
  { row: 1, loan_id: 'ICBC-1-00000001', outcome: 'accepted', codes: [] },
  { row: 2, loan_id: 'ICBC-1-00000002', outcome: 'rejected', codes: ['GRACE_PERIOD'] },
  { row: 3, loan_id: 'NOPE-1', outcome: 'invalid', codes: ['UNKNOWN_LOAN'], errors: [{ code: 'UNKNOWN_LOAN', field: 'loan_id', message: 'loan_id NOPE-1 was never filed by ICBC' }] },
];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'g2g-cli-servicing-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('repayments, claims and recoveries are filed like loan batches', () => {
  it('a bank repays: the file goes to PUT /banks/ICBC/repayments/R-1 with no programme, and every row comes back as JSON', async () => {
    const file = join(dir, 'repay.csv');
    writeFileSync(file, 'loan_id,amount,repaid_on\nICBC-1-00000001,500000.00,2025-06-30\n');
    writeFileSync(join(dir, 'creds.json'), JSON.stringify({ ICBC: 'k-icbc' }));
    const calls: Call[] = [];
    let polls = 0;
    const rows: RowResult[] = [{ row: 1, loan_id: 'ICBC-1-00000001', outcome: 'accepted', codes: [] }];
    const io = fakeIo({
      cwd: dir,
      env: { G2G_CREDENTIALS: 'creds.json', G2G_INTAKE_URL: 'http://intake:8081' },
      fetch: fakeFetch(
        {
          'PUT /banks/ICBC/repayments/R-1': () => ({ status: 202, body: summary({ kind: 'repayments', batchRef: 'R-1', rows: 1, invalid: 0, accepted: 0, rejected: 0, pending: 1, complete: false }) }),
          'GET /banks/ICBC/repayments/R-1': () => ({ status: 200, body: summary({ kind: 'repayments', batchRef: 'R-1', rows: 1, invalid: 0, accepted: ++polls < 2 ? 0 : 1, rejected: 0, pending: polls < 2 ? 1 : 0, complete: polls >= 2 }) }),
          'GET /banks/ICBC/repayments/R-1/rows': pagedRows(rows),
        },
        calls,
      ),
    });
    expect(await run(['repayments', 'submit', 'repay.csv', '--bank', 'ICBC', '--ref', 'R-1', '--json'], io)).toBe(0);
    expect(calls[0].method).toBe('PUT');
    expect(calls[0].url).toBe('http://intake:8081/banks/ICBC/repayments/R-1?format=csv');
    expect(calls[0].headers.authorization).toBe('Bearer k-icbc');
    expect(calls[0].body).toBe(readFileSync(file, 'utf8'));
    expect(polls).toBe(2);
    expect(JSON.parse(io.stdout())).toEqual([{ row: 1, loan_id: 'ICBC-1-00000001', outcome: 'accepted', codes: [] }]);
  });

  it('a claims batch on a terminal: progress while compensation decides, then a summary counting accepted rows', async () => {
    writeFileSync(join(dir, 'claims.jsonl'), '{"loan_id":"ICBC-1-00000001"}\n');
    let polls = 0;
    const io = fakeIo({
      cwd: dir,
      errIsTty: true,
      env: { G2G_API_KEY: 'k' },
      fetch: fakeFetch({
        'PUT /banks/ICBC/claims/C-1': (c) => {
          expect(c.headers['content-type']).toBe('application/x-ndjson');
          return { status: 202, body: summary({ accepted: 0, rejected: 0, pending: 2, complete: false }) };
        },
        'GET /banks/ICBC/claims/C-1': () => ({ status: 200, body: ++polls < 2 ? summary({ accepted: 1, rejected: 0, pending: 1, complete: false }) : summary() }),
      }),
    });
    expect(await run(['claims', 'submit', 'claims.jsonl', '--bank', 'ICBC', '--ref', 'C-1'], io)).toBe(0);
    expect(io.stderr()).toContain('2/3 rows decided  66%');
    expect(io.stderr()).toContain('3/3 rows decided 100%\n');
    const out = io.stdout();
    expect(out).toMatch(/^claims batch ICBC\/C-1 \(complete\)\n/);
    expect(out).toMatch(/accepted +1\n/);
    expect(out).toMatch(/rejected +1\n/);
    expect(out).not.toMatch(/approved|programme/);
  });

  it('claims results: the claim filed inside its grace period and the loan the bank never filed, with their codes', async () => {
    const io = fakeIo({
      env: { G2G_API_KEY: 'k' },
      fetch: fakeFetch({ 'GET /banks/ICBC/claims/C-1': () => ({ status: 200, body: summary() }), 'GET /banks/ICBC/claims/C-1/rows': pagedRows(claimRows) }),
    });
    expect(await run(['claims', 'results', '--bank', 'ICBC', '--ref', 'C-1'], io)).toBe(0);
    const out = io.stdout();
    expect(out).toContain('claims batch ICBC/C-1\n');
    expect(out).toContain('invalid and rejected rows (2):');
    expect(out).toMatch(/2 +ICBC-1-00000002 +rejected +GRACE_PERIOD/);
    expect(out).toMatch(/3 +NOPE-1 +invalid +UNKNOWN_LOAN +loan_id NOPE-1 was never filed by ICBC/);
    expect(out).not.toContain('ICBC-1-00000001');
  });

  it('recoveries results --json: every row, from /banks/ICBC/recoveries/V-1/rows', async () => {
    const calls: Call[] = [];
    const rows: RowResult[] = [
      { row: 1, loan_id: 'L1', outcome: 'accepted', codes: [] },
      { row: 2, loan_id: 'L2', outcome: 'rejected', codes: ['OVER_RECOVERY'] },
      { row: 3, loan_id: 'L3', outcome: 'rejected', codes: ['NOT_CLAIMED'] },
    ];
    const io = fakeIo({ env: { G2G_API_KEY: 'k' }, fetch: fakeFetch({ 'GET /banks/ICBC/recoveries/V-1/rows': pagedRows(rows) }, calls) });
    expect(await run(['recoveries', 'results', '--bank', 'ICBC', '--ref', 'V-1', '--json'], io)).toBe(0);
    expect(JSON.parse(io.stdout()).map((r: RowResult) => r.codes)).toEqual([[], ['OVER_RECOVERY'], ['NOT_CLAIMED']]);
    expect(calls.map((c) => new URL(c.url).pathname)).toEqual(['/banks/ICBC/recoveries/V-1/rows', '/banks/ICBC/recoveries/V-1/rows']);
  });

  it('resubmitting the same repayments file prints the first result; other content under the ref is a conflict', async () => {
    writeFileSync(join(dir, 'r.csv'), 'x\n');
    const same = fakeIo({ cwd: dir, env: { G2G_API_KEY: 'k' }, fetch: fakeFetch({ 'PUT /banks/ICBC/repayments/R-1': () => ({ status: 200, body: summary({ kind: 'repayments', batchRef: 'R-1' }) }) }) });
    expect(await run(['repayments', 'submit', 'r.csv', '--bank', 'ICBC', '--ref', 'R-1', '--no-wait'], same)).toBe(0);
    expect(same.stdout()).toContain('repayments batch ICBC/R-1 (already submitted with the same content: first result)');
    const other = fakeIo({
      cwd: dir,
      env: { G2G_API_KEY: 'k' },
      fetch: fakeFetch({ 'PUT /banks/ICBC/repayments/R-1': () => ({ status: 409, body: { code: 'BATCH_CONFLICT', message: 'repayments batch R-1 of ICBC was filed with other content' } }) }),
    });
    expect(await run(['repayments', 'submit', 'r.csv', '--bank', 'ICBC', '--ref', 'R-1'], other)).toBe(1);
    expect(other.stderr()).toContain('409 BATCH_CONFLICT: repayments batch R-1 of ICBC was filed with other content');
  });

  it('a servicing batch names no programme: --programme is a usage mistake, --ref and --bank are required', async () => {
    writeFileSync(join(dir, 'v.csv'), 'x\n');
    const io = fakeIo({ cwd: dir, env: { G2G_API_KEY: 'k' } });
    expect(await run(['recoveries', 'submit', 'v.csv', '--bank', 'ICBC', '--ref', 'V-1', '--programme', 'P'], io)).toBe(2);
    expect(io.stderr()).toContain('unknown option --programme');
    const io2 = fakeIo({ cwd: dir, env: { G2G_API_KEY: 'k' } });
    expect(await run(['claims', 'submit', 'v.csv', '--bank', 'ICBC'], io2)).toBe(2);
    expect(io2.stderr()).toContain('g2g claims submit: --ref is required');
    const io3 = fakeIo({ cwd: dir });
    expect(await run(['repayments'], io3)).toBe(2);
    expect(io3.stderr()).toContain('did you mean "g2g repayments submit" or "g2g repayments results"');
  });

  it('giving up on a slow claims batch points at g2g claims results', async () => {
    let now = 0;
    const pending = summary({ pending: 3, accepted: 0, rejected: 0, invalid: 0, complete: false });
    await expect(
      waitForBatch(pending, async () => pending, {
        sleep: async (ms) => {
          now += ms;
        },
        timeoutMs: 500,
        now: () => now,
        kind: 'claims',
      }),
    ).rejects.toThrow('gave up waiting after 1 s: 0 of 3 rows decided (see: g2g claims results --bank ICBC --ref C-1)');
  });

  it('a loan batch summary still reads as before: approved rows, in its programme', () => {
    const loans: BatchSummary = { bank: 'ICBC', kind: 'loans', batchRef: 'B-1', programme: 'NFGF-G2G-BJ-2025', rows: 2, invalid: 0, approved: 2, accepted: 0, rejected: 0, pending: 0, complete: true };
    expect(renderSummary(loans)).toMatch(/^batch ICBC\/B-1 in programme NFGF-G2G-BJ-2025\n  rows +2\n  approved +2\n/);
    // an older server sends no kind: a loan batch
    const { kind: _kind, accepted: _accepted, ...old } = loans;
    expect(renderSummary(old)).toMatch(/approved +2/);
  });

  it('help describes each kind: its fields, its rejection codes and the invalid ones', async () => {
    const io = fakeIo();
    expect(await run(['help', 'claims', 'submit'], io)).toBe(0);
    expect(io.stdout()).toContain('Usage: g2g claims submit FILE --bank BANK --ref BATCH_REF [options]');
    expect(io.stdout()).toContain('loan_id, overdue_since, claimed_on, unpaid_principal, unpaid_interest');
    expect(io.stdout()).toContain('NOT_IN_FORCE, GRACE_PERIOD, AMOUNT_MISMATCH, INTEREST_ABOVE_PRINCIPAL, ALREADY_CLAIMED');
    expect(io.stdout()).toContain('UNKNOWN_LOAN');
    expect(io.stdout()).not.toContain('--programme');
    const io2 = fakeIo();
    expect(await run(['recoveries', 'results', '--help'], io2)).toBe(0);
    expect(io2.stdout()).toContain('Outcomes: invalid, accepted, rejected or pending. Rejection codes:\n  NOT_CLAIMED, OVER_RECOVERY\n');
  });
});
