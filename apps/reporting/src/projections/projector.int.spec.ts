import { ClaimPaidV1, LoansDecidedV2, ServicingDecidedV2, loansDecidedV2, servicingDecidedV2 } from '@g2g/contracts';
import { TestDatabase, embeddedDatabase, eventually, freshServerDatabase } from '@g2g/testing';
import { figures } from '../figures-api/figures';
import { openReporting } from '../reporting-database.fixture';
import { SCHEMA, record } from '../record-log/record-log.consumer';
import { ProjectionRunner } from './projection.runner';

const databases = [
  ['server PostgreSQL', () => freshServerDatabase('g2g_int_projector')],
  ['embedded PostgreSQL (PGlite)', embeddedDatabase],
] as const;

// An event reporting's log took always projects: no read-model column is narrower than an amount
// or a rate an event can carry. A claim that covered 2e18 yuan of interest (2e20 fen, accepted
// before amounts were bounded) failed its projection with 22003 and held back every event after it.

const parties = [
  { role: 'bank', participant: 'ICBC', sharePct: '20', riskFen: '200000' },
  { role: 'guarantor', participant: 'BJ-GUOHUA', sharePct: '40', riskFen: '400000' },
  { role: 'reguarantor', participant: 'BJ-REG', sharePct: '20', riskFen: '200000' },
  { role: 'fund', participant: 'NFGF', sharePct: '20', riskFen: '200000' },
];
/** A decided chunk of one loan, approved (issued) under terms 20/40/20/20 of a fund-backed Beijing programme. */
const decided = (loanId: string, borrowerId: string, over: { programme?: string; interestRatePct?: string; guaranteeFeeRatePct?: string } = {}): LoansDecidedV2 => ({
  programme: over.programme ?? 'P-INTEREST',
  bank: 'ICBC',
  batchRef: `B-${loanId}`,
  firstRow: 1,
  decidedAt: '2025-03-01T02:00:00.000Z',
  row: [1],
  loanId: [loanId],
  codes: [[]],
  terms: [
    {
      programmeVersion: '2025-01-01',
      province: '11',
      fundBacked: true,
      parties: parties.map(({ role, participant, sharePct }) => ({ role, participant, sharePct })),
      claimGraceDays: 90,
      claimCoversInterest: true,
      fundCapPct: '4',
      breakerPct: '3',
    },
  ],
  issued: {
    index: [0],
    terms: [0],
    borrowerIdType: ['USCC'],
    borrowerId: [borrowerId],
    borrowerName: ['边界测试企业'],
    borrowerType: ['small'],
    industryCode: ['C1311'],
    industrySection: ['C'],
    regionCode: ['110105'],
    sciTech: 'N',
    agriRelated: 'N',
    inclusive: 'Y',
    principalFen: ['1000000'],
    interestRatePct: [over.interestRatePct ?? '4.50'],
    guaranteeFeeRatePct: [over.guaranteeFeeRatePct ?? '0.80'],
    disbursedOn: ['2025-03-01'],
    maturesOn: ['2026-03-01'],
    termDays: [365],
    guaranteeFeeFen: ['8000'],
    reguaranteeFeePct: ['0.3'],
  },
});
/** 10,000.00 yuan of principal and 2e18 yuan of interest, split 20/40/20/20 */
const CLAIM_FEN = 200_000_000_000_001_000_000n;
const part = (pct: bigint) => ((CLAIM_FEN * pct) / 100n).toString();
const claim: ClaimPaidV1 = {
  guaranteeId: 'ICBC/INTEREST-1',
  sequence: 1,
  programme: 'P-INTEREST',
  bank: 'ICBC',
  borrowerId: '91110105MB00000011',
  overdueSince: '2025-04-01',
  claimedOn: '2025-07-01',
  unpaidPrincipalFen: '1000000',
  unpaidInterestFen: '200000000000000000000',
  claimAmountFen: CLAIM_FEN.toString(),
  parts: parties.map((p) => ({ role: p.role, participant: p.participant, amountFen: part(BigInt(p.sharePct)) })),
  compensationFen: (CLAIM_FEN - BigInt(part(20n))).toString(),
  support: parties.filter((p) => p.role === 'reguarantor' || p.role === 'fund').map((p) => ({ role: p.role, participant: p.participant, amountFen: part(20n) })),
  fundPaid: true,
  losses: parties.map((p) => ({ role: p.role, participant: p.participant, amountFen: part(BigInt(p.sharePct)) })),
  lossRatio: '20000000000000000.1',
  recordedAt: '2025-07-01T02:00:00.000Z',
};

describe.each(databases)('the read models, on %s', (_name, open) => {
  let t: TestDatabase;
  let runner: ProjectionRunner;
  let heard = 0;
  const hear = (topic: string, values: object[]) =>
    t.db.transaction((tx) => record({ tx }, values.map((value) => ({ id: `test:${++heard}`, topic, key: 'k', value, headers: {} }))));

  beforeAll(async () => {
    ({ t, runner } = await openReporting(open));
  }, 60_000);
  afterAll(async () => t?.close());

  it('project a claim whose interest is more than 10^20 fen, and what comes after it', async () => {
    await hear(loansDecidedV2.topic, [decided('INTEREST-1', '91110105MB00000011', { interestRatePct: '123456.7891', guaranteeFeeRatePct: '99999.9999' })]);
    const claims: ServicingDecidedV2 = {
      bank: 'ICBC',
      batchRef: 'C-1',
      kind: 'claim',
      firstRow: 1,
      decidedAt: claim.recordedAt,
      row: [1],
      loanId: ['INTEREST-1'],
      codes: [[]],
      repaid: [],
      claims: [{ ...claim, index: 0 }],
      recoveries: [],
    };
    await hear(servicingDecidedV2.topic, [claims]);
    await hear(loansDecidedV2.topic, [decided('AFTER-INTEREST-1', '91110105MB00000029', { programme: 'P1' })]);
    await eventually(
      async () => {
        await runner.subscription.poll();
        const [{ n }] = await t.db.query<{ n: number }>(`select count(*)::int as n from ${SCHEMA}.r_guarantees`);
        return n === 2;
      },
      30_000,
      'both guarantees projected',
    );
    const [row] = await t.db.query<{ compensation: string }>(`select compensation_fen::text as compensation from ${SCHEMA}.r_claims`);
    expect(row.compensation).toBe(claim.compensationFen);

    const f = await figures(t.db, { from: '2025-01-01', to: '2025-12-31', slice: {} });
    expect(f.new_guarantees.count).toBe(2);
    expect(f.compensation.amount).toBe('1600000000000008000.00');
  });
});
