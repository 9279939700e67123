import { residentIdCheckCharacter } from '@g2g/domain';
import { eventually } from '@g2g/testing';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoProgrammeDocument } from '../libs/domain/src/programme/demo-programme.fixture';
import { bankClient, csvLine, csvOf, jsonlOf, loanRows } from './support/bank';
import { LOAN_FIELDS, TestPlatform } from './support/platform';

// Intake as a hostile or unlucky client meets it: bytes PostgreSQL cannot store, dates the rules
// cannot compute with, a file that breaks part-way, a client that stalls while another sends
// other bytes under the same ref, a process killed while it files, a file connector fed links
// and names the API refuses, cursors out of range. Every row gets exactly one outcome, the counts
// in every answer are true, nothing answers 500, and no log line holds a borrower's identity.

jest.setTimeout(120_000);

const inbox = mkdtempSync(join(tmpdir(), 'g2g-e2e-hostile-'));
const outside = mkdtempSync(join(tmpdir(), 'g2g-e2e-outside-'));
const STALL_MS = 3_000;
const platform = new TestPlatform({
  G2G_INBOX_DIR: inbox,
  G2G_UPLOAD_STALL_MS: String(STALL_MS),
  G2G_UPLOAD_LEASE_MS: '2000',
  G2G_FILE_SETTLE_MS: '200',
});
const P = 'P1';
const programme = { ...demoProgrammeDocument, id: P };

