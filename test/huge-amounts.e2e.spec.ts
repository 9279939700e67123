import { usccCheckCharacter } from '@g2g/domain';
import { eventually } from '@g2g/testing';
import { demoProgrammeDocument } from '../libs/domain/src/programme/demo-programme.fixture';
import { DEMO_PARTICIPANTS, LOAN_FIELDS, TestPlatform } from './support/platform';

// Money is digits[.d[d]] with no bound on the digits, and a row may be 1 MiB long: a principal or
// a repayment amount can have a million digits. Intake keeps answering other clients while it
// checks such rows, each gets its outcome like any other, and what is filed after it is decided.

jest.setTimeout(180_000);

const platform = new TestPlatform();
const P = 'P1';
const programmes = [{ ...demoProgrammeDocument, id: P }];

const uscc = (n: number) => {
  const first17 = `91110105MB${String(n).padStart(7, '0')}`;
  return first17 + usccCheckCharacter(first17);
};
type Fields = Record<string, string>;
const FIELDS = LOAN_FIELDS.split(',');
const loan = (id: string, n: number, over: Fields = {}): Fields => ({
  loan_id: id,
  borrower_id_type: 'USCC',
  borrower_id: uscc(n),
  borrower_name: `边界测试企业${n}`,
  borrower_type: 'small',
  industry_code: 'C1311',
  region_code: '110105',
  sci_tech: 'N',
  agri_related: 'N',
  principal: '10000.00',
  currency: 'CNY',
  interest_rate_pct: '4.50',
  guarantee_fee_rate_pct: '0.80',
  disbursed_on: '2025-03-01',
  matures_on: '2026-03-01',
  ...over,
});
const csvOf = (rows: Fields[]) => [LOAN_FIELDS, ...rows.map((r) => FIELDS.map((f) => r[f]).join(','))].join('\n') + '\n';

async function put(path: string, body: string, contentType = 'text/csv', key = platform.keys.ICBC) {
  platform.notePersonalData(body);
  const res = await fetch(`${platform.url('intake')}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${key}`, 'content-type': contentType }, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
async function get(path: string, service: 'intake' | 'reporting' = 'intake', key = platform.keys.ICBC) {
  const res = await fetch(`${platform.url(service)}${path}`, { headers: { authorization: `Bearer ${key}` } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
const summary = async (segment: string, ref: string) => (await get(`/banks/ICBC/${segment}/${ref}`)).body;
async function decided(segment: string, ref: string, rows: number, timeoutMs = 60_000) {
  await eventually(async () => {
    const s = await summary(segment, ref);
    return s?.rows === rows && s.pending === 0;
  }, timeoutMs, `${segment} ${ref}: ${rows} rows decided`);
}
async function outcomes(segment: string, ref: string): Promise<[number, string, string[]][]> {
  const { body } = await get(`/banks/ICBC/${segment}/${ref}/rows?limit=10000`);
  return body.rows.map((r: any) => [r.row, r.outcome, r.codes]);
}

describe('rows with amounts of a million digits (five processes over Kafka)', () => {
  let borrower = 1;

  beforeAll(async () => {
    await platform.start();
    await platform.publish(DEMO_PARTICIPANTS, programmes);
    for (const id of [P]) {
      await eventually(async () => (await put(`/banks/ICBC/batches/warm-up-${id}?programme=${id}`, csvOf([loan(`W-${id}`, borrower++)]))).status === 202, 60_000, `intake to know ${id}`);
    }
  }, 180_000);
  afterAll(async () => platform.stop());

  it('keeps answering while it checks loan rows whose principal has a million digits', async () => {
    // each row is invalid (above the principal limit); checking it must not hold up every other client
    const rows = Array.from({ length: 40 }, (_, i) => loan(`HUGE-${i}`, borrower++, { principal: '9'.repeat(1_040_000) }));
    let slowest = 0;
    let uploading = true;
    const probe = (async () => {
      while (uploading) {
        const started = Date.now();
        // a connection the server dropped while it answered nobody counts as that long a wait
        await fetch(`${platform.url('intake')}/health/live`).catch(() => undefined);
        slowest = Math.max(slowest, Date.now() - started);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const answer = await put(`/banks/ICBC/batches/huge-principals?programme=${P}`, csvOf(rows));
    uploading = false;
    await probe;
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ rows: 40, invalid: 40 });
    expect(slowest).toBeLessThan(2_000);
  });

  it('decides a repayment whose amount is as long as a row may be, and decides what is filed after it', async () => {
    expect((await put(`/banks/ICBC/batches/digits-loan?programme=${P}`, csvOf([loan('DIGITS-1', borrower++)]))).status).toBe(202);
    await decided('batches', 'digits-loan', 1);

    // a well-formed amount (digits[.dd]) as long as a row may be (1 MiB of text)
    const repayment = `loan_id,amount,repaid_on\nDIGITS-1,${'9'.repeat(1_048_540)}.00,2025-06-01\n`;
    expect((await put('/banks/ICBC/repayments/million-digits', repayment)).status).toBe(202);
    await decided('repayments', 'million-digits', 1);
    expect((await outcomes('repayments', 'million-digits'))[0][1]).not.toBe('accepted');

    expect((await put(`/banks/ICBC/batches/after-digits?programme=${P}`, csvOf([loan('AFTER-DIGITS-1', borrower++)]))).status).toBe(202);
    await decided('batches', 'after-digits', 1);
  });

  it('writes no borrower identifier or name into any log line', async () => {
    expect(await platform.personalDataInLogs()).toEqual([]);
  });
});
