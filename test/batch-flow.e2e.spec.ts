import { residentIdCheckCharacter, usccCheckCharacter } from '@g2g/domain';
import { eventually, parsePrometheusText, samplesOf } from '@g2g/testing';
import { demoProgrammeDocument } from '../libs/domain/src/programme/demo-programme.fixture';
import { DEMO_PARTICIPANTS, LOAN_FIELDS, TestPlatform } from './support/platform';

// The batch flow over real Kafka and PostgreSQL, five service processes. Every expected value
// below is worked out here, from the rows as written, not read back from the platform.


const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
const rid = (first17: string) => first17 + residentIdCheckCharacter(first17);
const badCheck = (code: string) => code.slice(0, 17) + (code[17] === '0' ? '1' : '0');

const B1 = uscc('91110105MA0000001'); // micro, sci-tech
const B2 = uscc('92110108MA0000002'); // individual business
const FARMER = rid('11010519491231002');
const X = uscc('93110108MA0000003'); // agricultural entity filed by both banks at once
const B5 = uscc('91110101MA0000005'); // medium
const B6 = uscc('91110102MA0000006');
const B7 = uscc('91110102MA0000007');
const Q1 = uscc('91110105MA0000011');

const FIELDS = LOAN_FIELDS;
type Row = Record<string, string>;
const row = (v: string): Row => Object.fromEntries(FIELDS.split(',').map((f, i) => [f, v.split(',')[i]]));
const csv = (rows: Row[]) => [FIELDS, ...rows.map((r) => FIELDS.split(',').map((f) => r[f]).join(','))].join('\r\n') + '\r\n';

// ICBC's batch A (CSV) in the demo programme P1
const A = [
  row(`A-1,USCC,${B1},北京一号科技有限公司,micro,C1311,110105,Y,N,1000000.00,CNY,4.50,0.80,2025-03-01,2026-03-01`), // approved
  row(`A-2,RID,${FARMER},张三,farmer,A0111,110108,N,Y,200000.00,CNY,4.20,0.50,2025-03-02,2025-09-02`), // approved
  row(`A-3,USCC,${badCheck(B1)},坏码公司,micro,C1311,110105,N,N,1000.00,CNY,4.50,0.80,2025-03-01,2026-03-01`), // invalid
  row(`A-4,USCC,${B1},北京一号科技有限公司,micro,K7010,110105,N,N,100000.00,CNY,9.50,0.80,2025-03-01,2026-03-01`), // rejected
  row(`A-1,USCC,${B1},北京一号科技有限公司,micro,C1311,110105,N,N,1000.00,CNY,4.50,0.80,2025-03-01,2026-03-01`), // invalid: repeats row 1
  row(`A-6,USCC,${B1},北京一号科技有限公司,micro,C1311,110105,N,N,9000000.01,CNY,4.50,0.80,2025-03-01,2026-03-01`), // BORROWER_LIMIT
  row(`A-7,USCC,${B2},李四个体户,individual_business,F5211,110101,N,N,6000000.00,CNY,8.00,1.00,2025-03-10,2028-03-10`), // approved, caps and 36 months exactly
  row(`A-8,USCC,${B2},李四个体户,individual_business,F5211,110101,N,N,100000.00,CNY,5.00,0.80,2025-03-10,2028-03-11`), // TERM
  row(`A-9,USCC,${B2},李四个体户,individual_business,F5211,370102,N,N,100000.00,CNY,5.00,0.80,2025-03-10,2026-03-10`), // REGION
  row(`A-10,USCC,${X},某某农业合作社,agri_entity,A0511,110108,N,Y,6000000.00,CNY,5.00,0.60,2025-04-01,2026-04-01`), // shared borrower
];
// BOC's batch B (JSON Lines) in P1, filed at the same time
const Bj = (r: Row) => JSON.stringify(r);
const B = [
  Bj(row(`B-1,USCC,${B5},中型企业有限公司,medium,C3011,110101,N,N,500000.00,CNY,4.00,0.70,2025-05-01,2026-05-01`)), // approved, not inclusive
  JSON.stringify({ ...row(`B-2,USCC,${B6},数字公司,micro,C1311,110102,N,N,1,CNY,4,0.7,2025-05-01,2026-05-01`), principal: 1000 }), // invalid: JSON number
  '{"loan_id": "B-3", "borrower_id": ', // invalid: not JSON
  Bj(row(`B-4,USCC,${X},某某农业合作社,agri_entity,A0511,110108,N,Y,6000000.00,CNY,5.00,0.60,2025-04-01,2026-04-01`)), // shared borrower
  Bj(row(`B-5,USCC,${B6},一分钱公司,micro,C1311,110102,N,N,0.01,CNY,4.00,0.80,2025-05-02,2026-05-02`)), // approved: one fen
  Bj(row(`A-1,USCC,${B7},同号不同行公司,small,C1311,110102,Y,N,300000.00,CNY,4.00,0.80,2025-05-03,2026-05-03`)), // approved: loan ids are per bank
].join('\n') + '\n';
// ICBC's batch Q in the local programme P2 (no Fund; quota 3,000,000.00 yuan)
const Q = [
  row(`Q-1,USCC,${Q1},配额公司,small,C1311,110105,N,N,1000000.00,CNY,4.00,0.80,2025-06-01,2026-06-01`), // approved
  row(`Q-2,USCC,${Q1},配额公司,small,C1311,110105,N,N,2000000.01,CNY,4.00,0.80,2025-06-01,2026-06-01`), // QUOTA by one fen
  row(`Q-3,USCC,${Q1},配额公司,small,C1311,110105,N,N,2000000.00,CNY,4.00,0.80,2025-06-01,2026-06-01`), // approved: exactly on the quota
  row(`Q-4,USCC,${Q1},配额公司,small,C1311,110105,N,N,0.01,CNY,4.00,0.80,2025-06-01,2026-06-01`), // QUOTA
];

