import { eventually } from '@g2g/testing';
import { demoProgrammeDocument } from '../libs/domain/src/programme/demo-programme.fixture';
import { bankClient, csvOf, loanRows } from './support/bank';
import { TestPlatform } from './support/platform';

// A claim whose interest is larger than any amount a read model stores, a query parameter given
// twice, an upload whose path is written in capitals: reporting keeps up with what is filed, and
// no answer is false.

jest.setTimeout(180_000);

const platform = new TestPlatform();
const P = 'P1';
const PI = 'P-INTEREST';
const programmes = [
  { ...demoProgrammeDocument, id: P },
  { ...demoProgrammeDocument, id: PI, claim_covers_interest: true },
];

const { loan } = loanRows({ uscc: 'MB', name: '边界测试企业' });
const { start, put, get, decided, outcomes } = bankClient(platform);
const figures = async (query: string) => (await get(`/figures?from=2025-01-01&to=2025-12-31${query}`, 'reporting', platform.keys.NFRA)).body;

describe('answers at the edges of what a request may hold (five processes over Kafka)', () => {
  let borrower = 1;

  beforeAll(() => start(programmes, (id) => csvOf([loan(`W-${id}`, borrower++)])), 180_000);
  afterAll(async () => platform.stop());

  it('keeps reporting up to date after a claim whose interest is more than any amount a read model stores', async () => {
    expect((await put(`/banks/ICBC/batches/interest-loan?programme=${PI}`, csvOf([loan('INTEREST-1', borrower++)]))).status).toBe(202);
    await decided('batches', 'interest-loan', 1);
    expect(await outcomes('batches', 'interest-loan')).toEqual([[1, 'approved', []]]);

    // the programme covers interest: 2e18 yuan of it, a well-formed amount
    const claim = 'loan_id,overdue_since,claimed_on,unpaid_principal,unpaid_interest\nINTEREST-1,2025-04-01,2025-07-01,10000.00,2000000000000000000.00\n';
    expect((await put('/banks/ICBC/claims/huge-interest', claim)).status).toBe(202);
    await decided('claims', 'huge-interest', 1);

    // whatever the claim's outcome, the figures go on following what is filed: P's warm-up loan and
    // this one (counted from what was filed, not from a figure read while reporting may still be behind)
    await decided('batches', `warm-up-${P}`, 1);
    expect(await outcomes('batches', `warm-up-${P}`)).toEqual([[1, 'approved', []]]);
    expect((await put(`/banks/ICBC/batches/after-interest?programme=${P}`, csvOf([loan('AFTER-INTEREST-1', borrower++)]))).status).toBe(202);
    await decided('batches', 'after-interest', 1);
    expect(await outcomes('batches', 'after-interest')).toEqual([[1, 'approved', []]]);
    await eventually(async () => (await figures(`&programme=${P}`)).new_guarantees.count === 2, 30_000, 'figures to count the loan filed after the claim');
  });

  it('answers figures with a slice parameter given twice with 400, or with the figures of that slice', async () => {
    await eventually(async () => (await figures(`&programme=${P}`)).new_guarantees.count > 0, 30_000, 'figures of P1');
    const once = await get(`/figures?from=2025-01-01&to=2025-12-31&programme=${P}`, 'reporting', platform.keys.NFRA);
    for (const query of [`programme=${P}&programme=${P}`, 'bank=ICBC&bank=ICBC&programme=' + P]) {
      const twice = await get(`/figures?from=2025-01-01&to=2025-12-31&${query}`, 'reporting', platform.keys.NFRA);
      if (twice.status === 400) {
        expect(twice.body.code).toMatch(/^[A-Z_]+$/);
      } else {
        expect(twice.status).toBe(200);
        expect(twice.body.new_guarantees).toEqual(once.body.new_guarantees);
        expect(twice.body.outstanding_balance).toEqual(once.body.outstanding_balance);
      }
    }
  });

  it('reads an upload as the file it is whatever the case of its path, even when it says application/json', async () => {
    expect((await put(`/banks/ICBC/batches/case-loan?programme=${P}`, csvOf([loan('CASE-1', borrower++)]))).status).toBe(202);
    await decided('batches', 'case-loan', 1);
    // JSON Lines sent as application/json, the format named in the query (the content type is not what says it)
    const line = JSON.stringify({ loan_id: 'CASE-1', amount: '1.00', repaid_on: '2025-06-01' }) + '\n';
    const lower = await put('/banks/ICBC/repayments/case-lower?format=jsonl', line, 'application/json');
    expect(lower.status).toBe(202);
    expect(lower.body).toMatchObject({ rows: 1 });
    // routes match paths whatever their case: the same upload to /BANKS/... is the same file, or no route at all
    for (const path of ['/BANKS/ICBC/repayments/case-upper?format=jsonl', '/Banks/ICBC/repayments/case-title?format=jsonl']) {
      const answer = await put(path, line, 'application/json');
      if (answer.status !== 404) {
        expect(answer.status).toBe(202);
        expect(answer.body).toMatchObject({ rows: 1 });
      }
    }
  });

  it('writes no borrower identifier or name into any log line', async () => {
    expect(await platform.personalDataInLogs()).toEqual([]);
  });
});
