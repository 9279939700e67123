import { BreakerApproachedV1, LoansDecidedV2, ServicingFiledV2, breakerApproachedV1, releaseRemindersV1 } from '@g2g/contracts';
import { Database, migrate, storeMigrations } from '@g2g/event-store';
import { rebuildState } from '@g2g/platform';
import { TestDatabase, embeddedDatabase, freshServerDatabase } from '@g2g/testing';
import { compensationState } from '../compensation.module';
import { decideServicing, recordGuarantees } from '../decide-servicing/decide-servicing';
import { SCHEMA } from '../decide-servicing/guarantee-book';
import { compensationMigrations } from '../migrations';
import { sendReleaseReminders } from './release-reminders';

const PARTIES = [
  { role: 'bank', participant: 'ICBC', sharePct: '20' },
  { role: 'guarantor', participant: 'BJ-GUOHUA', sharePct: '40' },
  { role: 'reguarantor', participant: 'BJ-REG', sharePct: '20' },
  { role: 'fund', participant: 'NFGF', sharePct: '20' },
];

/** A decided chunk of `n` approved loans of 1,000,000.00 yuan each, maturing on 2026-01-10; ids `{ref}-1` ... */
function decided(ref: string, n: number, principalFen = '100000000', maturesOn = '2026-01-10'): LoansDecidedV2 {
  const each = <T>(v: T) => Array.from({ length: n }, () => v);
  return {
    programme: 'P',
    bank: 'ICBC',
    batchRef: ref,
    firstRow: 1,
    decidedAt: '2025-01-10T02:00:00.000Z',
    row: Array.from({ length: n }, (_, i) => i + 1),
    loanId: Array.from({ length: n }, (_, i) => `${ref}-${i + 1}`),
    codes: each([]),
    terms: [{ programmeVersion: '2025-01-01', province: '11', fundBacked: true, parties: PARTIES, claimGraceDays: 90, claimCoversInterest: false, fundCapPct: '4.0', breakerPct: '3.0' }],
    issued: {
      index: Array.from({ length: n }, (_, i) => i),
      terms: each(0),
      borrowerIdType: each('USCC' as const),
      borrowerId: Array.from({ length: n }, (_, i) => `B${i}`),
      borrowerName: each('x'),
      borrowerType: each('small' as const),
      industryCode: each('C1311'),
      industrySection: each('C'),
      regionCode: each('110105'),
      sciTech: 'N'.repeat(n),
      agriRelated: 'N'.repeat(n),
      inclusive: 'Y'.repeat(n),
      principalFen: each(principalFen),
      interestRatePct: each('4.50'),
      guaranteeFeeRatePct: each('0.80'),
      disbursedOn: each('2025-01-10'),
      maturesOn: each(maturesOn),
      termDays: each(365),
      guaranteeFeeFen: each('800000'),
      reguaranteeFeePct: each('0.5'),
    },
  } as LoansDecidedV2;
}

// a database of its own on the server: compensation's schema name is fixed
const databases = [
  ['server PostgreSQL', () => freshServerDatabase('g2g_int_reminders')],
  ['embedded PostgreSQL (PGlite)', embeddedDatabase],
] as const;

const filed = (ref: string, kind: 'repayment' | 'claim', loanIds: string[], extra: Partial<ServicingFiledV2>): ServicingFiledV2 => ({
  bank: 'ICBC',
  batchRef: ref,
  kind,
  firstRow: 1,
  filedAt: '2026-01-12T02:00:00.000Z',
  row: loanIds.map((_, i) => i + 1),
  loanId: loanIds,
  ...extra,
});

/**
 * The release reminders against real PostgreSQL (a server and the embedded one): one per guarantee
 * and due date whatever runs twice or side by side, stopping when a guarantee is repaid or claimed;
 * and the breaker's early warning raised once per crossing. Compensation's state is rebuilt from
 * its events and compared after each case.
 */
