import { formatYuan, parseYuan } from '@g2g/domain';
import { BENCH_PROGRAMME } from '../bench/reference-data';
import { PlatformClient } from './client';
import { PlatformFailure } from './errors';

/**
 * What a finished run is judged by, read over the platform's own API as its users read it: every
 * row's outcome, the batch summary, the regulator's figures for the whole period and for slices,
 * the audit, the monthly cession statements and BJ-REG's feed. Money stays in the exact strings
 * the API gives (yuan) or in bigint fen; nothing here is a float.
 */

export const BANK = 'ICBC';
export const PERIOD = { from: '2025-01-01', to: '2026-12-31' };
export const STATEMENT_PARTICIPANTS = ['BJ-REG', 'NFGF'] as const;
export const FEED_READER = 'BJ-REG';

/** The figures' slices compared between runs (the whole period each), plus one per month with loans. */
export const FIGURE_SLICES: Record<string, string> = {
  'whole period': '',
  [`programme ${BENCH_PROGRAMME.id}`]: `&programme=${BENCH_PROGRAMME.id}`,
  'bank ICBC': '&bank=ICBC',
  'bank BOC': '&bank=BOC',
  'guarantor BJ-GUOHUA': '&guarantor=BJ-GUOHUA',
  'reguarantor BJ-REG': '&reguarantor=BJ-REG',
  'reguarantor NFGF': '&reguarantor=NFGF',
};

export interface RowOutcomes {
  /** rows the listing returned */
  listed: number;
  /** by row number - 1: outcome, codes joined by ',', loan id */
  outcome: string[];
  codes: string[];
  loanId: (string | null)[];
  /** rows listed more than once, numbers outside 1..rows, pending rows, rows missing */
  problems: string[];
}

export interface StatementFacts {
  loans: number;
  /** yuan, as the API says */
  fees: string;
  risk: string;
  /** distinct guarantee ids among the lines, and the lines' own fee total */
  distinctLines: number;
  lines: number;
  lineFees: string;
}

export interface FeedFacts {
  messages: number;
  pages: number;
  /** messages per topic */
  byTopic: Record<string, number>;
  /** distinct keys per topic */
  distinctKeys: Record<string, number>;
  /** (topic, key) pairs seen more than once, and a few of them */
  repeats: number;
  repeatExamples: string[];
}

export interface Collected {
  summary: { rows: number; invalid: number; approved: number; rejected: number; pending: number; complete: boolean };
  rows: RowOutcomes;
  figures: Record<string, any>;
  audit: { events: number; guarantees: number; violations: string[]; differences: unknown[]; seconds: number };
  /** per service: its state replayed from its own events, compared and rolled back */
  state: { service: string; events: number; rows: number; identical: boolean; differences: unknown[] }[];
  /** participant -> month -> facts, for every month of the period */
  statements: Record<string, Record<string, StatementFacts>>;
  feed: FeedFacts;
  deadLetters: { schema: string; topic: string; error: string; count: number }[];
  seconds: number;
}

export interface Readers {
  client: PlatformClient;
  batchRef: string;
  keys: { ICBC: string; NFRA: string; 'BJ-REG': string };
  operatorKey: string;
  deadLetters: () => Promise<Collected['deadLetters'] | null>;
  log: (line: string) => void;
}

export function monthsOf(period: { from: string; to: string }): string[] {
  const months: string[] = [];
  let [y, m] = period.from.split('-').map(Number);
  const [ty, tm] = period.to.split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    months.push(`${y}-${String(m).padStart(2, '0')}`);
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  return months;
}