const FARMER = (() => {
  const first17 = '11010519491231002';
  return first17 + residentIdCheckCharacter(first17);
})();
const { loan } = loanRows({ uscc: 'MA', name: '敌意测试企业' });
const { start, put, get, summary, decided, rowsOf } = bankClient(platform);
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('intake under hostile input, stalls and crashes (five processes over Kafka)', () => {
  beforeAll(async () => {
    // intake knows the programme (the file connector needs it too)
    await start([programme], () => csvOf([loan('W-1', 900)]));
  }, 180_000);
  afterAll(async () => {
    await platform.stop();
    rmSync(inbox, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('makes rows with a NUL, a control character, a lone surrogate or an invisible character invalid, decides the valid rows of the chunk, and answers a resend the same', async () => {
    // names PostgreSQL cannot store (a NUL) or a reader would misread, beside valid rows
    const csv = csvOf([
      loan('N-1', 1),
      loan('N-2', 2, { borrower_name: '坏\u0000名企业' }),
      loan('N-4', 4, { borrower_name: '响铃\u0007企业' }),
      loan('N-6', 6, { borrower_name: '\u202e业企名倒' }),
      loan('N-7', 7),
    ]);
    const first = await put(`/banks/ICBC/batches/nul-csv?programme=${P}`, csv);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ rows: 5, invalid: 3, status: 'filed' });
    await decided('batches', 'nul-csv', 5);
    expect(await rowsOf('batches', 'nul-csv')).toEqual([
      [1, 'N-1', 'approved', []],
      [2, 'N-2', 'invalid', ['CONTROL_CHARACTER']],
      [3, 'N-4', 'invalid', ['CONTROL_CHARACTER']],
      [4, 'N-6', 'invalid', ['INVISIBLE_CHARACTER']],
      [5, 'N-7', 'approved', []],
    ]);
    const again = await put(`/banks/ICBC/batches/nul-csv?programme=${P}`, csv);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ rows: 5, invalid: 3, approved: 2, complete: true });

    // loan ids that cannot be stored, or that look like another: shown escaped in the outcome
    const ids = csvOf([loan('N-3\u00003', 3), loan('N-5\u200b', 5), loan('N-8', 8)]);
    expect((await put(`/banks/ICBC/batches/nul-ids?programme=${P}`, ids)).status).toBe(202);
    await decided('batches', 'nul-ids', 3);
    expect(await rowsOf('batches', 'nul-ids')).toEqual([
      [1, 'N-3\\u00003', 'invalid', ['CONTROL_CHARACTER']],
      [2, 'N-5\\u200b', 'invalid', ['INVISIBLE_CHARACTER']],
      [3, 'N-8', 'approved', []],
    ]);

    // JSON Lines carries escapes: \u0000 and lone surrogates arrive as text
    const jsonl = [
      JSON.stringify(loan('J-1', 11)),
      JSON.stringify(loan('J-2', 12, { borrower_name: '零\u0000字节企业' })),
      JSON.stringify(loan('J-3', 13)).replace('敌意测试企业13', '\\ud800企业'),
      JSON.stringify(loan('J-4', 14)).replace('"J-4"', '"J-\\udc004"'),
      JSON.stringify(loan('J-5', 15)).replace('2026-03-01', '2026-03-0\\u0000'),
      JSON.stringify(loan('J-6', 16)),
    ].join('\n') + '\n';
    const j = await put(`/banks/ICBC/batches/nul-jsonl?programme=${P}`, jsonl, 'application/x-ndjson');
    expect(j.status).toBe(202);
    await decided('batches', 'nul-jsonl', 6);
    expect(await rowsOf('batches', 'nul-jsonl')).toEqual([
      [1, 'J-1', 'approved', []],
      [2, 'J-2', 'invalid', ['CONTROL_CHARACTER']],
      [3, 'J-3', 'invalid', ['MALFORMED_TEXT']],
      [4, 'J-\\udc004', 'invalid', ['MALFORMED_TEXT']],
      [5, 'J-5', 'invalid', ['CONTROL_CHARACTER']],
      [6, 'J-6', 'approved', []],
    ]);
    expect((await put(`/banks/ICBC/batches/nul-jsonl?programme=${P}`, jsonl, 'application/x-ndjson')).status).toBe(200);

    // servicing batches: the same checks, before the loan is looked up
    const repayments = 'loan_id,amount,repaid_on\nN-1,100.00,2025-04-01\nN-\u00001,100.00,2025-04-01\nN-7,100.00,2025-04-0\u0000\nN-7,100.00,2025-04-02\n';
    const r = await put('/banks/ICBC/repayments/nul-repay', repayments);
    expect(r.status).toBe(202);
    await decided('repayments', 'nul-repay', 4);
    expect(await rowsOf('repayments', 'nul-repay')).toEqual([
      [1, 'N-1', 'accepted', []],
      [2, 'N-\\u00001', 'invalid', ['CONTROL_CHARACTER']],
      [3, 'N-7', 'invalid', ['CONTROL_CHARACTER']],
      [4, 'N-7', 'accepted', []],
    ]);
    const claims = [
      '{"loan_id":"J-1","overdue_since":"2025-05-01","claimed_on":"2025-08-0\\ud8001","unpaid_principal":"10000.00","unpaid_interest":"0"}',
      '{"loan_id":"J-\\ud800","overdue_since":"2025-05-01","claimed_on":"2025-08-01","unpaid_principal":"10000.00","unpaid_interest":"0"}',
    ].join('\n');
    const c = await put('/banks/ICBC/claims/nul-claims', claims, 'application/x-ndjson');
    expect(c.status).toBe(202);
    await decided('claims', 'nul-claims', 2);
    expect(await rowsOf('claims', 'nul-claims')).toEqual([
      [1, 'J-1', 'invalid', ['MALFORMED_TEXT']],
      [2, 'J-\\ud800', 'invalid', ['MALFORMED_TEXT']],
    ]);
  });

  it('refuses business dates outside the supported range, so every row of the batch gets an outcome', async () => {
    const csv = csvOf([
      loan('D-1', 21, { disbursed_on: '0000-01-01', matures_on: '0001-01-01' }),
      loan('D-2', 22, { disbursed_on: '9998-12-31', matures_on: '9999-12-31' }),
      loan('D-3', 23, { matures_on: '9999-12-31' }),
      loan('D-4', 24, { disbursed_on: '1899-12-31', matures_on: '1900-06-30' }),
      loan('D-5', 25, { borrower_id_type: 'RID', borrower_id: FARMER, borrower_type: 'farmer', matures_on: '2200-01-01' }),
      loan('D-6', 26),
      loan('D-7', 27, { disbursed_on: '2199-12-01', matures_on: '2199-12-31' }),
    ]);
    const res = await put(`/banks/ICBC/batches/dates?programme=${P}`, csv);
    expect(res.status).toBe(202);
    await decided('batches', 'dates', 7);
    expect(await rowsOf('batches', 'dates')).toEqual([
      [1, 'D-1', 'invalid', ['DATE_OUT_OF_RANGE']],
      [2, 'D-2', 'invalid', ['DATE_OUT_OF_RANGE']],
      [3, 'D-3', 'invalid', ['DATE_OUT_OF_RANGE']],
      [4, 'D-4', 'invalid', ['DATE_OUT_OF_RANGE']],
      [5, 'D-5', 'invalid', ['DATE_OUT_OF_RANGE']],
      [6, 'D-6', 'approved', []],
      [7, 'D-7', 'rejected', ['TERM']], // in range: the rules judge it (less than a month)
    ]);
    const claims =
      'loan_id,overdue_since,claimed_on,unpaid_principal,unpaid_interest\n' +
      'D-6,9999-09-01,9999-12-31,10000.00,0\n' +
      'D-6,2025-05-01,2200-01-01,10000.00,0\n' +
      'D-6,2025-05-01,2025-07-01,10000.00,0\n';
    expect((await put('/banks/ICBC/claims/dates-claims', claims)).status).toBe(202);
    await decided('claims', 'dates-claims', 3);
    expect(await rowsOf('claims', 'dates-claims')).toEqual([
      [1, 'D-6', 'invalid', ['DATE_OUT_OF_RANGE']],
      [2, 'D-6', 'invalid', ['DATE_OUT_OF_RANGE']],
      [3, 'D-6', 'rejected', ['GRACE_PERIOD']],
    ]);
  });

  it('files exactly the rows before an invalid UTF-8 sequence, says so, and lets the corrected file complete the batch', async () => {
    const rows = Array.from({ length: 1_503 }, (_, i) => loan(`U-${i + 1}`, 1_000 + i));
    const good = Buffer.from(csvOf(rows));
    const marker = Buffer.from('敌意测试企业2500'); // row 1,501's name
    const at = good.indexOf(marker);
    const broken = Buffer.concat([good.subarray(0, at), Buffer.from([0xff, 0xfe]), good.subarray(at + marker.length)]);

    const first = await put(`/banks/ICBC/batches/utf8?programme=${P}`, broken);
    expect(first.status).toBe(400);
    expect(first.body).toMatchObject({ code: 'NOT_UTF8', batch: { status: 'incomplete', rows: 1_500 } });
    expect(first.body.message).toContain('1500');
    await decided('batches', 'utf8', 1_500);
    const s = await summary('batches', 'utf8');
    expect(s).toMatchObject({ status: 'incomplete', rows: 1_500, complete: false, error: { code: 'NOT_UTF8' } });
    const before = await rowsOf('batches', 'utf8');
    expect(before.map((r) => r[0])).toEqual(Array.from({ length: 1_500 }, (_, i) => i + 1));

    // the same bytes again: the same answer, nothing filed twice
    const again = await put(`/banks/ICBC/batches/utf8?programme=${P}`, broken);
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ code: 'NOT_UTF8', batch: { status: 'incomplete', rows: 1_500 } });

    // the corrected file: rows 1,501-1,503 are filed, the first 1,500 kept as they were
    const fixed = await put(`/banks/ICBC/batches/utf8?programme=${P}`, good);
    expect(fixed.status).toBe(202);
    expect(fixed.body).toMatchObject({ status: 'filed', rows: 1_503, sha256: sha256(good) });
    await decided('batches', 'utf8', 1_503);
    const after = await rowsOf('batches', 'utf8');
    expect(after).toHaveLength(1_503);
    expect(after.slice(0, 1_500)).toEqual(before);
    expect(after.slice(1_500).map((r) => [r[0], r[1], r[2]])).toEqual([
      [1_501, 'U-1501', 'approved'],
      [1_502, 'U-1502', 'approved'],
      [1_503, 'U-1503', 'approved'],
    ]);
    expect((await put(`/banks/ICBC/batches/utf8?programme=${P}`, good)).status).toBe(200);
  });

  it('lets one upload of a ref be live at a time: a stalled one times out, other content then conflicts, the same content resumes', async () => {
    const f = Array.from({ length: 2_000 }, (_, i) => loan(`S-${i + 1}`, 3_000 + i));
    const g = Array.from({ length: 2_000 }, (_, i) => loan(`S-${i + 1}`, 6_000 + i));
    const full = csvOf(f);
    const url = new URL(`${platform.url('intake')}/banks/ICBC/batches/stall?programme=${P}`);
    // A: the header and 1,200 complete rows, then silence with the connection open
    const stalled = new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = request(url, { method: 'PUT', headers: { authorization: `Bearer ${platform.keys.ICBC}`, 'content-type': 'text/csv' } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined }));
      });
      req.on('error', reject);
      req.write([LOAN_FIELDS, ...f.slice(0, 1_200).map(csvLine)].join('\n') + '\n');
    });
    platform.notePersonalData(full);
    await eventually(async () => (await summary('batches', 'stall'))?.rows >= 1_000, 30_000, 'the first chunk of the stalled upload');

    // B, while A holds the ref
    const b = await put(`/banks/ICBC/batches/stall?programme=${P}`, csvOf(g));
    expect(b.status).toBe(409);
    expect(b.body.code).toBe('BATCH_IN_PROGRESS');
    expect(Number(b.retryAfter)).toBeGreaterThan(0);

    const a = await stalled;
    expect(a.status).toBe(408);
    expect(a.body).toMatchObject({ code: 'UPLOAD_STALLED', batch: { status: 'incomplete', rows: 1_200 } });
    expect(await summary('batches', 'stall')).toMatchObject({ status: 'incomplete', rows: 1_200, error: { code: 'UPLOAD_STALLED' } });

    // other bytes under the same ref: refused, nothing of them filed
    const other = await put(`/banks/ICBC/batches/stall?programme=${P}`, csvOf(g));
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('BATCH_CONFLICT');
    expect(await summary('batches', 'stall')).toMatchObject({ status: 'incomplete', rows: 1_200 });

    // the whole of the first file: resumed after row 1,200
    const resumed = await put(`/banks/ICBC/batches/stall?programme=${P}`, full);
    expect(resumed.status).toBe(202);
    expect(resumed.body).toMatchObject({ status: 'filed', rows: 2_000, sha256: sha256(full) });
    await decided('batches', 'stall', 2_000);
    const rows = await rowsOf('batches', 'stall');
    expect(rows.map((r) => r[1])).toEqual(f.map((r) => r.loan_id));
    expect(rows.every((r) => r[2] === 'approved')).toBe(true);
    expect((await put(`/banks/ICBC/batches/stall?programme=${P}`, full)).status).toBe(200);
    expect((await put(`/banks/ICBC/batches/stall?programme=${P}`, csvOf(g))).status).toBe(409);
  });

  it('resumes an upload cut by a crash of intake, without filing a row twice', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => loan(`K-${i + 1}`, 10_000 + i));
    const body = csvOf(rows);
    platform.notePersonalData(body);
    const url = new URL(`${platform.url('intake')}/banks/ICBC/batches/crash?programme=${P}`);
    const cut = new Promise<string>((resolve) => {
      const req = request(url, { method: 'PUT', headers: { authorization: `Bearer ${platform.keys.ICBC}`, 'content-type': 'text/csv' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(`answered ${res.statusCode}`));
      });
      req.on('error', (e) => resolve(`cut: ${e.message}`));
      // slowly: 500 rows every 20 ms, so that the kill lands in the middle
      const lines = body.split('\n');
      let i = 0;
      const more = () => {
        if (i >= lines.length) return req.end();
        req.write(lines.slice(i, i + 500).join('\n') + (i + 500 < lines.length ? '\n' : ''));
        i += 500;
        setTimeout(more, 20);
      };
      more();
    });
    await eventually(async () => (await summary('batches', 'crash'))?.rows >= 2_000, 60_000, 'part of the upload to be filed');
    await platform.restart('intake');
    expect(await cut).toMatch(/^cut/);
    const interrupted = await summary('batches', 'crash');
    expect(interrupted.rows).toBeGreaterThanOrEqual(2_000);
    expect(interrupted.rows).toBeLessThan(20_000);

    let answer: Awaited<ReturnType<typeof put>>;
    for (;;) {
      answer = await put(`/banks/ICBC/batches/crash?programme=${P}`, body);
      if (answer.status !== 409 || answer.body.code !== 'BATCH_IN_PROGRESS') break;
      await new Promise((r) => setTimeout(r, Number(answer.retryAfter ?? 1) * 1000));
    }
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ status: 'filed', rows: 20_000 });
    await decided('batches', 'crash', 20_000);
    const outcomes = await rowsOf('batches', 'crash');
    expect(outcomes.map((r) => r[1])).toEqual(rows.map((r) => r.loan_id));
    expect(outcomes.filter((r) => r[2] !== 'approved')).toEqual([]);
  }, 180_000);

  const bankDir = (bank: string) => {
    const dir = join(inbox, bank, P);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const reason = (dir: string, ref: string) => JSON.parse(readFileSync(join(dir, 'failed', `${ref}.error.json`), 'utf8')).code;

  it('resumes a file it was filing when intake was killed, and writes results for a batch that completed after a restart', async () => {
    const dir = bankDir('ICBC');
    const big = csvOf(Array.from({ length: 30_000 }, (_, i) => loan(`FC-${i + 1}`, 40_000 + i)));
    platform.notePersonalData(big);
    writeFileSync(join(dir, 'dropped.csv'), big);
    await eventually(async () => (await summary('batches', 'dropped'))?.rows >= 1_000, 60_000, 'the connector to be filing');
    await platform.restart('intake');
    await eventually(() => existsSync(join(dir, 'results', 'dropped.jsonl')), 120_000, 'the results of the resumed file');
    expect(readdirSync(join(dir, 'processing'))).toEqual([]);
    expect(existsSync(join(dir, 'done', 'dropped.csv'))).toBe(true);
    const results = readFileSync(join(dir, 'results', 'dropped.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(results.map((r) => r.row)).toEqual(Array.from({ length: 30_000 }, (_, i) => i + 1));
    expect(results.filter((r) => r.outcome !== 'approved')).toEqual([]);

    // filed while nothing decides, intake killed before the outcomes came: results after restart
    await platform.kill('underwriting');
    const small = csvOf([loan('FD-1', 70_001), loan('FD-2', 70_002)]);
    platform.notePersonalData(small);
    writeFileSync(join(dir, 'pending.csv'), small);
    await eventually(() => existsSync(join(dir, 'done', 'pending.csv')), 60_000, 'the file to be filed');
    await platform.restart('intake');
    await platform.startService('underwriting');
    await eventually(() => existsSync(join(dir, 'results', 'pending.jsonl')), 90_000, 'results written after the restart');
    expect(readFileSync(join(dir, 'results', 'pending.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  }, 240_000);

  it('never follows a symlink, and refuses names and folders the API would refuse', async () => {
    const icbc = bankDir('ICBC');
    const boc = bankDir('BOC');
    writeFileSync(join(outside, 'theirs.csv'), csvOf([loan('BOC-SECRET-1', 80_001)]));
    writeFileSync(join(boc, 'waiting.csv.part'), csvOf([loan('BOC-SECRET-2', 80_002)]));
    platform.notePersonalData(csvOf([loan('BOC-SECRET-1', 80_001), loan('BOC-SECRET-2', 80_002)]));
    symlinkSync(join(outside, 'theirs.csv'), join(icbc, 'link-out.csv'));
    symlinkSync(join(boc, 'waiting.csv.part'), join(icbc, 'link-boc.csv'));
    symlinkSync('/etc/passwd', join(icbc, 'passwd.csv'));
    // folders reached only through a link: never entered
    const outsideProgramme = join(outside, 'programme');
    const outsideBank = join(outside, 'bank', P);
    mkdirSync(outsideProgramme, { recursive: true });
    mkdirSync(outsideBank, { recursive: true });
    writeFileSync(join(outsideProgramme, 'inside.csv'), csvOf([loan('IN-1', 80_003)]));
    writeFileSync(join(outsideBank, 'inside.csv'), csvOf([loan('IN-2', 80_004)]));
    platform.notePersonalData(csvOf([loan('IN-1', 80_003), loan('IN-2', 80_004)]));
    symlinkSync(outsideProgramme, join(inbox, 'ICBC', 'P-LINK'));
    symlinkSync(join(outside, 'bank'), join(inbox, 'BOC-LINK'));
    writeFileSync(join(icbc, 'a b.csv'), csvOf([loan('SP-1', 80_010)]));
    writeFileSync(join(icbc, `${'x'.repeat(150)}.csv`), csvOf([loan('LONG-1', 80_011)]));
    const nobank = join(inbox, 'NOBANK', P);
    mkdirSync(nobank, { recursive: true });
    writeFileSync(join(nobank, 'ghost.csv'), csvOf([loan('GHOST-1', 80_012)]));
    platform.notePersonalData(csvOf([loan('SP-1', 80_010), loan('LONG-1', 80_011), loan('GHOST-1', 80_012)]));

    await eventually(() => ['link-out', 'link-boc', 'passwd', 'a b', 'x'.repeat(150)].every((ref) => existsSync(join(icbc, 'failed', `${ref}.error.json`))), 30_000, 'the refusals');
    expect(reason(icbc, 'link-out')).toBe('NOT_A_REGULAR_FILE');
    expect(reason(icbc, 'link-boc')).toBe('NOT_A_REGULAR_FILE');
    expect(reason(icbc, 'passwd')).toBe('NOT_A_REGULAR_FILE');
    expect(reason(icbc, 'a b')).toBe('BAD_BATCH_REF');
    expect(reason(icbc, 'x'.repeat(150))).toBe('BAD_BATCH_REF');
    await eventually(() => existsSync(join(nobank, 'failed', 'ghost.error.json')), 30_000, 'the unknown bank refused');
    expect(reason(nobank, 'ghost')).toBe('UNKNOWN_BANK');
    // the link targets are untouched, and nothing was filed under any of these refs
    expect(existsSync(join(outside, 'theirs.csv'))).toBe(true);
    expect(existsSync(join(boc, 'waiting.csv.part'))).toBe(true);
    for (const ref of ['link-out', 'link-boc', 'passwd']) expect((await get(`/banks/ICBC/batches/${ref}`)).status).toBe(404);
    expect((await get('/banks/BOC/batches/waiting', 'intake', platform.keys.BOC)).status).toBe(404);
    // linked folders are not entered
    expect(existsSync(join(outsideProgramme, 'inside.csv'))).toBe(true);
    expect(existsSync(join(outsideBank, 'inside.csv'))).toBe(true);
    expect(readdirSync(outsideProgramme)).toEqual(['inside.csv']);
    expect(readdirSync(outsideBank)).toEqual(['inside.csv']);
  });

  it('answers cursors and content types a client gets wrong with 4xx, never 500', async () => {
    for (const q of ['after=99999999999999999999', 'after=-1', 'after=1e3', 'after=abc', 'limit=0', 'limit=99999999999999999999', 'limit=x']) {
      const res = await get(`/banks/ICBC/batches/nul-csv/rows?${q}`);
      expect([q, res.status]).toEqual([q, 400]);
      expect(res.body.code).toMatch(/^BAD_/);
    }
    for (const q of ['after=99999999999999999999999', 'after=-5', 'limit=abc']) {
      const res = await get(`/feed?${q}`, 'reporting', platform.keys['BJ-REG']);
      expect([q, res.status]).toEqual([q, 400]);
    }
    // the body is the file, whatever the content type says, when ?format= names the format
    const form = await put(`/banks/ICBC/batches/form?programme=${P}&format=csv`, csvOf([loan('F-1', 90_001)]), 'application/x-www-form-urlencoded');
    expect(form.status).toBe(202);
    expect(form.body).toMatchObject({ rows: 1, invalid: 0 });
    const json = await put(`/banks/ICBC/batches/json?programme=${P}&format=jsonl`, jsonlOf([loan('F-2', 90_002)]), 'application/json');
    expect(json.status).toBe(202);
    expect(json.body).toMatchObject({ rows: 1, invalid: 0 });
  });

  it('writes no borrower identifier or name into any log line', async () => {
    expect(platform.personalData.size).toBeGreaterThan(10);
    expect(await platform.personalDataInLogs()).toEqual([]);
  });
});
