import { LoansDecidedV2, ServicingDecidedV2 } from '@g2g/contracts';
import { RISK_MODEL, RiskFact, RiskLoan, assessRisk, emptyLedger, evolveRiskLedger, readProgramme, riskContextOf, riskLimitsOf } from '@g2g/domain';
import { EventStore, Sql, migrate, storeMigrations } from '@g2g/event-store';
import { applyProgramme, rebuildState } from '@g2g/platform';
import { TestDatabase, freshServerDatabase } from '@g2g/testing';
import { demoProgrammeDocument } from '../../../../libs/domain/src/programme/demo-programme.fixture';
import { underwritingMigrations } from '../migrations';
import { freePrincipal } from '../programme-breaker/loan-lifecycle.consumer';
import { SCHEMA } from '../publish-reference-data/publish-reference-data';
import { underwritingState } from '../underwriting.module';
import { decideLoanChunks } from './decide-loans';
import { Loan, chunk, filing } from './filed-chunk.fixture';

// A programme that names max_risk_score: underwriting scores each loan on the claim history it
// keeps from its own events (the guarantees it issued, the claims compensation paid), and rejects
// one above the threshold with RISK_SCORE. The scores are checked against the pure risk fold over
// the same facts, worked out here from what the test filed and claimed.

const doc = (effectiveFrom: string, maxRiskScore: string) => ({ ...demoProgrammeDocument, id: 'R', banks: ['B1'], effective_from: effectiveFrom, max_risk_score: maxRiskScore });

/** A programme version as PublishReferenceData stores it: its event, and the projection of it. */
async function publish(tx: Sql, programme: ReturnType<typeof doc>): Promise<void> {
  const store = new EventStore(SCHEMA);
  const version = await store.version(tx, 'programme:R');
  const data = { programme, publishedAt: `${programme.effective_from}T00:00:00Z` };
  await store.append(tx, [{ streamId: 'programme:R', expected: version === 0 ? 'no_stream' : version, events: [{ type: 'registry.programme-published.v1', data }] }]);
  await applyProgramme(tx, SCHEMA, data);
}

const riskLoan = (l: Loan, disbursedOn: string): RiskLoan => ({
  guaranteeId: `B1/L${l.n}`,
  programme: 'R',
  bank: 'B1',
  borrowerId: l.borrowerId,
  borrowerType: 'micro',
  industrySection: 'C',
  regionCode: l.regionCode!,
  sciTech: false,
  agriRelated: false,
  principalFen: BigInt(l.principalFen),
  interestRatePct: '4.5',
  disbursedOn,
  maturesOn: '2026-03-01',
  termDays: Math.round((Date.parse('2026-03-01') - Date.parse(disbursedOn)) / 86_400_000),
});