function lastDay(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

export async function collect(r: Readers, expectedRows: number): Promise<Collected> {
  const t0 = performance.now();
  const { client, keys } = r;
  const batch = `/banks/${BANK}/batches/${r.batchRef}`;

  r.log('collecting: the summary and every row');
  const summary = await client.get200('intake', batch, keys.ICBC);
  const rows = await readRows(client, `${batch}/rows`, keys.ICBC, expectedRows);

  r.log('collecting: statements of BJ-REG and NFGF for every month');
  const statements: Collected['statements'] = {};
  for (const participant of STATEMENT_PARTICIPANTS) {
    statements[participant] = {};
    for (const month of monthsOf(PERIOD)) {
      const s = await client.get200('cession', `/statements/${participant}/${month}`, keys.NFRA);
      statements[participant][month] = statementFacts(s);
    }
  }

  r.log('collecting: figures for the period, slices and months');
  const figures: Record<string, any> = {};
  const period = `from=${PERIOD.from}&to=${PERIOD.to}`;
  for (const [name, query] of Object.entries(FIGURE_SLICES)) figures[name] = await client.get200('reporting', `/figures?${period}${query}`, keys.NFRA);
  const monthsWithLoans = monthsOf(PERIOD).filter((m) => STATEMENT_PARTICIPANTS.some((p) => statements[p][m].loans > 0));
  for (const month of monthsWithLoans) figures[`month ${month}`] = await client.get200('reporting', `/figures?from=${month}-01&to=${lastDay(month)}`, keys.NFRA);

  r.log(`collecting: ${FEED_READER}'s feed, page by page`);
  const feed = await readFeed(client, keys['BJ-REG']);

  r.log('collecting: the audit (invariants and figures from the events)');
  const a0 = performance.now();
  const audit = await client.get200('reporting', '/audit', r.operatorKey, 60 * 60_000);
  const auditSeconds = (performance.now() - a0) / 1000;
  r.log("collecting: every service's state replayed from its own events (verify)");
  const state: Collected['state'] = [];
  for (const service of ['intake', 'underwriting', 'cession', 'compensation', 'reporting'] as const) {
    const v = await client.get200(service, `/projections/${service}/verify`, r.operatorKey, 60 * 60_000);
    state.push({ service, events: v.events, rows: v.rows, identical: v.identical === true, differences: Array.isArray(v.differences) ? v.differences : [] });
  }
  const deadLetters = await r.deadLetters();
  if (deadLetters === null) throw new PlatformFailure('the dead letters could not be read from the database');
  return {
    summary: { rows: summary.rows, invalid: summary.invalid, approved: summary.approved, rejected: summary.rejected, pending: summary.pending, complete: summary.complete },
    rows,
    figures,
    audit: {
      events: audit.events,
      guarantees: audit.guarantees,
      violations: Array.isArray(audit.violations) ? audit.violations : ['the audit answered without a list of violations'],
      differences: Array.isArray(audit.differences) ? audit.differences : [{ problem: 'the audit answered without a list of differences' }],
      seconds: auditSeconds,
    },
    state,
    statements,
    feed,
    deadLetters,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Every row, page by page (after = the previous page's next, until next is null). */
async function readRows(client: PlatformClient, path: string, key: string, expected: number): Promise<RowOutcomes> {
  const out: RowOutcomes = { listed: 0, outcome: new Array(expected).fill(''), codes: new Array(expected).fill(''), loanId: new Array(expected).fill(null), problems: [] };
  const seen = new Uint8Array(expected);
  let after = 0;
  for (let pages = 0; ; pages++) {
    if (pages > expected / 10_000 + 1000) throw new PlatformFailure(`the row listing did not end after ${pages} pages`);
    const page = await client.get200<{ rows: { row: number; loan_id: string | null; outcome: string; codes?: string[] }[]; next: number | null }>('intake', `${path}?after=${after}&limit=10000`, key);
    for (const row of page.rows ?? []) {
      out.listed++;
      if (!Number.isSafeInteger(row.row) || row.row < 1 || row.row > expected) {
        if (out.problems.length < 20) out.problems.push(`row ${row.row} is outside 1..${expected}`);
        continue;
      }
      const i = row.row - 1;
      if (seen[i]++ > 0 && out.problems.length < 20) out.problems.push(`row ${row.row} listed more than once`);
      out.outcome[i] = row.outcome;
      out.codes[i] = (row.codes ?? []).join(',');
      out.loanId[i] = row.loan_id;
      if (!['approved', 'rejected', 'invalid'].includes(row.outcome) && out.problems.length < 20) out.problems.push(`row ${row.row} is ${row.outcome}`);
    }
    if (page.next === null || page.next === undefined) break;
    if (typeof page.next !== 'number' || page.next <= after) throw new PlatformFailure(`the row listing's cursor did not advance (after=${after}, next=${page.next})`);
    after = page.next;
  }
  const missing = seen.reduce((n, v) => n + (v === 0 ? 1 : 0), 0);
  if (missing > 0) out.problems.push(`${missing} rows not listed (first: ${seen.indexOf(0) + 1})`);
  return out;
}

function statementFacts(s: any): StatementFacts {
  const lines: any[] = Array.isArray(s?.lines) ? s.lines : [];
  let lineFees = 0n;
  for (const l of lines) lineFees += parseYuan(String(l.reguarantee_fee)) ?? 0n;
  return {
    loans: s?.loans,
    fees: s?.reguarantee_fees,
    risk: s?.risk,
    distinctLines: new Set(lines.map((l) => l.guarantee_id)).size,
    lines: lines.length,
    lineFees: formatYuan(lineFees),
  };
}

/** BJ-REG's whole feed, page by page: how many messages of each topic, and whether a (topic, key) repeats. */
async function readFeed(client: PlatformClient, key: string): Promise<FeedFacts> {
  const facts: FeedFacts = { messages: 0, pages: 0, byTopic: {}, distinctKeys: {}, repeats: 0, repeatExamples: [] };
  const seen = new Set<string>();
  let after = 0;
  for (;;) {
    const page = await client.get200<{ messages: { seq: number; topic: string; key: string }[]; next: number }>('reporting', `/feed?after=${after}&limit=5000`, key);
    facts.pages++;
    const messages = Array.isArray(page.messages) ? page.messages : [];
    if (messages.length === 0) break;
    for (const m of messages) {
      facts.messages++;
      facts.byTopic[m.topic] = (facts.byTopic[m.topic] ?? 0) + 1;
      const id = `${m.topic}\u0000${m.key}`;
      if (seen.has(id)) {
        facts.repeats++;
        if (facts.repeatExamples.length < 5) facts.repeatExamples.push(`${m.topic} ${m.key}`);
      } else {
        seen.add(id);
        facts.distinctKeys[m.topic] = (facts.distinctKeys[m.topic] ?? 0) + 1;
      }
    }
    if (typeof page.next !== 'number' || page.next <= after) throw new PlatformFailure(`the feed's cursor did not advance past a full page (after=${after}, next=${page.next})`);
    after = page.next;
  }
  return facts;
}
