import { SERVICES } from '@g2g/testing';
import { FEED_TOPICS } from '../bench/pipeline-probe';
import { retryAfterMs } from './client';
import { Collected, monthsOf } from './collect';
import { compareRuns } from './compare';
import { forPrinting, redact } from './errors';
import { phasesOf } from './observer';
import { FaultRecord, PlannedFault, executePlan, planFaults, progressOf } from './scheduler';

/** A consistent finished run of `rows` rows: every third row rejected, every tenth invalid, the rest approved. */
function finishedRun(rows = 30): Collected {
  const outcome = Array.from({ length: rows }, (_, i) => ((i + 1) % 10 === 0 ? 'invalid' : (i + 1) % 3 === 0 ? 'rejected' : 'approved'));
  const codes = outcome.map((o) => (o === 'invalid' ? 'BAD_CHECK_CHARACTER' : o === 'rejected' ? 'TERM' : ''));
  const approved = outcome.filter((o) => o === 'approved').length;
  const figures = {
    period: { from: '2025-01-01', to: '2026-12-31' },
    new_guarantees: { count: approved, principal: '1000.00' },
    guarantee_fees: '12.34',
    reguarantee_fees: { 'BJ-REG': '2.00', NFGF: '2.00' },
  };
  const statement = (loans: number, fees: string) => ({ loans, fees, risk: '100.00', distinctLines: loans, lines: loans, lineFees: fees });
  const empty = Object.fromEntries(monthsOf({ from: '2025-01-01', to: '2026-12-31' }).map((m) => [m, statement(0, '0.00')]));
  const statements = {
    'BJ-REG': { ...empty, '2025-03': statement(approved - 5, '1.50'), '2025-04': statement(5, '0.50') },
    NFGF: { ...empty, '2025-03': statement(approved - 5, '1.50'), '2025-04': statement(5, '0.50') },
  };
  return {
    summary: { rows, invalid: outcome.filter((o) => o === 'invalid').length, approved, rejected: outcome.filter((o) => o === 'rejected').length, pending: 0, complete: true },
    rows: { listed: rows, outcome, codes, loanId: outcome.map((_, i) => `ICBC-7-${String(i + 1).padStart(8, '0')}`), problems: [] },
    figures: { 'whole period': figures, 'bank ICBC': structuredClone(figures), 'month 2025-03': { ...structuredClone(figures), new_guarantees: { count: approved - 5, principal: '800.00' } } },
    audit: { events: 3 * rows, guarantees: approved, violations: [], differences: [], seconds: 0.1 },
    state: ['intake', 'underwriting', 'cession', 'compensation', 'reporting'].map((service) => ({ service, events: rows, rows: 2 * rows, identical: true, differences: [] })),
    statements,
    feed: {
      messages: 2 * approved,
      pages: 2,
      byTopic: { [FEED_TOPICS.issued]: approved, [FEED_TOPICS.ceded]: approved },
      distinctKeys: { [FEED_TOPICS.issued]: approved, [FEED_TOPICS.ceded]: approved },
      repeats: 0,
      repeatExamples: [],
    },
    deadLetters: [],
    seconds: 1,
  };
}

const failing = (clean: Collected, fault: Collected) =>
  compareRuns(clean, fault, clean.rows.listed)
    .filter((c) => !c.ok)
    .map((c) => c.check);

