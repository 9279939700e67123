import { parseYuan, formatYuan } from '@g2g/domain';
import { FEED_TOPICS } from '../bench/pipeline-probe';
import { Collected, STATEMENT_PARTICIPANTS, StatementFacts } from './collect';

/** One line of the checks table: what the clean run said, what the fault run said, and whether that is right. */
export interface Check {
  check: string;
  clean: string;
  fault: string;
  ok: boolean;
  /** what differs, when something does (row numbers, loan ids, figure names: never a borrower) */
  detail?: string;
}

/** JSON with object keys sorted, so that equal values give equal text. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

const sumYuan = (values: string[]) => formatYuan(values.reduce((a, v) => a + (parseYuan(String(v)) ?? 0n), 0n));

function countsOf(c: Collected): string {
  const s = c.summary;
  return `${s.rows} rows: ${s.approved} approved, ${s.rejected} rejected, ${s.invalid} invalid, ${s.pending} pending`;
}

/** Whether the summary's counts are those of the row listing. */
function summaryAgreesWithRows(c: Collected): boolean {
  const n = (o: string) => c.rows.outcome.filter((x) => x === o).length;
  const s = c.summary;
  return s.rows === c.rows.listed && s.approved === n('approved') && s.rejected === n('rejected') && s.invalid === n('invalid') && s.pending === 0 && s.complete === true;
}

function figureSummary(f: any): string {
  return `${f?.new_guarantees?.count} new, ${f?.new_guarantees?.principal} yuan`;
}

/**
 * Judges the fault run against the clean run of the same file: every row one outcome, the same
 * one; the same counts; nothing issued, ceded or projected twice; every fee once; the audit clean;
 * every figure equal (exact strings). Pure: the same inputs always give the same checks.
 */
