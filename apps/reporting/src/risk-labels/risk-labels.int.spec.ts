import { LoansDecidedV2, RisksLabelledV1, loansDecidedV2, risksLabelledV1 } from '@g2g/contracts';
import { RISK_MODEL } from '@g2g/domain';
import { TestDatabase, embeddedDatabase, eventually, freshServerDatabase } from '@g2g/testing';
import { figures } from '../figures-api/figures';
import { render } from '../feeds/feed.controller';
import { ProjectionRunner } from '../projections/projection.runner';
import { SCHEMA, record } from '../record-log/record-log.consumer';
import { openReporting } from '../reporting-database.fixture';

const databases = [
  ['server PostgreSQL', () => freshServerDatabase('g2g_int_risk_labels')],
  ['embedded PostgreSQL (PGlite)', embeddedDatabase],
] as const;

const PARTIES = [
  { role: 'bank', participant: 'ICBC', sharePct: '20' },
  { role: 'guarantor', participant: 'BJ-GUOHUA', sharePct: '40' },
  { role: 'reguarantor', participant: 'BJ-REG', sharePct: '20' },
  { role: 'fund', participant: 'NFGF', sharePct: '20' },
];
const IDS = ['A', 'B', 'C'];
const each = <T>(f: (i: number) => T) => IDS.map((_, i) => f(i));

const decided: LoansDecidedV2 = {
  programme: 'P',
  bank: 'ICBC',
  batchRef: 'B1',
  firstRow: 1,
  decidedAt: '2025-03-01T02:00:00.000Z',
  row: each((i) => i + 1),
  loanId: IDS,
  codes: each(() => []),
  terms: [{ programmeVersion: '2025-01-01', province: '11', fundBacked: true, parties: PARTIES, claimGraceDays: 90, claimCoversInterest: false, fundCapPct: '4', breakerPct: '3' }],
  issued: {
    index: each((i) => i),
    terms: each(() => 0),
    borrowerIdType: each(() => 'USCC' as const),
    borrowerId: each((i) => `9111010500000000${i}X`),
    borrowerName: each(() => '某某公司'),
    borrowerType: each(() => 'small' as const),
    industryCode: each(() => 'C1311'),
    industrySection: each(() => 'C'),
    regionCode: each(() => '110105'),
    sciTech: 'NNN',
    agriRelated: 'NNN',
    inclusive: 'YYY',
    principalFen: ['100000000', '200000000', '400000000'],
    interestRatePct: ['4.50', '7.50', '4.50'],
    guaranteeFeeRatePct: each(() => '0.80'),
    disbursedOn: each(() => '2025-03-01'),
    maturesOn: ['2028-02-01', '2028-02-01', '2026-03-01'],
    termDays: [1067, 1067, 365],
    guaranteeFeeFen: each(() => '0'),
    reguaranteeFeePct: each(() => '0.3'),
  },
};

const label = (code: string) => ({ code, reason: 'why', feature: 'term_years', contribution: '0.5000' });
const labelled = (modelVersion: string, labels: string[][]): RisksLabelledV1 => ({
  programme: 'P',
  bank: 'ICBC',
  batchRef: 'B1',
  firstRow: 1,
  modelVersion,
  features: ['term_years'],
  labelledAt: '2025-03-01T02:00:01.000Z',
  loans: {
    loanId: IDS,
    parties: each(() => ['BJ-GUOHUA', 'BJ-REG', 'NFGF']),
    borrowerId: decided.issued.borrowerId,
    borrowerType: decided.issued.borrowerType,
    industrySection: decided.issued.industrySection,
    regionCode: decided.issued.regionCode,
    sciTech: 'NNN',
    agriRelated: 'NNN',
    principalFen: decided.issued.principalFen,
    interestRatePct: decided.issued.interestRatePct,
    disbursedOn: decided.issued.disbursedOn,
    maturesOn: decided.issued.maturesOn,
    termDays: decided.issued.termDays,
    score: ['0.1000', '0.2000', '0.0500'],
    labels: labels.map((codes) => codes.map(label)),
    values: each(() => ['2.9233']),
    contributions: each(() => ['0.5000']),
  },
});

/**
 * Reporting's side of the risk labels on real PostgreSQL (a server and the embedded one): a
 * labelled chunk lands in the feeds of its guarantees' parties but the bank, and `risk_label`
 * slices the figures to the guarantees the committed model labelled so (not another version's).
 */