describe('the comparison of a fault run with the clean run', () => {
  it('passes two equal runs on every check', () => {
    const checks = compareRuns(finishedRun(), finishedRun(), 30);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.length).toBeGreaterThan(15);
  });

  it('fails when one row has another outcome, naming the row', () => {
    const fault = finishedRun();
    fault.rows.outcome[0] = 'rejected';
    fault.rows.codes[0] = 'TERM';
    fault.summary = { ...fault.summary, approved: fault.summary.approved - 1, rejected: fault.summary.rejected + 1 };
    const checks = compareRuns(finishedRun(), fault, 30);
    const rows = checks.find((c) => c.check === 'rows equal to the clean run (outcome, codes)')!;
    expect(rows.ok).toBe(false);
    expect(rows.detail).toContain('row 1 (ICBC-7-00000001): clean approved [], fault rejected [TERM]');
    expect(failing(finishedRun(), fault)).toContain('batch summary counts (and they match the rows)');
  });

  it('fails when only a code differs', () => {
    const fault = finishedRun();
    fault.rows.codes[2] = 'TERM,FEE_RATE';
    expect(failing(finishedRun(), fault)).toEqual(['rows equal to the clean run (outcome, codes)']);
  });

  it('fails when a row is missing or listed twice', () => {
    const fault = finishedRun();
    fault.rows.problems = ['row 7 listed more than once'];
    expect(failing(finishedRun(), fault)).toEqual(['every row has exactly one outcome']);
  });

  it('fails when one figure differs by one fen', () => {
    const fault = finishedRun();
    fault.figures['bank ICBC'].guarantee_fees = '12.35';
    const checks = compareRuns(finishedRun(), fault, 30);
    expect(checks.filter((c) => !c.ok).map((c) => [c.check, c.detail])).toEqual([['figures: bank ICBC', 'differ: guarantee_fees']]);
  });

  it('fails when a slice is missing from one run', () => {
    const fault = finishedRun();
    delete fault.figures['month 2025-03'];
    expect(failing(finishedRun(), fault)).toEqual(['figures: month 2025-03']);
  });

  it('fails when a loan is ceded twice: a statement counts it twice', () => {
    const fault = finishedRun();
    fault.statements['BJ-REG']['2025-04'] = { ...fault.statements['BJ-REG']['2025-04'], loans: 6, lines: 6 };
    expect(failing(finishedRun(), fault)).toEqual(['ceded once: BJ-REG statement loans = approved rows']);
  });

  it('fails when a fee is booked twice: the statements no longer add up to the figures', () => {
    const fault = finishedRun();
    fault.statements.NFGF['2025-03'] = { ...fault.statements.NFGF['2025-03'], fees: '1.60', lineFees: '1.60' };
    expect(failing(finishedRun(), fault)).toEqual(['fees once: NFGF re-guarantee fees, statements = figures']);
  });

  it('fails when the feed repeats a (topic, key)', () => {
    const fault = finishedRun();
    fault.feed = { ...fault.feed, messages: fault.feed.messages + 1, byTopic: { ...fault.feed.byTopic, [FEED_TOPICS.issued]: fault.feed.byTopic[FEED_TOPICS.issued] + 1 }, repeats: 1, repeatExamples: [`${FEED_TOPICS.issued} ICBC/ICBC-7-00000001`] };
    expect(failing(finishedRun(), fault)).toEqual(["BJ-REG's feed: messages per topic", "BJ-REG's feed: no (topic, key) twice"]);
  });

  it('fails when the audit finds something, in either run', () => {
    const fault = finishedRun();
    fault.audit = { ...fault.audit, violations: ['ICBC/ICBC-7-00000001: issued 2 times'] };
    expect(failing(finishedRun(), fault)).toEqual(['audit finds nothing']);
    const clean = finishedRun();
    clean.audit = { ...clean.audit, differences: [{ figure: 'support' }] };
    expect(failing(clean, finishedRun())).toEqual(['audit finds nothing']);
  });

  it("fails when a service's state is not what its events give", () => {
    const fault = finishedRun();
    fault.state[3] = { ...fault.state[3], identical: false, differences: [{ table: 'c_guarantees', extra: 1, missing: 0 }] };
    expect(failing(finishedRun(), fault)).toEqual(["every service's state is what its events give"]);
  });

  it('fails when reporting projected a guarantee twice', () => {
    const fault = finishedRun();
    fault.audit = { ...fault.audit, guarantees: fault.audit.guarantees + 1, events: fault.audit.events + 1 };
    expect(failing(finishedRun(), fault)).toEqual(['issued once: guarantees in the audit = approved rows', "events in reporting's log (audit)"]);
  });

  it('fails on a dead letter', () => {
    const fault = finishedRun();
    fault.deadLetters = [{ schema: 'cession', topic: FEED_TOPICS.issued, error: 'boom', count: 1 }];
    expect(failing(finishedRun(), fault)).toEqual(['dead letters']);
  });
});