describe.each(databases)('release reminders, on %s', (_name, open) => {
  let t: TestDatabase;
  const at = (iso: string) => new Date(iso);
  const count = async (sql: string, params: unknown[] = []) => (await t.db.query<{ n: number }>(`select count(*)::int as n from ${sql}`, params))[0].n;
  const remindersOn = (due: string) => count(`${SCHEMA}.c_reminders where due_on = $1::date`, [due]);

  beforeAll(async () => {
    t = await open();
    await migrate(t.db, SCHEMA, [...storeMigrations, ...compensationMigrations]);
    await t.db.transaction((tx) => recordGuarantees(tx, [decided('A', 3)], at('2025-01-10T02:00:00Z')));
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('nothing is due on the maturity date', async () => {
    expect(await sendReleaseReminders(t.db, '2026-01-10', at('2026-01-10T01:00:00Z'))).toEqual({ remindedOn: '2026-01-10', reminders: 0, messages: 0 });
  });

  it('the same day twice: one reminder per guarantee, in one message to the bank', async () => {
    expect(await sendReleaseReminders(t.db, '2026-01-11', at('2026-01-11T01:00:00Z'))).toEqual({ remindedOn: '2026-01-11', reminders: 3, messages: 1 });
    expect(await sendReleaseReminders(t.db, '2026-01-11', at('2026-01-11T05:00:00Z'))).toEqual({ remindedOn: '2026-01-11', reminders: 0, messages: 0 });
    expect(await remindersOn('2026-01-11')).toBe(3);
    const [message] = await t.db.query<{ data: any }>(`select data from ${SCHEMA}.events where type = 'compensation.release-reminders.v1'`);
    expect(message.data).toMatchObject({ bank: 'ICBC', remindedOn: '2026-01-11' });
    expect(message.data.reminders[0]).toEqual({
      guaranteeId: 'ICBC/A-1', loanId: 'A-1', programme: 'P', guarantor: 'BJ-GUOHUA', maturesOn: '2026-01-10', dueOn: '2026-01-11', daysPastMaturity: 1, outstandingFen: '100000000',
    });
    // published as it is stored: the log is the outbox
    expect(await count(`${SCHEMA}.events where type = 'compensation.release-reminders.v1' and topic = $1`, [releaseRemindersV1.topic])).toBe(1);
    expect((await rebuildState(t.db, compensationState, 'verify')).identical).toBe(true);
  });

  it('a repaid guarantee and a claimed one are reminded no more; the one left is, on day 30', async () => {
    expect((await sendReleaseReminders(t.db, '2026-01-17', at('2026-01-17T00:00:00Z'))).reminders).toBe(3);
    await t.db.transaction(async (tx) => {
      await decideServicing(tx, [filed('R1', 'repayment', ['A-1'], { amountFen: ['100000000'], on: ['2026-01-20'] })], at('2026-01-21T00:00:00Z'));
      await decideServicing(
        tx,
        [filed('C1', 'claim', ['A-2'], { overdueSince: ['2025-10-01'], claimedOn: ['2026-01-20'], unpaidPrincipalFen: ['100000000'], unpaidInterestFen: ['0'] })],
        at('2026-01-21T00:00:00Z'),
      );
    });
    expect(await sendReleaseReminders(t.db, '2026-02-09', at('2026-02-09T00:00:00Z'))).toMatchObject({ reminders: 1 });
    const [only] = await t.db.query<{ guarantee_id: string }>(`select guarantee_id from ${SCHEMA}.c_reminders where due_on = '2026-02-09'`);
    expect(only.guarantee_id).toBe('ICBC/A-3');
    expect((await rebuildState(t.db, compensationState, 'verify')).identical).toBe(true);
  });

  it('the breaker warning: the claim that reaches 80 % of the breaker warns, the next one does not', async () => {
    // programme P now: 3,000,000.00 guaranteed, 800,000.00 compensated: 26.7 %, far past the line
    // already. A programme of its own: 100 loans of 1,000,000.00 (100,000,000.00 guaranteed; line 2.4 % = 2,400,000.00)
    const big = decided('W', 100);
    big.programme = 'Q';
    await t.db.transaction((tx) => recordGuarantees(tx, [big], at('2025-01-10T02:00:00Z')));
    const claims = (ids: string[], ref: string) =>
      t.db.transaction((tx) =>
        decideServicing(
          tx,
          [filed(ref, 'claim', ids, { overdueSince: ids.map(() => '2025-10-01'), claimedOn: ids.map(() => '2026-01-20'), unpaidPrincipalFen: ids.map(() => '100000000'), unpaidInterestFen: ids.map(() => '0') })],
          at('2026-01-21T00:00:00Z'),
        ),
      );
    const warnings = async () => (await t.db.query<{ value: BreakerApproachedV1 }>(`select value from ${SCHEMA}.outbox where topic = $1 order by position`, [breakerApproachedV1.topic])).map((r) => r.value);
    // each claim compensates 800,000.00: two make 1.6 %, three 2.4 % exactly (the line), four 3.2 %
    await claims(['W-1', 'W-2'], 'Q1');
    expect((await warnings()).filter((w) => w.programme === 'Q')).toEqual([]);
    await claims(['W-3'], 'Q2');
    const [w] = (await warnings()).filter((x) => x.programme === 'Q');
    expect(w).toMatchObject({ programme: 'Q', lossRatio: '0.0240000000', warningPct: '2.4', breakerPct: '3.0', guaranteeId: 'ICBC/W-3', warnedOn: '2026-01-20' });
    expect(w.recipients.map((r) => r.participant)).toEqual(['BJ-GUOHUA', 'BJ-REG', 'NFGF']);
    await claims(['W-4'], 'Q3');
    expect((await warnings()).filter((x) => x.programme === 'Q')).toHaveLength(1);
  });
  it('three runs side by side, in two connections: one reminder per guarantee, none failed', async () => {
    if (t.kind === 'embedded') return; // the embedded PostgreSQL is a single session: its runs cannot overlap
    // 2,500 guarantees maturing a year later: three chunks of work per run, long enough to overlap
    await t.db.transaction((tx) => recordGuarantees(tx, [decided('C', 2_500, '100000000', '2027-01-10')], at('2025-01-10T02:00:00Z')));
    const other: Database = await t.connectAnother(2);
    let runs: { reminders: number }[];
    try {
      runs = await Promise.all([
        sendReleaseReminders(t.db, '2027-01-11', at('2027-01-11T00:00:00Z')),
        sendReleaseReminders(other, '2027-01-11', at('2027-01-11T00:00:00Z')),
        sendReleaseReminders(other, '2027-01-11', at('2027-01-11T00:00:00Z')),
      ]);
    } finally {
      await other.close();
    }
    const sent = await count(`${SCHEMA}.c_reminders where reminded_on = '2027-01-11'`);
    expect(runs.reduce((n, r) => n + r.reminders, 0)).toBe(sent);
    expect(await count(`${SCHEMA}.c_reminders where guarantee_id like 'ICBC/C-%'`)).toBe(2_500);
    expect((await rebuildState(t.db, compensationState, 'verify')).identical).toBe(true);
  }, 60_000);
});
