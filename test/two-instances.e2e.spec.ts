import { usccCheckCharacter } from '@g2g/domain';
import { SERVICES, eventually, kafkaBrokers } from '@g2g/testing';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { demoProgrammeDocument } from '../libs/domain/src/programme/demo-programme.fixture';
import { DEMO_PARTICIPANTS, LOAN_FIELDS, TestPlatform, csv } from './support/platform';

// Two processes of every service in the same consumer groups against one process of each: two
// banks file three batches each at the same time, through both intakes, into one programme whose
// quota and borrower limit bind, so that which loan is issued depends on the order the loans were
// filed in. The one-process platform is given the same batches one after the other in the order
// the two-process platform filed them; every row's outcome and the figures must come out the same.

const PROGRAMME = {
  ...demoProgrammeDocument,
  id: 'P-TWO',
  // the loans below ask for about 170 m yuan: the quota takes less than a third of them
  programme_quota: '50000000.00',
  // each borrower asks for about 7 m yuan over both banks
  max_borrower_principal: '3000000.00',
};
const BANKS = ['ICBC', 'BOC'] as const;
const BATCHES_PER_BANK = 3;
const ROWS_PER_BATCH = 30; // one chunk each: the filing order is the order of six chunks
const BORROWERS = 24;

const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
const borrower = (k: number) => uscc(`91110105MA${String(1000 + k).padStart(7, '0')}`);
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Batch n of bank b: rows of borrowers shared by both banks, principals from 0.4 to 1.5 m yuan, an interest rate over the cap now and then. */
function batch(b: number, n: number): string {
  const rows: string[] = [];
  for (let j = 0; j < ROWS_PER_BATCH; j++) {
    const g = (b * BATCHES_PER_BANK + n) * ROWS_PER_BATCH + j;
    const k = (g * 7) % BORROWERS;
    const principal = `${400_000 + ((g * 37) % 23) * 50_000}.${String(g % 100).padStart(2, '0')}`;
    const rate = g % 17 === 5 ? '9.00' : '4.35';
    const disbursed = addDays('2025-03-01', g % 28);
    const matures = addDays(disbursed, 365);
    rows.push(`${BANKS[b]}-${n}-${j},USCC,${borrower(k)},共享借款企业${k},small,C1311,110105,N,N,${principal},CNY,${rate},0.80,${disbursed},${matures}`);
  }
  return csv(LOAN_FIELDS, rows);
}

const filings = BANKS.flatMap((bank, b) => Array.from({ length: BATCHES_PER_BANK }, (_, n) => ({ bank, ref: `${bank}-TWO-${n}`, body: batch(b, n), instance: b })));
type Filing = (typeof filings)[number];