describe('the fault plan', () => {
  const plan = planFaults({ seed: 7, kills: 12, broker: true, postgres: true });

  it('is the same for the same seed, and another for another seed', () => {
    expect(planFaults({ seed: 7, kills: 12, broker: true, postgres: true })).toEqual(plan);
    expect(planFaults({ seed: 8, kills: 12, broker: true, postgres: true })).not.toEqual(plan);
  });

  it('spreads the kills over the five services and restarts the broker and the database once each', () => {
    const count = (t: string) => plan.filter((f) => f.target === t).length;
    expect(plan).toHaveLength(14);
    for (const s of SERVICES) expect([2, 3]).toContain(count(s));
    expect(count('kafka')).toBe(1);
    expect(count('postgres')).toBe(1);
    expect(planFaults({ seed: 7, kills: 5, broker: false, postgres: false }).map((f) => f.target).sort()).toEqual([...SERVICES].sort());
  });

  it('puts the first intake kill into the upload and the rest in order of progress', () => {
    const intake = plan.find((f) => f.target === 'intake')!;
    expect(intake.when.measure).toBe('filed');
    expect(intake.when.fraction).toBeGreaterThanOrEqual(0.2);
    expect(intake.when.fraction).toBeLessThanOrEqual(0.6);
    const fractions = plan.map((f) => f.when.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.every((f) => f > 0 && f < 1)).toBe(true);
    for (const f of plan) expect(f.downMs).toBeGreaterThanOrEqual(500);
  });

  it('fires a fault aimed into the upload before the others that are due at the same time', async () => {
    const plan: PlannedFault[] = [
      { target: 'underwriting', when: { measure: 'progress', fraction: 0.1 }, downMs: 500 },
      { target: 'reporting', when: { measure: 'progress', fraction: 0.2 }, downMs: 500 },
      { target: 'intake', when: { measure: 'filed', fraction: 0.4 }, downMs: 500 },
    ];
    const fired: string[] = [];
    const records: FaultRecord[] = [];
    await executePlan(
      plan,
      {
        t0: performance.now(),
        rows: 100,
        approved: 90,
        // every row filed, none decided: each fault of the plan is due at the first look
        progressNow: async () => ({ filed: 100, decided: 0, projected: 0 }),
        settled: async () => false,
        uploading: () => true,
        uploadPaceSeconds: 0,
        isUp: () => true,
        phaseNow: async () => ({ phases: ['upload'], pipeline: null }),
        inject: async (f) => {
          fired.push(f.target);
          return 'done';
        },
        cancelled: () => false,
        log: () => undefined,
      },
      records,
    );
    expect(fired).toEqual(['intake', 'underwriting', 'reporting']);
    expect(records.map((r) => r.recoverySeconds !== null)).toEqual([true, true, true]);
  });

  it('fires a fault aimed into the upload at its share of the pace when the rows filed lag behind', async () => {
    const records: FaultRecord[] = [];
    await executePlan(
      [{ target: 'intake', when: { measure: 'filed', fraction: 0.5 }, downMs: 500 }],
      {
        t0: performance.now(),
        rows: 100,
        approved: 90,
        progressNow: async () => ({ filed: 0, decided: 0, projected: 0 }),
        settled: async () => false,
        uploading: () => true,
        uploadPaceSeconds: 1,
        isUp: () => true,
        phaseNow: async () => ({ phases: ['upload'], pipeline: null }),
        inject: async () => 'done',
        cancelled: () => false,
        log: () => undefined,
      },
      records,
    );
    expect(records).toHaveLength(1);
    expect(records[0].at).toBeGreaterThanOrEqual(0.5);
    expect(records[0].phases).toEqual(['upload']);
  });

  it('measures progress as rows filed, rows decided and guarantees projected', () => {
    expect(progressOf({ filed: 0, decided: 0, projected: 0 }, 100, 90)).toBe(0);
    expect(progressOf({ filed: 100, decided: 50, projected: 0 }, 100, 90)).toBeCloseTo(150 / 290);
    expect(progressOf({ filed: 100, decided: 100, projected: 90 }, 100, 90)).toBe(1);
  });
});

describe('phases, retries, redaction', () => {
  const sample = (over: Partial<{ unrelayed: Record<string, number>; lag: Record<string, number>; filed: number; decided: number }>) => ({
    t: 1,
    filed: 10,
    decided: 10,
    approved: 9,
    unrelayed: { intake: 0 },
    produced: {},
    lag: { 'kafka:underwriting.decide-loans': 0, 'log:reporting.projections': 0, 'kafka:reporting.record-log': 0 },
    deadLetters: 0,
    probeMs: 1,
    ...over,
  });

  it('tags the phases work is in', () => {
    expect(phasesOf(false, sample({}))).toEqual(['idle']);
    expect(phasesOf(true, null)).toEqual(['upload', 'unknown']);
    expect(phasesOf(true, sample({ unrelayed: { intake: 3 } }))).toEqual(['upload', 'relay']);
    expect(phasesOf(false, sample({ decided: 4 }))).toEqual(['decision']);
    expect(phasesOf(false, sample({ lag: { 'kafka:underwriting.decide-loans': 2 } }))).toEqual(['decision']);
    expect(phasesOf(false, sample({ lag: { 'log:reporting.projections': 5 } }))).toEqual(['projection']);
    expect(phasesOf(false, sample({ lag: { 'kafka:cession.cede-guarantees': 5 } }))).toEqual(['idle']);
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6_000);
    expect(retryAfterMs(new Headers())).toBeNull();
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeNull();
  });

  it('masks borrower identifiers and names in platform text', () => {
    expect(redact('borrower_id 91350100M000100Y44: check character should be 3')).toBe('borrower_id [id]: check character should be 3');
    expect(redact('RID 11010519491231002X, 北京一号科技有限公司')).toBe('RID [id], [name]');
    expect(redact('row 12 (ICBC-7-00000012): clean approved [], fault rejected [TERM]')).toBe('row 12 (ICBC-7-00000012): clean approved [], fault rejected [TERM]');
    expect(redact('took 0.006151790000021381 s')).toBe('took 0.006151790000021381 s');
  });

  it('prints JSON that stays JSON: strings masked, numbers rounded, never rewritten as text', () => {
    const summary = { at: 0.006151790000021381, rows: 100000, reason: 'borrower_id 91350100M000100Y44 of 北京一号', fen: '1234567890123456789' };
    expect(JSON.parse(JSON.stringify(summary, forPrinting))).toEqual({ at: 0.006, rows: 100000, reason: 'borrower_id [id] of [name]', fen: '1234567890123456789' });
  });
});
