import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../cli';
import { Call, fakeFetch, fakeIo } from '../test-fakes';
import { FeedMessage } from './feed';
import { businessDateOf, describeMessage, messageLabel, messageName } from './messages';

const claimPaid = {
  guaranteeId: 'ICBC/ICBC-1-00000002',
  programme: 'NFGF-G2G-BJ-2025',
  bank: 'ICBC',
  borrowerId: '91350100M000100Y43',
  overdueSince: '2025-06-01',
  claimedOn: '2025-09-01',
  unpaidPrincipalFen: '20000000',
  unpaidInterestFen: '350000',
  claimAmountFen: '20000000',
  parts: [
    { role: 'bank', participant: 'ICBC', amountFen: '4000000' },
    { role: 'guarantor', participant: 'BJ-GUOHUA', amountFen: '8000000' },
    { role: 'reguarantor', participant: 'BJ-REG', amountFen: '4000000' },
    { role: 'fund', participant: 'NFGF', amountFen: '4000000' },
  ],
  compensationFen: '16000000',
  support: [
    { role: 'reguarantor', participant: 'BJ-REG', amountFen: '4000000' },
    { role: 'fund', participant: 'NFGF', amountFen: '4000000' },
  ],
  fundPaid: true,
  losses: [
    { role: 'bank', participant: 'ICBC', amountFen: '4000000' },
    { role: 'guarantor', participant: 'BJ-GUOHUA', amountFen: '8000000' },
    { role: 'reguarantor', participant: 'BJ-REG', amountFen: '4000000' },
    { role: 'fund', participant: 'NFGF', amountFen: '4000000' },
  ],
  lossRatio: '0.0000160000',
  recordedAt: '2026-01-05T02:00:00.000Z',
};

const recovery = {
  guaranteeId: 'ICBC/ICBC-1-00000002',
  programme: 'NFGF-G2G-BJ-2025',
  bank: 'ICBC',
  amountFen: '5000000',
  recoveredOn: '2025-11-15',
  parts: [
    { role: 'bank', participant: 'ICBC', amountFen: '1000000' },
    { role: 'guarantor', participant: 'BJ-GUOHUA', amountFen: '2000000' },
    { role: 'reguarantor', participant: 'BJ-REG', amountFen: '1000000' },
    { role: 'fund', participant: 'NFGF', amountFen: '1000000' },
  ],
  recoveredTotalFen: '5000000',
  recordedAt: '2026-01-05T02:01:00.000Z',
};

const feedMessages: FeedMessage[] = [
  { seq: 41, topic: 'g2g.compensation.claim-paid.v1', key: 'ICBC/ICBC-1-00000002', value: claimPaid, recorded_at: '2026-01-05T02:00:00.000Z' },
  { seq: 57, topic: 'g2g.compensation.recovery-shared.v1', key: 'ICBC/ICBC-1-00000002', value: recovery, recorded_at: '2026-01-05T02:01:00.000Z' },
];