describe('a programme that gates on the risk score', () => {
  let t: TestDatabase;
  const first = [...Array.from({ length: 10 }, (_, i) => filing(100 + i, '5000000', undefined, { regionCode: '110105', disbursedOn: '2025-01-10' })), ...Array.from({ length: 10 }, (_, i) => filing(200 + i, '5000000', undefined, { regionCode: '110106', disbursedOn: '2025-01-10' }))];
  const claimed = first.slice(0, 5); // half of region 110105's guarantees, none of 110106's
  const later = [filing(300, '5000000', undefined, { regionCode: '110105', disbursedOn: '2025-07-01' }), filing(301, '5000000', undefined, { regionCode: '110106', disbursedOn: '2025-07-01' })];

  /** What the pure fold says of the later loans, on the history of the first chunk and its claims. */
  const expectedAssessments = () => {
    const facts: RiskFact[] = [
      { type: 'guarantees-recorded', programme: 'R', guarantees: first.map((l) => ({ guaranteeId: `B1/L${l.n}`, borrowerId: l.borrowerId, principalFen: BigInt(l.principalFen) })) },
      { type: 'risks-labelled', loans: first.map((l) => riskLoan(l, '2025-01-10')) },
      ...claimed.map((l): RiskFact => ({ type: 'claimed', guaranteeId: `B1/L${l.n}`, overdueSince: '2025-02-15' })),
    ];
    const ledger = facts.reduce(evolveRiskLedger, emptyLedger());
    const read = readProgramme(doc('2025-06-01', '1'));
    if (!read.ok) throw new Error('the programme does not read');
    // each later loan's borrower is new: its exposure is the loan itself
    return later.map((l) => assessRisk(RISK_MODEL, riskLoan(l, '2025-07-01'), { ...riskContextOf(ledger, riskLoan(l, '2025-07-01')), borrowerOutstandingFen: BigInt(l.principalFen) }, riskLimitsOf(read.programme)));
  };

  beforeAll(async () => {
    t = await freshServerDatabase('g2g_int_risk_gate', 2);
    await migrate(t.db, SCHEMA, [...storeMigrations, ...underwritingMigrations]);
  }, 60_000);
  afterAll(async () => t?.close());

  it('rejects a loan scored above max_risk_score with RISK_SCORE, on the claims known when it is decided', async () => {
    await t.db.transaction((tx) => publish(tx, doc('2025-01-01', '1')));
    const [a] = await t.db.transaction((tx) => decideLoanChunks(tx, [chunk('B1', first, 'first', 'R')], new Date()));
    expect(a.codes.every((c) => c.length === 0)).toBe(true);

    const servicing = {
      bank: 'B1',
      repaid: [],
      claims: claimed.map((l, index) => ({ index, programme: 'R', guaranteeId: `B1/L${l.n}`, borrowerId: l.borrowerId, unpaidPrincipalFen: l.principalFen, overdueSince: '2025-02-15' })),
    } as unknown as ServicingDecidedV2;
    await t.db.transaction((tx) => freePrincipal(tx, servicing, 'servicing:B1:claims:1'));

    const expected = expectedAssessments();
    const [high, low] = expected.map((a) => a.score);
    expect(Number(high)).toBeGreaterThan(Number(low)); // the claims in 110105 raise its loans' score
    // from July, a threshold at the 110106 loan's score: it passes (inclusive), the 110105 loan is above it
    await t.db.transaction((tx) => publish(tx, doc('2025-06-01', low)));
    const [b] = await t.db.transaction((tx) => decideLoanChunks(tx, [chunk('B1', later, 'later', 'R')], new Date()));
    expect(b.codes).toEqual([['RISK_SCORE'], []]);
    expect(b.issued.index).toEqual([1]);

    // the scores it decided on, kept with the event, are the fold's
    const [event] = await t.db.query<{ metadata: { riskScores: unknown } }>(`select metadata from ${SCHEMA}.events where type = 'underwriting.loans-decided.v2' and data->>'batchRef' = 'later'`);
    expect(event.metadata.riskScores).toEqual(expected.map((a, index) => ({ index, score: a.score, labels: a.labels.map((l) => l.code) })));
    expect(expected[0].labels.map((l) => l.code)).toContain('BANK_OVERDUE_RISING'); // the bank's claims of February
    const tallies = await t.db.query(`select slice, issued, claimed from ${SCHEMA}.risk_tallies where slice like 'R|region|%' order by slice`);
    expect(tallies).toEqual([
      { slice: 'R|region|110105', issued: 10, claimed: 5 },
      { slice: 'R|region|110106', issued: 11, claimed: 0 },
    ]);
  });

  it('keeps the claim history as a projection of its events: a rebuild gives the same tables', async () => {
    const report = await rebuildState(t.db, underwritingState, 'verify');
    expect(report.differences).toEqual([]);
    expect(report.identical).toBe(true);
    const decided = await t.db.query<{ data: LoansDecidedV2 }>(`select data from ${SCHEMA}.events where type = 'underwriting.loans-decided.v2'`);
    expect(decided).toHaveLength(2);
  });
});