const demoProgramme = { ...demoProgrammeDocument, id: 'P1' };
const localProgramme = {
  ...demoProgramme,
  id: 'P2',
  name: 'Beijing local batch programme',
  banks: ['ICBC'],
  parties: [
    { role: 'bank', participant: '$bank', share_pct: '20' },
    { role: 'guarantor', participant: 'BJ-GUOHUA', share_pct: '50' },
    { role: 'reguarantor', participant: 'BJ-REG', share_pct: '30' },
  ],
  programme_quota: '3000000.00',
};

describe('a loan batch through intake, underwriting, cession and reporting over Kafka', () => {
  const platform = new TestPlatform();
  const keys = platform.keys;
  const call: TestPlatform['call'] = (...args) => platform.call(...args);
  const file = (bank: string, ref: string, programme: string, body: string, format: 'csv' | 'jsonl', key?: string) =>
    platform.file(bank, 'batches', ref, body, { programme, format, key });
  const complete = (bank: string, ref: string) => platform.complete(bank, 'batches', ref);
  const outcomes = (bank: string, ref: string) => platform.outcomes(bank, 'batches', ref);

  beforeAll(async () => {
    await platform.start();
    await platform.publish(DEMO_PARTICIPANTS, [demoProgramme, localProgramme]);
    await eventually(async () => (await call('cession', 'GET', '/statements/BJ-REG/2025-01', keys['BJ-REG'])).status !== 401, 60_000, 'keys in cession');
  }, 180_000);

  afterAll(async () => platform.stop());

  it('gives every row of two banks’ concurrent batches its outcome, and the figures add up', async () => {
    const [a, b, q] = await Promise.all([file('ICBC', 'A', 'P1', csv(A), 'csv'), file('BOC', 'B', 'P1', B, 'jsonl'), file('ICBC', 'Q', 'P2', csv(Q), 'csv')]);
    expect([a.status, b.status, q.status]).toEqual([202, 202, 202]);
    expect(a.body).toMatchObject({ rows: 10, invalid: 2 });
    expect(b.body).toMatchObject({ rows: 6, invalid: 2 });

    expect(await complete('ICBC', 'A')).toMatchObject({ rows: 10, invalid: 2, pending: 0 });
    expect(await complete('BOC', 'B')).toMatchObject({ rows: 6, invalid: 2, pending: 0 });
    expect(await complete('ICBC', 'Q')).toMatchObject({ rows: 4, approved: 2, rejected: 2 });

    const a_ = await outcomes('ICBC', 'A');
    const b_ = await outcomes('BOC', 'B');
    // the shared borrower: 6,000,000 + 6,000,000 > 10,000,000, so exactly one bank's loan is issued
    const xByIcbc = a_[9][2] === 'approved';
    expect([a_[9][2], b_[3][2]].sort()).toEqual(['approved', 'rejected']);
    expect(xByIcbc ? b_[3][3] : a_[9][3]).toEqual(['BORROWER_LIMIT']);

    expect(a_.slice(0, 9)).toEqual([
      [1, 'A-1', 'approved', []],
      [2, 'A-2', 'approved', []],
      [3, 'A-3', 'invalid', ['BAD_CHECK_CHARACTER']],
      [4, 'A-4', 'rejected', ['INTEREST_RATE', 'INDUSTRY']],
      [5, 'A-1', 'invalid', ['DUPLICATE_LOAN_ID']],
      [6, 'A-6', 'rejected', ['BORROWER_LIMIT']],
      [7, 'A-7', 'approved', []],
      [8, 'A-8', 'rejected', ['TERM']],
      [9, 'A-9', 'rejected', ['REGION']],
    ]);
    expect([b_[0], b_[1], b_[2], b_[4], b_[5]]).toEqual([
      [1, 'B-1', 'approved', []],
      [2, 'B-2', 'invalid', ['NOT_A_STRING']],
      [3, null, 'invalid', ['MALFORMED_JSON']],
      [5, 'B-5', 'approved', []],
      [6, 'A-1', 'approved', []],
    ]);
    expect(await outcomes('ICBC', 'Q')).toEqual([
      [1, 'Q-1', 'approved', []],
      [2, 'Q-2', 'rejected', ['QUOTA']],
      [3, 'Q-3', 'approved', []],
      [4, 'Q-4', 'rejected', ['QUOTA']],
    ]);

    // The figures, worked out from the approved rows. principal in fen, rates as written.
    type Issued = { bank: string; borrower: string; fen: bigint; rate: string; fee: string; from: string; to: string; inclusive: boolean; sci: boolean; programme: 'P1' | 'P2' };
    const fen = (yuan: string) => BigInt(yuan.replace('.', ''));
    const p1: Issued[] = [
      { bank: 'ICBC', borrower: B1, fen: fen('1000000.00'), rate: '4.50', fee: '0.80', from: '2025-03-01', to: '2026-03-01', inclusive: true, sci: true, programme: 'P1' },
      { bank: 'ICBC', borrower: FARMER, fen: fen('200000.00'), rate: '4.20', fee: '0.50', from: '2025-03-02', to: '2025-09-02', inclusive: true, sci: false, programme: 'P1' },
      { bank: 'ICBC', borrower: B2, fen: fen('6000000.00'), rate: '8.00', fee: '1.00', from: '2025-03-10', to: '2028-03-10', inclusive: true, sci: false, programme: 'P1' },
      { bank: xByIcbc ? 'ICBC' : 'BOC', borrower: X, fen: fen('6000000.00'), rate: '5.00', fee: '0.60', from: '2025-04-01', to: '2026-04-01', inclusive: true, sci: false, programme: 'P1' },
      { bank: 'BOC', borrower: B5, fen: fen('500000.00'), rate: '4.00', fee: '0.70', from: '2025-05-01', to: '2026-05-01', inclusive: false, sci: false, programme: 'P1' },
      { bank: 'BOC', borrower: B6, fen: 1n, rate: '4.00', fee: '0.80', from: '2025-05-02', to: '2026-05-02', inclusive: true, sci: false, programme: 'P1' },
      { bank: 'BOC', borrower: B7, fen: fen('300000.00'), rate: '4.00', fee: '0.80', from: '2025-05-03', to: '2026-05-03', inclusive: true, sci: true, programme: 'P1' },
    ];
    const p2: Issued[] = [
      { bank: 'ICBC', borrower: Q1, fen: fen('1000000.00'), rate: '4.00', fee: '0.80', from: '2025-06-01', to: '2026-06-01', inclusive: true, sci: false, programme: 'P2' },
      { bank: 'ICBC', borrower: Q1, fen: fen('2000000.00'), rate: '4.00', fee: '0.80', from: '2025-06-01', to: '2026-06-01', inclusive: true, sci: false, programme: 'P2' },
    ];
    const bp = (rate: string) => BigInt(Math.round(Number(rate) * 10_000)); // basis of 1/10,000 percent; rates here have 2 decimals
    const days = (from: string, to: string) => BigInt((Date.parse(to) - Date.parse(from)) / 86_400_000);
    const halfUp = (n: bigint, d: bigint) => (2n * n + d) / (2n * d);
    const yuan = (f: bigint) => `${f / 100n}.${String(f % 100n).padStart(2, '0')}`;
    const ratio = (n: bigint, d: bigint) => {
      const q = halfUp(n * 10n ** 10n, d).toString().padStart(11, '0');
      return `${q.slice(0, -10)}.${q.slice(-10)}`;
    };
    const sum = (xs: Issued[], f: (i: Issued) => bigint) => xs.reduce((s, i) => s + f(i), 0n);
    const all = [...p1, ...p2];
    const principal = sum(all, (i) => i.fen);
    const feeOf = (i: Issued) => halfUp(i.fen * bp(i.fee) * days(i.from, i.to), 365n * 100n * 10_000n);
    const byBorrower = new Map<string, bigint>();
    for (const i of all) byBorrower.set(i.borrower, (byBorrower.get(i.borrower) ?? 0n) + i.fen);
    const small = [...byBorrower.values()].filter((t) => t <= 500_000_000n).reduce((s, t) => s + t, 0n);
    // re-guarantee fees: each re-guarantor's and the Fund's risk x (0.3 or 0.5) x days / 365
    const reFee = (risk: bigint, i: Issued) => halfUp(risk * (i.fen <= 500_000_000n ? 3_000n : 5_000n) * days(i.from, i.to), 365n * 100n * 10_000n);
    const p1Fund = sum(p1, (i) => reFee((i.fen * 20n) / 100n, i));
    const regFees = p1Fund + sum(p2, (i) => reFee((i.fen * 30n) / 100n, i));
    // risk borne at the end: floor for every party but the guarantor, who bears the rest
    const risk: Record<string, bigint> = { ICBC: 0n, BOC: 0n, 'BJ-GUOHUA': 0n, 'BJ-REG': 0n, NFGF: 0n };
    for (const i of all) {
      const shares = i.programme === 'P1' ? { bank: 20n, reg: 20n, fund: 20n } : { bank: 20n, reg: 30n, fund: 0n };
      const parts = { bank: (i.fen * shares.bank) / 100n, reg: (i.fen * shares.reg) / 100n, fund: (i.fen * shares.fund) / 100n };
      risk[i.bank] += parts.bank;
      risk['BJ-REG'] += parts.reg;
      risk.NFGF += parts.fund;
      risk['BJ-GUOHUA'] += i.fen - parts.bank - parts.reg - parts.fund;
    }

    // reporting catches up with underwriting and cession in its own time
    const expectedReguaranteeFees = { 'BJ-REG': yuan(regFees), NFGF: yuan(p1Fund) };
    let f: any;
    await eventually(async () => {
      f = (await call('reporting', 'GET', '/figures?from=2025-01-01&to=2025-12-31', keys.NFRA)).body;
      return f.new_guarantees.count === all.length && JSON.stringify(f.reguarantee_fees) === JSON.stringify(expectedReguaranteeFees);
    }, 60_000, 'reporting to catch up');
    expect(f).toMatchObject({
      new_guarantees: { count: 9, principal: yuan(principal) },
      outstanding_balance: yuan(principal),
      borrowers_served: byBorrower.size,
      share_at_most_5m_per_borrower: ratio(small, principal),
      inclusive_share: ratio(sum(all.filter((i) => i.inclusive), (i) => i.fen), principal),
      fund_backed_share: ratio(sum(p1, (i) => i.fen), principal),
      sci_tech: { borrowers: 2, principal: yuan(sum(all.filter((i) => i.sci), (i) => i.fen)) },
      average_guarantee_fee_rate_pct: ratio(sum(all, (i) => i.fen * bp(i.fee)), principal * 10_000n),
      average_interest_rate_pct: ratio(sum(all, (i) => i.fen * bp(i.rate)), principal * 10_000n),
      guarantee_fees: yuan(sum(all, feeOf)),
      reguarantee_fees: expectedReguaranteeFees,
      risk_borne: Object.fromEntries(Object.entries(risk).map(([k, v]) => [k, yuan(v)])),
    });
    // a slice: BOC's guarantees only
    const boc = p1.filter((i) => i.bank === 'BOC');
    const fb = (await call('reporting', 'GET', '/figures?from=2025-01-01&to=2025-12-31&bank=BOC', keys.NFRA)).body;
    expect(fb.new_guarantees).toEqual({ count: boc.length, principal: yuan(sum(boc, (i) => i.fen)) });
    // not Fund-backed: P2 only
    const nf = (await call('reporting', 'GET', '/figures?from=2025-01-01&to=2025-12-31&fund_backed=false', keys.NFRA)).body;
    expect(nf.new_guarantees).toEqual({ count: 2, principal: yuan(sum(p2, (i) => i.fen)) });
    expect(nf.fund_backed_share).toBe('0.0000000000');
    // nothing issued: ratios are null, not zero
    const none = (await call('reporting', 'GET', '/figures?from=2024-01-01&to=2024-12-31', keys.NFRA)).body;
    expect(none.inclusive_share).toBeNull();

    // the re-guarantor's monthly statement, and its feed
    const march = (await call('cession', 'GET', '/statements/BJ-REG/2025-03', keys['BJ-REG'])).body;
    expect(march.loans).toBe(3);
    const feed = (await call('reporting', 'GET', '/feed?limit=100', keys['BJ-REG'])).body;
    expect(feed.messages.filter((m: any) => m.topic === 'g2g.underwriting.guarantee-issued.v1')).toHaveLength(9);
  }, 240_000);

  it('answers a resubmitted batch with its first result, and refuses other content under the same reference', async () => {
    const again = await file('ICBC', 'A', 'P1', csv(A), 'csv');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ rows: 10, invalid: 2, complete: true });
    const other = await file('ICBC', 'A', 'P1', csv(A.slice(0, 3)), 'csv');
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('BATCH_CONFLICT');
  });

  it('refuses a loan id the bank already filed, whatever became of it', async () => {
    const d = await file('ICBC', 'D', 'P1', csv([A[0], A[3]]), 'csv');
    expect(d.status).toBe(202);
    await complete('ICBC', 'D');
    const rows = (await call('intake', 'GET', '/banks/ICBC/batches/D/rows', keys.ICBC)).body.rows;
    expect(rows.map((r: any) => [r.loan_id, r.outcome, r.codes])).toEqual([
      ['A-1', 'invalid', ['DUPLICATE_LOAN_ID']],
      ['A-4', 'invalid', ['DUPLICATE_LOAN_ID']],
    ]);
    expect(rows[0].errors[0].message).toContain('already filed by ICBC in batch A');
  }, 120_000);

  it("keeps each bank to its own batches", async () => {
    expect((await call('intake', 'GET', '/banks/BOC/batches/B', keys.ICBC)).status).toBe(403);
    expect((await call('intake', 'GET', '/banks/BOC/batches/B/rows', keys.ICBC)).status).toBe(403);
    expect((await file('BOC', 'EVIL', 'P1', csv([A[0]]), 'csv', keys.ICBC)).status).toBe(403);
    expect((await call('intake', 'GET', '/banks/BOC/batches/EVIL', keys.BOC)).status).toBe(404);
    expect((await call('intake', 'GET', '/banks/BOC/batches/B', undefined)).status).toBe(401);
    expect((await call('intake', 'GET', '/banks/BOC/batches/B', 'not-a-key')).status).toBe(401);
    expect((await file('ICBC', 'R', 'P1', csv([A[0]]), 'csv', keys.NFRA)).status).toBe(403);
    expect((await call('reporting', 'GET', '/figures?from=2025-01-01&to=2025-12-31', keys.ICBC)).status).toBe(403);
    expect((await call('intake', 'GET', '/banks/BOC/batches/B', keys.BOC)).status).toBe(200);
  });

  it('serves /metrics on every service: batch progress, consumer lag, backlogs, dead letters, HTTP and append durations', async () => {
    const scrape = async (service: Parameters<typeof platform.url>[0]) => {
      const res = await fetch(`${platform.url(service)}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      return parsePrometheusText(await res.text());
    };
    // the rows of every batch filed above, counted from their outcomes as the rows endpoint gives them
    const expected: Record<string, number> = { invalid: 0, pending: 0, approved: 0, accepted: 0, rejected: 0 };
    for (const [bank, ref] of [['ICBC', 'A'], ['BOC', 'B'], ['ICBC', 'Q'], ['ICBC', 'D']]) for (const [, , outcome] of await outcomes(bank, ref)) expected[outcome]++;
    const intake = await scrape('intake');
    const rows = Object.fromEntries(samplesOf(intake, 'g2g_intake_rows', { service: 'intake', kind: 'loans' }).map((s) => [s.labels.outcome, s.value]));
    expect(rows).toEqual(expected);
    expect(samplesOf(intake, 'g2g_intake_batches', { kind: 'loans', state: 'done' }).map((s) => s.value)).toEqual([4]);
    const uploads = samplesOf(intake, 'g2g_http_request_duration_seconds_count', { method: 'PUT', route: '/banks/:bank/:segment/:batchRef', status: '202' });
    expect(uploads.map((s) => s.value)).toEqual([4]);
    expect(samplesOf(intake, 'g2g_event_store_append_duration_seconds_count', { schema: 'intake' })[0]?.value).toBeGreaterThan(0);
    expect(samplesOf(intake, 'process_resident_memory_bytes')[0]?.value).toBeGreaterThan(0);

    await eventually(async () => {
      for (const service of ['intake', 'underwriting', 'cession', 'compensation', 'reporting'] as const) {
        const samples = await scrape(service);
        const lag = samplesOf(samples, 'g2g_kafka_consumer_lag');
        if (lag.length === 0 || lag.some((s) => s.value !== 0)) return false;
        if (samplesOf(samples, 'g2g_outbox_backlog').some((s) => s.value !== 0)) return false;
        if (samplesOf(samples, 'g2g_follower_behind').some((s) => s.value !== 0)) return false;
        // a series for every consumer of the process, parked or not, so that the first dead letter is a rise
        const dead = samplesOf(samples, 'g2g_dead_letters');
        expect(dead.length).toBeGreaterThan(0);
        if (dead.some((s) => s.value !== 0)) return false;
      }
      return true;
    }, 60_000, 'every consumer caught up, nothing behind, no dead letter');
    const underwriting = await scrape('underwriting');
    expect(samplesOf(underwriting, 'g2g_kafka_consumer_lag').map((s) => s.labels.group)).toContain('underwriting.decide-loans');
  });

  it('logs no error: starting against a fresh Kafka namespace (topics being created, group coordinators loading) and the batches above are no failures', async () => {
    expect(await platform.logLines((line) => /\bERROR\b|"level":"(error|fatal)"|kafkajs error/.test(line))).toEqual([]);
  });

  it('logs JSON lines: level, time, service and message in each', async () => {
    const notJson = await platform.logLines((line) => {
      if (line === '') return false;
      try {
        const entry = JSON.parse(line);
        return !(typeof entry.level === 'string' && typeof entry.time === 'string' && typeof entry.service === 'string' && typeof entry.msg === 'string');
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
  });

  it('writes no borrower identifier or name into any log line', async () => {
    expect(platform.personalData.size).toBeGreaterThan(5);
    expect(await platform.personalDataInLogs()).toEqual([]);
  });
});