describe('messages for people', () => {
  it('names a message by its topic and finds its business date', () => {
    expect(messageName('g2g.compensation.claim-paid.v1')).toBe('claim-paid');
    expect(messageName('g2g.underwriting.programme-resumed.v1')).toBe('programme-resumed');
    expect(messageName('something.else')).toBe('something.else');
    expect(businessDateOf('g2g.compensation.claim-paid.v1', claimPaid)).toBe('2025-09-01');
    expect(businessDateOf('g2g.compensation.recovery-shared.v1', recovery)).toBe('2025-11-15');
    expect(businessDateOf('g2g.underwriting.loan-rejected.v1', { codes: [] })).toBe('');
  });

  it('a claim paid under the Fund cap: compensation of the unpaid principal, support by each re-guarantor, the reader\'s loss', () => {
    expect(describeMessage('g2g.compensation.claim-paid.v1', claimPaid, 'BJ-REG')).toBe(
      "claimed (overdue since 2025-06-01): compensation 160,000.00 of 200,000.00; support BJ-REG 40,000.00, NFGF 40,000.00; BJ-REG's loss 40,000.00",
    );
  });

  it('a claim over the Fund cap says the Fund paid no support', () => {
    const over = { ...claimPaid, fundPaid: false, support: [claimPaid.support[0]] };
    expect(describeMessage('g2g.compensation.claim-paid.v1', over)).toBe(
      'claimed (overdue since 2025-06-01): compensation 160,000.00 of 200,000.00; support BJ-REG 40,000.00; the Fund paid no support (over its cap)',
    );
  });

  it('a recovery shared by loss, a repayment that releases, a suspension and a resumption', () => {
    expect(describeMessage('g2g.compensation.recovery-shared.v1', recovery)).toBe(
      'recovered 50,000.00 (total 50,000.00): ICBC 10,000.00, BJ-GUOHUA 20,000.00, BJ-REG 10,000.00, NFGF 10,000.00',
    );
    expect(describeMessage('g2g.compensation.guarantee-repaid.v1', { amountFen: '50000000', outstandingAfterFen: '0', released: true })).toBe('repaid 500,000.00, outstanding 0.00: released');
    expect(
      describeMessage('g2g.compensation.programme-suspended.v1', { programme: 'P', lossRatio: '0.0312500000', breakerPct: '3.0', guaranteeId: 'ICBC/L9', suspendedOn: '2025-09-01' }),
    ).toBe('programme P suspended: loss ratio 3.13% above the breaker 3% (claim ICBC/L9)');
    expect(describeMessage('g2g.underwriting.programme-resumed.v1', { programme: 'P', resumedOn: '2025-10-01' })).toBe('programme P resumed');
    expect(describeMessage('g2g.underwriting.loan-rejected.v1', { codes: ['INDUSTRY', 'TERM'] })).toBe('rejected: INDUSTRY, TERM');
  });

  it('in Chinese, for the console: every message of a loan\'s history, with the same amounts', () => {
    const zh = (topic: string, value: unknown, participant?: string) => describeMessage(topic, value, participant, 'zh');
    expect(zh('g2g.compensation.claim-paid.v1', claimPaid, 'BJ-REG')).toBe('代偿（逾期自 2025-06-01）：代偿 160,000.00，索赔 200,000.00；分担 BJ-REG 40,000.00, NFGF 40,000.00；BJ-REG 损失 40,000.00');
    expect(zh('g2g.compensation.claim-paid.v1', { ...claimPaid, fundPaid: false, support: [] })).toBe('代偿（逾期自 2025-06-01）：代偿 160,000.00，索赔 200,000.00；分担 无；国家融担基金未分担（超出其上限）');
    expect(zh('g2g.compensation.recovery-shared.v1', recovery)).toBe('追偿 50,000.00（累计 50,000.00）：ICBC 10,000.00, BJ-GUOHUA 20,000.00, BJ-REG 10,000.00, NFGF 10,000.00');
    expect(zh('g2g.compensation.guarantee-repaid.v1', { amountFen: '50000000', outstandingAfterFen: '0', released: true })).toBe('还款 500,000.00，余额 0.00：已解保');
    expect(zh('g2g.compensation.guarantee-repaid.v1', { amountFen: '1', outstandingAfterFen: '99', released: false })).toBe('还款 0.01，余额 0.99');
    expect(zh('g2g.underwriting.loan-rejected.v1', { codes: ['INDUSTRY', 'TERM'] })).toBe('未通过：INDUSTRY, TERM');
    expect(zh('g2g.intake.loan-filed.v1', { batchRef: 'B1', row: 7, principalFen: '100000000', disbursedOn: '2025-03-01', maturesOn: '2026-03-01' })).toBe('批次 B1 第 7 行报送：本金 1,000,000.00，2025-03-01 至 2026-03-01');
    expect(
      zh('g2g.underwriting.guarantee-issued.v1', { programme: 'P', principalFen: '100000000', guaranteeFeeFen: '800000', parties: [{ role: 'guarantor', participant: 'BJ-GUOHUA', riskFen: '40000000' }] }),
    ).toBe('在 P 下担保：本金 1,000,000.00，担保费 8,000.00；风险 BJ-GUOHUA 400,000.00');
    const listed = { programme: 'P', principalFen: '100000000', guaranteeFeeFen: '800000', parties: [{ role: 'guarantor', participant: 'BJ-GUOHUA', riskFen: '40000000' }], lists: ['BJ-AGRI', 'BJ-SPEC'] };
    expect(zh('g2g.underwriting.guarantee-issued.v1', listed)).toBe('在 P 下担保：本金 1,000,000.00，担保费 8,000.00；风险 BJ-GUOHUA 400,000.00；推荐名单 BJ-AGRI, BJ-SPEC');
    expect(describeMessage('g2g.underwriting.guarantee-issued.v1', listed)).toBe('issued under P: principal 1,000,000.00, fee 8,000.00; risk BJ-GUOHUA 400,000.00; on lists BJ-AGRI, BJ-SPEC');
    expect(zh('g2g.cession.guarantee-ceded.v1', { statementMonth: '2025-03', cessions: [{ participant: 'BJ-REG', riskFen: '20000000', reguaranteeFeeFen: '60000' }, { participant: 'NFGF', riskFen: '20000000', reguaranteeFeeFen: '60000' }] })).toBe(
      '分险（对账月 2025-03）：BJ-REG 风险 200,000.00，再担保费 600.00；NFGF 风险 200,000.00，再担保费 600.00',
    );
    expect(zh('g2g.compensation.programme-suspended.v1', { programme: 'P', lossRatio: '0.0312500000', breakerPct: '3.0', guaranteeId: 'ICBC/L9' })).toBe('项目 P 暂停：损失率 3.13% 超过熔断线 3%（代偿 ICBC/L9）');
    expect(zh('g2g.underwriting.programme-resumed.v1', { programme: 'P' })).toBe('项目 P 恢复');
    expect(['loan-filed', 'guarantee-issued', 'claim-paid', 'new-thing'].map((n) => messageLabel(`g2g.x.${n}.v1`, 'zh'))).toEqual(['已报送', '担保生效', '代偿', 'new-thing']);
    expect(messageLabel('g2g.compensation.claim-paid.v1')).toBe('claim-paid');
  });

  it('a message the client does not know is shown as compact JSON', () => {
    expect(describeMessage('g2g.x.new-thing.v1', { a: 1 })).toBe('{"a":1}');
    expect(describeMessage('g2g.x.new-thing.v1', { a: 'x'.repeat(200) })).toMatch(/^\{"a":"x+\.\.\.$/);
  });
});

describe('g2g feed', () => {
  it('a re-guarantor reads its feed with --as: its own key, one line per message in yuan, and the cursor to read on', async () => {
    const calls: Call[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'g2g-cli-feed-'));
    writeFileSync(join(dir, 'creds.json'), JSON.stringify({ 'BJ-REG': 'k-reg', ICBC: 'k-icbc' }));
    const io = fakeIo({
      cwd: dir,
      env: { G2G_CREDENTIALS: 'creds.json', G2G_REPORTING_URL: 'http://rep:8085' },
      fetch: fakeFetch({ 'GET /feed': () => ({ status: 200, body: { participant: 'BJ-REG', messages: feedMessages, next: 57 } }) }, calls),
    });
    try {
      expect(await run(['feed', '--after', '40', '--as', 'BJ-REG'], io)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(calls[0].url).toBe('http://rep:8085/feed?after=40');
    expect(calls[0].headers.authorization).toBe('Bearer k-reg');
    const out = io.stdout();
    expect(out).toMatch(/^feed of BJ-REG: 2 messages after 40\n/);
    expect(out).toMatch(/41 +2025-09-01 +claim-paid +ICBC\/ICBC-1-00000002 +claimed \(overdue since 2025-06-01\): compensation 160,000.00/);
    expect(out).toMatch(/57 +2025-11-15 +recovery-shared +ICBC\/ICBC-1-00000002 +recovered 50,000.00/);
    expect(out).toMatch(/next: g2g feed --as BJ-REG --after 57\n$/);
  });

  it('--all follows the cursor until a page comes back empty; --json gives every message in one answer', async () => {
    const calls: Call[] = [];
    const pages: Record<string, unknown> = {
      '0': { participant: 'BJ-REG', messages: [feedMessages[0]], next: 41 },
      '41': { participant: 'BJ-REG', messages: [feedMessages[1]], next: 57 },
      '57': { participant: 'BJ-REG', messages: [], next: 57 },
    };
    const io = fakeIo({
      env: { G2G_API_KEY: 'k-reg' },
      fetch: fakeFetch({ 'GET /feed': (c) => ({ status: 200, body: pages[new URL(c.url).searchParams.get('after')!] }) }, calls),
    });
    expect(await run(['feed', '--all', '--limit', '1', '--json'], io)).toBe(0);
    expect(calls.map((c) => new URL(c.url).search)).toEqual(['?after=0&limit=1', '?after=41&limit=1', '?after=57&limit=1']);
    expect(JSON.parse(io.stdout())).toEqual({ participant: 'BJ-REG', messages: feedMessages, next: 57 });
  });

  it('nothing new after the cursor', async () => {
    const io = fakeIo({ env: { G2G_API_KEY: 'k' }, fetch: fakeFetch({ 'GET /feed': () => ({ status: 200, body: { participant: 'NFGF', messages: [], next: 99 } }) }) });
    expect(await run(['feed', '--after', '99'], io)).toBe(0);
    expect(io.stdout()).toBe('feed of NFGF: nothing after 99\n');
  });

  it('a feed belongs to its reader: without --as, --key or G2G_API_KEY it is a usage mistake, not the operator key', async () => {
    const io = fakeIo({ env: { G2G_OPERATOR_KEY: 'op' } });
    expect(await run(['feed'], io)).toBe(2);
    expect(io.stderr()).toContain('a feed is read by the participant it belongs to: pass --as CODE');
  });
});