describe('two processes of every service in one consumer group', () => {
  const two = new TestPlatform({}, { instances: 2 });
  const one = new TestPlatform();

  beforeAll(async () => {
    await Promise.all([two.start(), one.start()]);
    await Promise.all([two.publish(DEMO_PARTICIPANTS, [PROGRAMME]), one.publish(DEMO_PARTICIPANTS, [PROGRAMME])]);
  }, 240_000);

  afterAll(async () => Promise.all([two.stop(), one.stop()]));

  it('decides concurrent batches in filing order, with the same outcomes and figures as one process of each', async () => {
    // every group of the two-process platform has both processes in it
    const admin = new Kafka({ clientId: 'g2g-e2e-groups', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(two.namespace));
      expect(groups.length).toBeGreaterThanOrEqual(SERVICES.length);
      await eventually(async () => (await admin.describeGroups(groups)).groups.every((g) => g.state === 'Stable' && g.members.length === 2), 60_000, 'two members in every group');
    } finally {
      await admin.disconnect();
    }

    // two banks at once, ICBC through the first intake and BOC through the second
    const answers = await Promise.all(filings.map((f) => two.file(f.bank, 'batches', f.ref, f.body, { programme: PROGRAMME.id, instance: f.instance })));
    expect(answers.map((a) => [a.status, a.body?.rows])).toEqual(filings.map(() => [202, ROWS_PER_BATCH]));
    for (const f of filings) await two.complete(f.bank, 'batches', f.ref);

    // the order intake filed the chunks in (its log), and the order underwriting decided them in
    const sql = new Client({ connectionString: two.databaseUrl });
    await sql.connect();
    const orderOf = async (schema: string, type: string) =>
      (
        await sql.query<{ bank: string; ref: string }>(
          `select data->>'bank' as bank, data->>'batchRef' as ref from ${schema}.events where type = $1 order by transaction_id, global_position`,
          [type],
        )
      ).rows.map((r) => `${r.bank}/${r.ref}`);
    const filed = await orderOf('intake', 'intake.loans-filed.v2');
    const decided = await orderOf('underwriting', 'underwriting.loans-decided.v2');
    await sql.end();
    expect(filed).toHaveLength(filings.length);
    expect(decided).toEqual(filed);

    // the one-process platform: the same batches, one after the other, in that order
    const byKey = new Map(filings.map((f) => [`${f.bank}/${f.ref}`, f]));
    for (const key of filed) {
      const f = byKey.get(key) as Filing;
      expect((await one.file(f.bank, 'batches', f.ref, f.body, { programme: PROGRAMME.id })).status).toBe(202);
    }
    for (const f of filings) await one.complete(f.bank, 'batches', f.ref);

    const outcomesOf = async (platform: TestPlatform) => {
      const all: Record<string, [number, string | null, string, string[]][]> = {};
      for (const f of filings) all[f.ref] = await platform.outcomes(f.bank, 'batches', f.ref);
      return all;
    };
    const twoOutcomes = await outcomesOf(two);
    const oneOutcomes = await outcomesOf(one);
    expect(twoOutcomes).toEqual(oneOutcomes);

    // the limits did bind: the test means something only if order decides
    const codes = Object.values(twoOutcomes).flat().flatMap(([, , , c]) => c);
    expect(codes).toContain('QUOTA');
    expect(codes).toContain('BORROWER_LIMIT');
    expect(codes).toContain('INTEREST_RATE');
    const approved = Object.values(twoOutcomes).flat().filter(([, , outcome]) => outcome === 'approved').length;
    expect(approved).toBeGreaterThan(0);

    // the figures, once each platform's reporting has every guarantee and both re-guarantee fees
    const figuresOf = async (platform: TestPlatform) => {
      let f: any;
      await eventually(async () => {
        f = (await platform.call('reporting', 'GET', '/figures?from=2025-01-01&to=2026-12-31', platform.keys.NFRA)).body;
        return f?.new_guarantees?.count === approved && Object.keys(f?.reguarantee_fees ?? {}).length === 2;
      }, 60_000, 'reporting to catch up');
      return f;
    };
    const twoFigures = await figuresOf(two);
    expect(twoFigures).toEqual(await figuresOf(one));
    // both processes of reporting answer the same
    expect((await two.call('reporting', 'GET', '/figures?from=2025-01-01&to=2026-12-31', two.keys.NFRA, undefined, undefined, 1)).body).toEqual(twoFigures);

    // and cession's statements agree with the figures
    for (const participant of ['BJ-REG', 'NFGF']) {
      const statement = (await two.call('cession', 'GET', `/statements/${participant}/2025-03`, two.keys[participant])).body;
      expect(statement.loans).toBe(approved);
      expect(statement.reguarantee_fees).toBe(twoFigures.reguarantee_fees[participant]);
    }

    // every process's relays (each follows its own schema's outbox and log) have nothing left to send
    for (const service of SERVICES) {
      for (const instance of [0, 1]) {
        let backlog: any;
        await eventually(async () => {
          backlog = await (await fetch(`${two.url(service, instance)}/health/backlog`)).json();
          return backlog.behind === 0;
        }, 30_000, `${service} #${instance + 1} to have relayed everything`);
        expect(backlog.mode).toBe('distributed');
        expect(backlog.followers.map((f: { follower: string }) => f.follower)).toEqual(expect.arrayContaining([`${service}/outbox-relay`, `${service}/event-relay`]));
      }
    }
  }, 240_000);
});