describe.each(databases)('risk labels in reporting, on %s', (_name, open) => {
  let t: TestDatabase;
  let runner: ProjectionRunner;
  let heard = 0;
  const hear = (topic: string, values: object[]) => t.db.transaction((tx) => record({ tx }, values.map((value) => ({ id: `test:${++heard}`, topic, key: 'k', value, headers: {} }))));

  beforeAll(async () => {
    ({ t, runner } = await openReporting(open));
    await hear(loansDecidedV2.topic, [decided]);
    await hear(risksLabelledV1.topic, [labelled(RISK_MODEL.version, [['TERM_AT_EDGE'], ['TERM_AT_EDGE', 'RATE_AT_EDGE'], []])]);
    await hear(risksLabelledV1.topic, [labelled('another-model', [['RATE_AT_EDGE'], [], ['TERM_AT_EDGE']])]);
    await eventually(
      async () => {
        await runner.subscription.poll();
        const [{ n }] = await t.db.query<{ n: number }>(`select count(*)::int as n from ${SCHEMA}.r_risk_labels`);
        return n === 6;
      },
      30_000,
      'the labels projected',
    );
  }, 60_000);
  afterAll(async () => t?.close());

  it('slices the figures by the committed model\'s labels', async () => {
    const of = async (riskLabel?: string) => (await figures(t.db, { from: '2025-01-01', to: '2025-12-31', slice: riskLabel ? { riskLabel } : {} })).new_guarantees;
    expect(await of()).toMatchObject({ count: 3, principal: '7000000.00' });
    expect(await of('TERM_AT_EDGE')).toMatchObject({ count: 2, principal: '3000000.00' });
    expect(await of('RATE_AT_EDGE')).toMatchObject({ count: 1, principal: '2000000.00' });
    expect(await of('MODEL_HIGH_SCORE')).toMatchObject({ count: 0 });
  });

  it('puts each label in the feeds of its guarantee\'s guarantor, re-guarantor and Fund, not the bank\'s', async () => {
    const [e] = await t.db.query<{ position: string; data: unknown }>(`select global_position::text as position, data from ${SCHEMA}.events where type = $1 order by global_position limit 1`, [risksLabelledV1.topic]);
    const fed = await t.db.query<{ participant: string }>(`select participant from ${SCHEMA}.r_feed where position = $1 order by participant`, [e.position]);
    expect(fed.map((f) => f.participant)).toEqual(['BJ-GUOHUA', 'BJ-REG', 'NFGF']);
    const data = typeof e.data === 'string' ? JSON.parse(e.data) : e.data;
    const messages = render('BJ-REG', BigInt(e.position), risksLabelledV1.topic, data, 'now');
    expect(messages.map((m) => [m.key, m.value])).toEqual([
      ['ICBC/A', expect.objectContaining({ score: '0.1000', labels: [label('TERM_AT_EDGE')], contributions: [{ feature: 'term_years', value: '2.9233', contribution: '0.5000' }] })],
      ['ICBC/B', expect.objectContaining({ score: '0.2000' })],
      ['ICBC/C', expect.objectContaining({ score: '0.0500', labels: [] })],
    ]);
    expect(render('ICBC', BigInt(e.position), risksLabelledV1.topic, data, 'now')).toEqual([]);
  });

  it('projects a chunk of one guarantee that has no label (its labels an empty list, not a null)', async () => {
    const three = labelled('solo-model', [[], [], []]);
    const loans = Object.fromEntries(Object.entries(three.loans).map(([k, v]) => [k, typeof v === 'string' ? v.slice(0, 1) : (v as unknown[]).slice(0, 1)]));
    await hear(risksLabelledV1.topic, [{ ...three, loans }]);
    await eventually(
      async () => {
        await runner.subscription.poll();
        return (await t.db.query(`select 1 from ${SCHEMA}.r_risk_labels where model_version = 'solo-model'`)).length === 1;
      },
      15_000,
      'the one guarantee projected',
    );
    expect(await t.db.query(`select guarantee_id, labels from ${SCHEMA}.r_risk_labels where model_version = 'solo-model'`)).toEqual([{ guarantee_id: 'ICBC/A', labels: [] }]);
  });
});
