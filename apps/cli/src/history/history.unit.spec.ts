import { run } from '../cli';
import { Call, fakeFetch, fakeIo } from '../test-fakes';
import { LoanHistory, renderHistory } from './history';

/** A loan filed, issued, ceded, partly repaid, claimed and partly recovered (values trimmed to what is shown). */
const history: LoanHistory = {
  guarantee_id: 'ICBC/ICBC-1/7',
  events: [
    { event: 'g2g.intake.loan-filed.v1', business_date: '2025-03-01', recorded_at: '2026-01-05T01:00:00.000Z', data: { batchRef: 'icbc-001', row: 7, principalFen: '100000000', disbursedOn: '2025-03-01', maturesOn: '2026-03-01' } },
    {
      event: 'g2g.underwriting.guarantee-issued.v1',
      business_date: '2025-03-01',
      recorded_at: '2026-01-05T01:00:01.000Z',
      data: {
        programme: 'NFGF-G2G-BJ-2025',
        principalFen: '100000000',
        guaranteeFeeFen: '800000',
        parties: [
          { role: 'bank', participant: 'ICBC', sharePct: '20', riskFen: '20000000' },
          { role: 'guarantor', participant: 'BJ-GUOHUA', sharePct: '40', riskFen: '40000000' },
        ],
      },
    },
    { event: 'g2g.compensation.guarantee-repaid.v1', business_date: '2025-05-31', recorded_at: '2026-01-05T01:10:00.000Z', data: { amountFen: '30000000', outstandingAfterFen: '70000000', released: false } },
    {
      event: 'g2g.compensation.claim-paid.v1',
      business_date: '2025-09-01',
      recorded_at: '2026-01-05T01:20:00.000Z',
      data: { overdueSince: '2025-06-01', compensationFen: '56000000', claimAmountFen: '70000000', support: [{ role: 'reguarantor', participant: 'BJ-REG', amountFen: '14000000' }], fundPaid: true, losses: [] },
    },
  ],
};

describe('g2g history', () => {
  it("a loan's life in the order the platform recorded it, with business dates and amounts in yuan", () => {
    const text = renderHistory(history);
    expect(text).toMatch(/^loan ICBC\/ICBC-1\/7: 4 events\n/);
    expect(text).toMatch(/2025-03-01 +2026-01-05T01:00:00.000Z +loan-filed +filed in batch icbc-001 row 7: principal 1,000,000.00, 2025-03-01 to 2026-03-01/);
    expect(text).toMatch(/guarantee-issued +issued under NFGF-G2G-BJ-2025: principal 1,000,000.00, fee 8,000.00; risk ICBC 200,000.00, BJ-GUOHUA 400,000.00/);
    expect(text).toMatch(/2025-05-31 .* guarantee-repaid +repaid 300,000.00, outstanding 700,000.00\n/);
    expect(text).toMatch(/2025-09-01 .* claim-paid +claimed \(overdue since 2025-06-01\): compensation 560,000.00 of 700,000.00; support BJ-REG 140,000.00/);
  });

  it("a bank reads its own loan with its saved key; a loan id with a slash is one path segment", async () => {
    const calls: Call[] = [];
    const io = fakeIo({
      env: { G2G_API_KEY: 'k-icbc' },
      fetch: fakeFetch({ 'GET /loans/ICBC/ICBC-1%2F7/history': () => ({ status: 200, body: history }) }, calls),
    });
    expect(await run(['history', '--bank', 'ICBC', '--loan', 'ICBC-1/7', '--json'], io)).toBe(0);
    expect(calls[0].headers.authorization).toBe('Bearer k-icbc');
    expect(JSON.parse(io.stdout())).toEqual(history);
  });

  it('a loan never filed is the server refusing with UNKNOWN_LOAN; --loan is required', async () => {
    const io = fakeIo({ env: { G2G_OPERATOR_KEY: 'op' }, fetch: fakeFetch({ 'GET /loans/ICBC/X/history': () => ({ status: 404, body: { code: 'UNKNOWN_LOAN', message: 'no loan X of ICBC' } }) }) });
    expect(await run(['history', '--bank', 'ICBC', '--loan', 'X'], io)).toBe(1);
    expect(io.stderr()).toContain('404 UNKNOWN_LOAN: no loan X of ICBC');
    const io2 = fakeIo({ env: { G2G_OPERATOR_KEY: 'op' } });
    expect(await run(['history', '--bank', 'ICBC'], io2)).toBe(2);
    expect(io2.stderr()).toContain('--loan is required');
  });
});
