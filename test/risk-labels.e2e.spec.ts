import { LOAN_ROW_FIELDS } from '@g2g/domain';
import { eventually } from '@g2g/testing';
import { generatePortfolio } from '../apps/cli/src/generate/generate-portfolio';
import { demoProgrammeDocument } from '../libs/domain/src/programme/demo-programme.fixture';
import { DEMO_PARTICIPANTS, TestPlatform } from './support/platform';

// Risk labels over real Kafka and PostgreSQL: a generated portfolio filed cohort by cohort with
// its claims in between; compensation labels every guarantee it records, reporting shows the
// labels in the loan's history and in the guarantor's feed (not the bank's), and rebuilding both
// services' state from their events gives the same labels.

const platform = new TestPlatform();
const P = 'RISK-E2E';
// a breaker this portfolio's claims do not trip, so that every cohort is issued
const programme = { ...demoProgrammeDocument, id: P, banks: ['ICBC'], breaker_pct: '50.0' };
const portfolio = generatePortfolio({ loans: 450, cohorts: 3, bank: 'ICBC', seed: 21, defaults: 'dependent' });
const RISK_LABELLED = 'g2g.compensation.risk-labelled.v1';

const csvOf = (rows: (typeof portfolio.batches)[number]['rows']) => [LOAN_ROW_FIELDS.join(','), ...rows.map((r) => LOAN_ROW_FIELDS.map((f) => r.values[f] ?? '').join(','))].join('\n') + '\n';

describe('risk labels: given by compensation, shown by reporting, the same after a rebuild', () => {
  beforeAll(async () => {
    await platform.start();
    await platform.publish(DEMO_PARTICIPANTS, [programme]);
  }, 180_000);
  afterAll(async () => {
    await platform.stop();
  });

  const k = () => platform.keys;
  const history = async (loanId: string) => (await platform.call('reporting', 'GET', `/loans/ICBC/${loanId}/history`, k().ICBC)).body;
  async function feedOf(code: string): Promise<{ topic: string; key: string; value: any }[]> {
    const all: { topic: string; key: string; value: any }[] = [];
    for (let after = 0; ; ) {
      const { body } = await platform.call('reporting', 'GET', `/feed?after=${after}&limit=500`, k()[code]);
      all.push(...body.messages);
      if (body.messages.length === 0) return all;
      after = body.next;
    }
  }

  it('labels every issued guarantee, in its history and in its guarantor\'s feed', async () => {
    let approved = 0;
    for (const [i, b] of portfolio.batches.entries()) {
      expect((await platform.file('ICBC', 'batches', b.batchRef, csvOf(b.rows), { programme: P })).status).toBe(202);
      approved += (await platform.complete('ICBC', 'batches', b.batchRef)).approved;
      const claims = portfolio.loans.filter((l) => l.batchRef === b.batchRef && l.claim);
      const body = ['loan_id,overdue_since,claimed_on,unpaid_principal,unpaid_interest', ...claims.map((l) => `${l.row.values.loan_id},${l.claim!.overdueSince},${l.claim!.claimedOn},${l.row.values.principal},0`)].join('\n') + '\n';
      expect((await platform.file('ICBC', 'claims', `risk-claims-${i}`, body)).status).toBe(202);
      await platform.complete('ICBC', 'claims', `risk-claims-${i}`);
    }
    expect(approved).toBeGreaterThan(400);

    const last = portfolio.loans.filter((l) => l.batchRef === portfolio.batches[2].batchRef && !l.claim)[0].row.values.loan_id!;
    let labelled: any;
    await eventually(async () => {
      labelled = (await history(last)).events.find((e: { event: string }) => e.event === RISK_LABELLED);
      return labelled !== undefined;
    }, 90_000, 'the label to reach the loan\'s history');
    const events = (await history(last)).events.map((e: { event: string }) => e.event);
    expect(events.indexOf(RISK_LABELLED)).toBeGreaterThan(events.indexOf('g2g.underwriting.guarantee-issued.v1'));
    expect(labelled.data).toMatchObject({ guaranteeId: `ICBC/${last}`, programme: P, modelVersion: 'g2g-risk-1', score: expect.stringMatching(/^0\.\d{4}$/) });
    expect(labelled.data.contributions).toHaveLength(11);
    // the third cohort was labelled on the claims of the first two
    expect(Number(labelled.data.contributions.find((c: { feature: string }) => c.feature === 'bank_claim_rate').value)).toBeGreaterThan(0);

    let guarantor: { topic: string; key: string; value: any }[] = [];
    await eventually(async () => {
      guarantor = (await feedOf('BJ-GUOHUA')).filter((m) => m.topic === RISK_LABELLED);
      return guarantor.length === approved;
    }, 90_000, 'a label in the guarantor\'s feed for every guarantee');
    expect(guarantor.find((m) => m.key === `ICBC/${last}`)!.value).toEqual(labelled.data);
    expect((await feedOf('ICBC')).filter((m) => m.topic === RISK_LABELLED)).toEqual([]);
    // and alone, by name
    const only = (await platform.call('reporting', 'GET', '/feed?only=risk-labelled&limit=5000', k()['BJ-GUOHUA'])).body.messages;
    expect(only.map((m: { topic: string }) => m.topic)).toEqual(guarantor.map(() => RISK_LABELLED));

    // rebuilt from their events, compensation's and reporting's state are what they were: the same labels
    for (const service of ['compensation', 'reporting'] as const) {
      const verified = await platform.call(service, 'GET', `/projections/${service}/verify`, platform.operatorKey);
      expect(verified.body).toMatchObject({ identical: true });
      const rebuilt = await platform.call(service, 'POST', `/projections/${service}/rebuild`, platform.operatorKey);
      expect(rebuilt.body).toMatchObject({ identical: true });
    }
    expect((await history(last)).events.find((e: { event: string }) => e.event === RISK_LABELLED).data).toEqual(labelled.data);
  }, 300_000);
});
