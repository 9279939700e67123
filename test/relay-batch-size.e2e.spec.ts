import { usccCheckCharacter } from '@g2g/domain';
import { eventually } from '@g2g/testing';
import { demoProgrammeDocument } from '../libs/domain/src/programme/demo-programme.fixture';
import { DEMO_PARTICIPANTS, LOAN_FIELDS, TestPlatform } from './support/platform';

// A chunk of 1,000 loans whose every field is as long as the interface allows: intake files it in
// one transaction and relays its messages together. Every row still gets its outcome, and what
// is filed after it too.

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

describe('loan batches as long as the interface allows (five processes over Kafka)', () => {
  let borrower = 1;

  beforeAll(async () => {
    await platform.start();
    await platform.publish(DEMO_PARTICIPANTS, programmes);
    for (const id of [P]) {
      await eventually(async () => (await put(`/banks/ICBC/batches/warm-up-${id}?programme=${id}`, csvOf([loan(`W-${id}`, borrower++)]))).status === 202, 60_000, `intake to know ${id}`);
    }
  }, 180_000);
  afterAll(async () => platform.stop());

  it('decides a chunk of 1,000 loans with the longest loan ids, names and batch ref the interface allows', async () => {
    // every field within its limit: a 64-character loan id, a 200-character name, a 100-character ref
    const ref = `R${'r'.repeat(99)}`;
    const rows = Array.from({ length: 1_000 }, (_, i) => loan(`${'借据'.repeat(29)}${String(i).padStart(6, '0')}`, borrower++, { borrower_name: '长'.repeat(200) }));
    expect([...rows[0].loan_id]).toHaveLength(64);
    const answer = await put(`/banks/ICBC/batches/${ref}?programme=${P}`, csvOf(rows));
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ rows: 1_000, invalid: 0 });
    await decided('batches', ref, 1_000);

    // and what is filed after it is decided too
    expect((await put(`/banks/ICBC/batches/after-long?programme=${P}`, csvOf([loan('AFTER-LONG-1', borrower++)]))).status).toBe(202);
    await decided('batches', 'after-long', 1);
  });

  it('writes no borrower identifier or name into any log line', async () => {
    expect(await platform.personalDataInLogs()).toEqual([]);
  });
});
