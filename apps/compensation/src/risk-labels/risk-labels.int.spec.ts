import { LoansDecidedV2, RisksLabelledV1, ServicingFiledV2 } from '@g2g/contracts';
import { RISK_MODEL, RiskModel, replayRisk } from '@g2g/domain';
import { migrate, storeMigrations } from '@g2g/event-store';
import { applyReferenceDataEvents, rebuildState } from '@g2g/platform';
import { TestDatabase, embeddedDatabase, freshServerDatabase } from '@g2g/testing';
import { PortfolioLoan, generatePortfolio } from '../../../cli/src/generate/generate-portfolio';
import { demoProgrammeDocument } from '../../../../libs/domain/src/programme/demo-programme.fixture';
import { compensationState } from '../compensation.module';
import { decideServicing, recordGuarantees } from '../decide-servicing/decide-servicing';
import { SCHEMA, store } from '../decide-servicing/guarantee-book';
import { compensationMigrations } from '../migrations';
import { riskHistoryOf } from './risk-history-source';
import { RISKS_LABELLED_EVENT, applyRiskEvents, labelGuarantees } from './risk-labels';

// a bank and a programme of this run's own, whatever the database holds
const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`.toUpperCase();
const BANK = `RB${RUN}`;
const PROGRAMME = { ...demoProgrammeDocument, id: `RISK-${RUN}`, banks: [BANK] };
const PARTIES = [
  { role: 'bank', participant: BANK, sharePct: '20' },
  { role: 'guarantor', participant: 'BJ-GUOHUA', sharePct: '40' },
  { role: 'reguarantor', participant: 'BJ-REG', sharePct: '20' },
  { role: 'fund', participant: 'NFGF', sharePct: '20' },
];

/** A cohort of the portfolio as underwriting would have decided it: every loan approved. */
function decidedOf(batchRef: string, loans: PortfolioLoan[]): LoansDecidedV2 {
  const v = loans.map((l) => l.row.values);
  const ls = loans.map((l) => l.loan);
  return {
    programme: PROGRAMME.id,
    bank: BANK,
    batchRef,
    firstRow: 1,
    decidedAt: '2026-01-01T00:00:00.000Z',
    row: loans.map((_, i) => i + 1),
    loanId: v.map((x) => x.loan_id!),
    codes: loans.map(() => []),
    terms: [{ programmeVersion: '2025-01-01', province: '11', fundBacked: true, parties: PARTIES, claimGraceDays: 90, claimCoversInterest: false, fundCapPct: '4.0', breakerPct: '3.0' }],
    issued: {
      index: loans.map((_, i) => i),
      terms: loans.map(() => 0),
      borrowerIdType: v.map((x) => x.borrower_id_type as 'USCC' | 'RID'),
      borrowerId: ls.map((l) => l.borrowerId),
      borrowerName: v.map((x) => x.borrower_name!),
      borrowerType: ls.map((l) => l.borrowerType as LoansDecidedV2['issued']['borrowerType'][number]),
      industryCode: v.map((x) => x.industry_code!),
      industrySection: ls.map((l) => l.industrySection),
      regionCode: ls.map((l) => l.regionCode),
      sciTech: ls.map((l) => (l.sciTech ? 'Y' : 'N')).join(''),
      agriRelated: ls.map((l) => (l.agriRelated ? 'Y' : 'N')).join(''),
      inclusive: ls.map(() => 'Y').join(''),
      principalFen: ls.map((l) => l.principalFen.toString()),
      interestRatePct: ls.map((l) => l.interestRatePct),
      guaranteeFeeRatePct: v.map((x) => x.guarantee_fee_rate_pct!),
      disbursedOn: ls.map((l) => l.disbursedOn),
      maturesOn: ls.map((l) => l.maturesOn),
      termDays: ls.map((l) => l.termDays),
      guaranteeFeeFen: ls.map(() => '0'),
      reguaranteeFeePct: ls.map(() => '0.5'),
    },
  };
}

const servicing = (batchRef: string, kind: 'claim' | 'repayment', loans: PortfolioLoan[]): ServicingFiledV2 => ({
  bank: BANK,
  batchRef,
  kind,
  firstRow: 1,
  filedAt: '2026-01-01T00:00:00.000Z',
  row: loans.map((_, i) => i + 1),
  loanId: loans.map((l) => l.row.values.loan_id!),
  ...(kind === 'claim'
    ? { overdueSince: loans.map((l) => l.claim!.overdueSince), claimedOn: loans.map((l) => l.claim!.claimedOn), unpaidPrincipalFen: loans.map((l) => l.loan.principalFen.toString()), unpaidInterestFen: loans.map(() => '0') }
    : { amountFen: loans.map((l) => (l.loan.principalFen / 2n).toString()), on: loans.map((l) => l.loan.disbursedOn) }),
});

/**
 * The risk labels compensation gives, against real PostgreSQL (a server and the embedded one): a
 * portfolio filed cohort by cohort with its claims in between, labelled on the claim history
 * kept in compensation's tables; the same labels come out of a replay of its log through the
 * pure fold, a rebuild gives the same tables, and labelling again with a newer model changes no
 * decision and counts no guarantee twice.
 */
const databases = [
  ['server PostgreSQL', () => freshServerDatabase('g2g_int_risk_labels')],
  ['embedded PostgreSQL (PGlite)', embeddedDatabase],
] as const;

describe.each(databases)('risk labels, on %s', (_name, open) => {
  let t: TestDatabase;
  const portfolio = generatePortfolio({ loans: 900, cohorts: 3, bank: BANK, seed: 7, defaults: 'dependent' });
  const cohort = (k: number) => portfolio.loans.filter((l) => l.batchRef === portfolio.batches[k].batchRef);
  const events = async () =>
    (await t.db.query<{ type: string; data: unknown }>(`select type, data from ${SCHEMA}.events order by global_position`)).map((e) => ({ type: e.type, data: typeof e.data === 'string' ? JSON.parse(e.data) : e.data }));
  const labelled = async () => (await events()).filter((e) => e.type === RISKS_LABELLED_EVENT).map((e) => e.data as RisksLabelledV1).filter((d) => d.bank === BANK);

  beforeAll(async () => {
    t = await open();
    await migrate(t.db, SCHEMA, [...storeMigrations, ...compensationMigrations]);
    await t.db.transaction(async (tx) => {
      const published = [{ type: 'registry.programme-published.v1', data: { programme: PROGRAMME, publishedAt: '2025-01-01T00:00:00.000Z' } }];
      await store.append(tx, [{ streamId: `reference:${PROGRAMME.id}`, expected: 'no_stream', events: published }]);
      await applyReferenceDataEvents(tx, SCHEMA, published);
    });
    // each cohort filed, then the claims of the cohorts before it and half its repayments: the next cohort is labelled on them
    for (let k = 0; k < 3; k++) {
      await t.db.transaction((tx) => recordGuarantees(tx, [decidedOf(`C${k}`, cohort(k))], new Date('2026-01-02T00:00:00Z')));
      const claims = cohort(k).filter((l) => l.claim);
      await t.db.transaction(async (tx) => {
        await decideServicing(tx, [servicing(`CL${k}`, 'claim', claims)], new Date('2026-01-03T00:00:00Z'));
        await decideServicing(tx, [servicing(`RP${k}`, 'repayment', cohort(k).filter((l) => !l.claim).slice(0, 50))], new Date('2026-01-03T00:00:00Z'));
      });
    }
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  it('labels every guarantee once, the later cohorts on the claims of the earlier ones', async () => {
    const chunks = await labelled();
    expect(chunks.map((c) => c.batchRef)).toEqual(['C0', 'C1', 'C2']);
    expect(chunks.every((c) => c.modelVersion === RISK_MODEL.version && c.loans.score.every((s) => /^0\.\d{4}$/.test(s)))).toBe(true);
    const bankRate = RISK_MODEL.features.indexOf('bank_claim_rate');
    expect(chunks[0].loans.values.every((v) => v[bankRate] === '0.0000')).toBe(true);
    expect(chunks[2].loans.values.every((v) => Number(v[bankRate]) > 0)).toBe(true);
    // filed again: labelled already
    await t.db.transaction((tx) => recordGuarantees(tx, [decidedOf('C0', cohort(0))], new Date('2026-01-04T00:00:00Z')));
    expect(await labelled()).toHaveLength(3);
  });

  it('the labels are those a replay of compensation\'s log gives, and a rebuild gives the same tables', async () => {
    const h = riskHistoryOf(await events());
    const replayed = new Map(replayRisk(h.facts, RISK_MODEL, h.limitsOf).map((r) => [r.guaranteeId, r.assessment!]));
    let compared = 0;
    for (const c of await labelled()) {
      c.loans.loanId.forEach((loanId, i) => {
        const a = replayed.get(`${c.bank}/${loanId}`)!;
        expect({ score: c.loans.score[i], labels: c.loans.labels[i], contributions: c.loans.contributions[i] }).toEqual({
          score: a.score,
          labels: a.labels,
          contributions: a.contributions.map((x) => x.contribution),
        });
        compared++;
      });
    }
    expect(compared).toBe(portfolio.loans.length);
    expect((await rebuildState(t.db, compensationState, 'verify')).identical).toBe(true);
  });

  it('a newer model labels the same guarantees again, in events of its own: no decision changes, no guarantee is counted twice', async () => {
    const state = async () => t.db.query(`select * from ${SCHEMA}.c_guarantees where bank = $1 order by guarantee_id`, [BANK]);
    const tallies = async () => t.db.query(`select * from ${SCHEMA}.c_risk_tallies where slice like $1 order by slice`, [`${PROGRAMME.id}|%`]);
    const before = { guarantees: await state(), tallies: await tallies() };
    const newer: RiskModel = { ...RISK_MODEL, version: 'g2g-risk-test-2', weights: RISK_MODEL.weights.map((w) => w * 2) };
    await t.db.transaction((tx) => labelGuarantees(tx, decidedOf('C0', cohort(0)), new Date('2026-02-01T00:00:00Z'), newer));
    const chunks = await labelled();
    expect(chunks.map((c) => `${c.batchRef} ${c.modelVersion}`)).toEqual(['C0 g2g-risk-1', 'C1 g2g-risk-1', 'C2 g2g-risk-1', 'C0 g2g-risk-test-2']);
    expect(chunks[3].loans.score).not.toEqual(chunks[0].loans.score);
    expect({ guarantees: await state(), tallies: await tallies() }).toEqual(before);
    expect(chunks.reduce((n, c) => n + c.loans.loanId.length, 0)).toBe(portfolio.loans.length + cohort(0).length);
    expect((await rebuildState(t.db, compensationState, 'verify')).identical).toBe(true);
  });
  // last: it writes the tables without an event, which the rebuilds above compare with
  it('keeps a chunk of one guarantee that has no label, with its region and industry section', async () => {
    const one: RisksLabelledV1 = {
      programme: PROGRAMME.id,
      bank: BANK,
      batchRef: 'ONE',
      firstRow: 1,
      modelVersion: RISK_MODEL.version,
      features: [...RISK_MODEL.features],
      labelledAt: '2026-01-05T00:00:00.000Z',
      loans: {
        loanId: ['ONE-1'],
        parties: [['BJ-GUOHUA']],
        borrowerId: ['91110105MA0000991X'],
        borrowerType: ['micro'],
        industrySection: ['C'],
        regionCode: ['110105'],
        sciTech: 'N',
        agriRelated: 'N',
        principalFen: ['10000000'],
        interestRatePct: ['4.5'],
        disbursedOn: ['2025-03-01'],
        maturesOn: ['2026-03-01'],
        termDays: [365],
        score: ['0.0100'],
        labels: [[]],
        values: [RISK_MODEL.features.map(() => '0')],
        contributions: [RISK_MODEL.features.map(() => '0')],
      },
    };
    await t.db.transaction((tx) => applyRiskEvents(tx, [{ type: RISKS_LABELLED_EVENT, data: one }]));
    expect(await t.db.query(`select programme, bank, region_code, industry_section from ${SCHEMA}.c_risk_guarantees where guarantee_id = $1`, [`${BANK}/ONE-1`])).toEqual([
      { programme: PROGRAMME.id, bank: BANK, region_code: '110105', industry_section: 'C' },
    ]);
  });
});

describe('a platform upgraded past migration 111', () => {
  it("keeps each labelled guarantee's region and industry section, read from the slice keys it had", async () => {
    const t = await freshServerDatabase('g2g_int_risk_upgrade', 1);
    try {
      const upTo110 = compensationMigrations.filter((m) => m.version <= 110);
      await migrate(t.db, SCHEMA, [...storeMigrations, ...upTo110]);
      await t.db.query(`insert into ${SCHEMA}.c_risk_guarantees (guarantee_id, programme, bank, slices) values ('ICBC/L1', 'P', 'ICBC', array['P|programme|', 'P|bank|ICBC', 'P|region|110105', 'P|industry|C'])`);
      await migrate(t.db, SCHEMA, [...storeMigrations, ...compensationMigrations]);
      expect(await t.db.query(`select * from ${SCHEMA}.c_risk_guarantees`)).toEqual([{ guarantee_id: 'ICBC/L1', programme: 'P', bank: 'ICBC', region_code: '110105', industry_section: 'C' }]);
      expect(await t.db.query(`select to_regclass('${SCHEMA}.c_risk_labels') as t`)).toEqual([{ t: null }]);
    } finally {
      await t.close();
    }
  });
});