export function compareRuns(clean: Collected, fault: Collected, expectedRows: number): Check[] {
  const checks: Check[] = [];
  const add = (check: string, cleanText: string, faultText: string, ok: boolean, detail?: string) =>
    checks.push({ check, clean: cleanText, fault: faultText, ok, ...(detail ? { detail } : {}) });

  // ---- rows ----
  const rowsState = (c: Collected) => (c.rows.problems.length === 0 && c.rows.listed === expectedRows ? `${c.rows.listed} of ${expectedRows}` : `${c.rows.listed} listed; ${c.rows.problems.length} problems`);
  const rowsOk = (c: Collected) => c.rows.problems.length === 0 && c.rows.listed === expectedRows;
  add('every row has exactly one outcome', rowsState(clean), rowsState(fault), rowsOk(clean) && rowsOk(fault), [...clean.rows.problems.map((p) => `clean: ${p}`), ...fault.rows.problems.map((p) => `fault: ${p}`)].slice(0, 5).join('; ') || undefined);

  const differing: string[] = [];
  let equal = 0;
  for (let i = 0; i < expectedRows; i++) {
    const same = clean.rows.outcome[i] === fault.rows.outcome[i] && clean.rows.codes[i] === fault.rows.codes[i] && clean.rows.loanId[i] === fault.rows.loanId[i];
    if (same) equal++;
    else if (differing.length < 5) {
      differing.push(`row ${i + 1} (${fault.rows.loanId[i] ?? clean.rows.loanId[i]}): clean ${clean.rows.outcome[i] || '-'} [${clean.rows.codes[i]}], fault ${fault.rows.outcome[i] || '-'} [${fault.rows.codes[i]}]`);
    }
  }
  add('rows equal to the clean run (outcome, codes)', `${expectedRows}`, `${equal} equal, ${expectedRows - equal} differ`, equal === expectedRows, differing.join('; ') || undefined);

  add(
    'batch summary counts (and they match the rows)',
    countsOf(clean),
    countsOf(fault),
    canonical(clean.summary) === canonical(fault.summary) && summaryAgreesWithRows(clean) && summaryAgreesWithRows(fault),
  );

  // ---- the audit ----
  const auditState = (c: Collected) => `${c.audit.violations.length} violations, ${c.audit.differences.length} differences`;
  add(
    'audit finds nothing',
    auditState(clean),
    auditState(fault),
    clean.audit.violations.length === 0 && clean.audit.differences.length === 0 && fault.audit.violations.length === 0 && fault.audit.differences.length === 0,
    [...fault.audit.violations.slice(0, 3), ...fault.audit.differences.slice(0, 2).map((d) => JSON.stringify(d).slice(0, 300))].join('; ') || undefined,
  );
  const stateOf = (c: Collected) => c.state.map((v) => `${v.service} ${v.identical ? 'same' : 'DIFFERENT'}`).join(', ');
  add(
    "every service's state is what its events give",
    stateOf(clean),
    stateOf(fault),
    [...clean.state, ...fault.state].every((v) => v.identical) && fault.state.length === 5,
    fault.state.filter((v) => !v.identical).map((v) => `${v.service}: ${JSON.stringify(v.differences).slice(0, 200)}`).join('; ') || undefined,
  );
  const approved = clean.summary.approved;
  add(
    'issued once: guarantees in the audit = approved rows',
    `${clean.audit.guarantees} / ${clean.summary.approved}`,
    `${fault.audit.guarantees} / ${fault.summary.approved}`,
    clean.audit.guarantees === approved && fault.audit.guarantees === fault.summary.approved && fault.summary.approved === approved,
  );
  add("events in reporting's log (audit)", String(clean.audit.events), String(fault.audit.events), clean.audit.events === fault.audit.events);

  // ---- cession statements ----
  for (const p of STATEMENT_PARTICIPANTS) {
    const loans = (c: Collected) => Object.values(c.statements[p]).reduce((a, s) => a + s.loans, 0);
    const months = Object.keys(clean.statements[p]);
    const differing = (facts: (s: StatementFacts) => unknown) => months.filter((m) => canonical(facts(clean.statements[p][m])) !== canonical(fault.statements[p]?.[m] && facts(fault.statements[p][m])));
    const monthly = differing((s) => [s.loans, s.lines, s.distinctLines]);
    const monthlyFees = differing((s) => [s.fees, s.lineFees, s.risk]);
    const linesOk = (c: Collected) => Object.values(c.statements[p]).every((s) => s.lines === s.loans && s.distinctLines === s.loans);
    const lineFeesOk = (c: Collected) => Object.values(c.statements[p]).every((s) => s.lineFees === s.fees);
    add(
      `ceded once: ${p} statement loans = approved rows`,
      `${loans(clean)} / ${clean.summary.approved}`,
      `${loans(fault)} / ${fault.summary.approved}`,
      loans(clean) === clean.summary.approved && loans(fault) === fault.summary.approved && monthly.length === 0 && linesOk(clean) && linesOk(fault),
      [monthly.length ? `months differing: ${monthly.join(', ')}` : '', linesOk(fault) ? '' : 'a statement whose lines are not its loans once each'].filter(Boolean).join('; ') || undefined,
    );
    const fees = (c: Collected) => sumYuan(Object.values(c.statements[p]).map((s) => s.fees));
    const figure = (c: Collected) => String(c.figures['whole period']?.reguarantee_fees?.[p]);
    add(
      `fees once: ${p} re-guarantee fees, statements = figures`,
      `${fees(clean)} = ${figure(clean)}`,
      `${fees(fault)} = ${figure(fault)}`,
      fees(clean) === fees(fault) && fees(clean) === figure(clean) && fees(fault) === figure(fault) && monthlyFees.length === 0 && lineFeesOk(clean) && lineFeesOk(fault),
      [monthlyFees.length ? `months differing: ${monthlyFees.join(', ')}` : '', lineFeesOk(fault) ? '' : "a statement whose lines' fees do not add up to its total"].filter(Boolean).join('; ') ||
        undefined,
    );
  }

  // ---- the feed ----
  const topics = (c: Collected) =>
    Object.entries(c.feed.byTopic)
      .sort()
      .map(([t, n]) => `${t.replace(/^g2g\.|\.v\d+$/g, '')} ${n}`)
      .join(', ') || 'none';
  add(`BJ-REG's feed: messages per topic`, topics(clean), topics(fault), canonical(clean.feed.byTopic) === canonical(fault.feed.byTopic));
  add(
    "BJ-REG's feed: no (topic, key) twice",
    `${clean.feed.repeats} repeats`,
    `${fault.feed.repeats} repeats`,
    clean.feed.repeats === 0 && fault.feed.repeats === 0,
    fault.feed.repeatExamples.join('; ') || undefined,
  );
  const distinct = (c: Collected) => `issued ${c.feed.distinctKeys[FEED_TOPICS.issued] ?? 0}, ceded ${c.feed.distinctKeys[FEED_TOPICS.ceded] ?? 0} / ${c.summary.approved}`;
  const distinctOk = (c: Collected) => (c.feed.distinctKeys[FEED_TOPICS.issued] ?? 0) === c.summary.approved && (c.feed.distinctKeys[FEED_TOPICS.ceded] ?? 0) === c.summary.approved;
  add("BJ-REG's feed: one key per approved loan and topic", distinct(clean), distinct(fault), distinctOk(clean) && distinctOk(fault));

  // ---- figures ----
  const whole = (c: Collected) => c.figures['whole period'];
  add(
    'projected once: new guarantees (figures) = approved rows',
    `${whole(clean)?.new_guarantees?.count} / ${clean.summary.approved}`,
    `${whole(fault)?.new_guarantees?.count} / ${fault.summary.approved}`,
    whole(clean)?.new_guarantees?.count === clean.summary.approved && whole(fault)?.new_guarantees?.count === fault.summary.approved,
  );
  const feeFigures = (c: Collected) => `guarantee ${whole(c)?.guarantee_fees}; re-guarantee ${canonical(whole(c)?.reguarantee_fees)}`;
  add('fees once: guarantee and re-guarantee fees (figures)', feeFigures(clean), feeFigures(fault), feeFigures(clean) === feeFigures(fault));
  const slices = [...new Set([...Object.keys(clean.figures), ...Object.keys(fault.figures)])];
  for (const slice of slices) {
    const a = clean.figures[slice];
    const b = fault.figures[slice];
    const keys = [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])].filter((k) => canonical(a?.[k]) !== canonical(b?.[k]));
    add(`figures: ${slice}`, a ? figureSummary(a) : 'missing', b ? figureSummary(b) : 'missing', a !== undefined && b !== undefined && keys.length === 0, keys.length ? `differ: ${keys.join(', ')}` : undefined);
  }

  const parked = (c: Collected) => c.deadLetters.reduce((a, d) => a + d.count, 0);
  add(
    'dead letters',
    String(parked(clean)),
    String(parked(fault)),
    parked(clean) === 0 && parked(fault) === 0,
    fault.deadLetters.map((d) => `${d.count} x ${d.schema} parked ${d.topic}`).join('; ') || undefined,
  );
  return checks;
}
