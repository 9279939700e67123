import { formatYuan, parseYuan } from '@g2g/domain';
import type { ServiceName } from '@g2g/testing';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { Client } from 'pg';
import { ActivitySummary } from './activity';
import { Answer, call, sleep } from './http';
import { FEED_TOPICS, PipelineSample, deadLetterSummary } from './pipeline-probe';
import { CpuMeter, RssSampler, statusKb } from './proc';
import { BENCH_PROGRAMME, BenchKeys } from './reference-data';

/**
 * The steps of a benchmark run that are the same whether the platform runs distributed (one or
 * more processes per service) or embedded (one process): the upload and the verification after the
 * timed part, over the HTTP API; what is compared between runs; the readings of the database after
 * the run; and the result's shape.
 */

export const BANK = 'ICBC';
export const FIGURES_PERIOD = 'from=2025-01-01&to=2026-12-31';

/** Where to send a request for a service (distributed: one of its processes; embedded: the one process). */
export type ServiceUrl = (service: ServiceName) => string;

/** What every timed run is given, distributed or embedded. */
export interface RunOptions {
  /** where dist/apps and dist/libs are (the benchmark's private copy of the build) */
  root: string;
  operatorKey: string;
  batchFile: string;
  rows: number;
  batchRef: string;
  timeoutMs: number;
  /** walk BJ-REG's whole feed over HTTP after the run */
  feedWalk: boolean;
  sampleEveryMs: number;
  /** seconds to measure the platform at rest before the upload (0: not) */
  idleSeconds: number;
  log: (line: string) => void;
  /** where each platform process's output is written as well, by its name (none: kept in memory only) */
  logFile?: (process: string) => string;
}

export interface Milestone {
  name: string;
  /** seconds after the upload started */
  seconds: number;
}

/** Per-row outcomes of the batch, reduced to a digest that two runs can compare. */
export interface OutcomesDigest {
  rows: number;
  approved: number;
  rejected: number;
  invalid: number;
  /** sha256 of every row's [row, loan_id, outcome, codes], in row order */
  sha256: string;
}

export interface Verification {
  figuresCount: number;
  /** the figures as NFRA reads them after the run (compared between runs) */
  figures: unknown;
  figuresReguaranteeFees: Record<string, string>;
  /** the re-guarantee fees of cession's monthly statements, summed over the months of the period */
  cessionReguaranteeFees: Record<string, string>;
  /** loans on each participant's statements, summed over the months (each approved loan once) */
  cessionStatementLoans: Record<string, number>;
  feesAgree: boolean;
  /** BJ-REG's feed read over HTTP page by page: messages returned, distinct ones, expected (2 x approved) */
  feed: { returned: number; distinct: number; issued: number; ceded: number; expected: number; seconds: number; pages: number } | null;
  /** the read models rebuilt from reporting's log from scratch: same figures before and after? */
  rebuild: { events: number; seconds: number; sameFigures: boolean };
  /** each service's state rebuilt from its own log (reporting's is the rebuild above) */
  stateRebuilds: { service: string; events: number; rows: number; seconds: number; identical: boolean; loansPerSecond: number }[];
  /** the audit: invariants and figures recomputed from the events alone */
  audit: { events: number; guarantees: number; violations: string[]; differences: number; figuresCompared: number; seconds: number };
  outcomes: OutcomesDigest;
  /** the reads a console page is made of, as NFRA makes them: milliseconds of each of three calls */
  reads: { read: string; ms: number[] }[];
}

/** The reads behind the console's pages, each called three times after the run, the platform at rest. */
export const CONSOLE_READS: readonly { read: string; path: string }[] = [
  { read: 'figures (the dashboard)', path: `/figures?${FIGURES_PERIOD}` },
  { read: 'figures of one bank', path: `/figures?${FIGURES_PERIOD}&bank=ICBC` },
  { read: 'figures month by month', path: `/figures/monthly?${FIGURES_PERIOD}` },
  { read: 'breakdown by programme, bank, guarantor, province, industry', path: `/figures/breakdown?${FIGURES_PERIOD}&by=programme,bank,guarantor,province,industry_section` },
  { read: 'guarantees behind new business, first page', path: `/guarantees?${FIGURES_PERIOD}&behind=new_guarantees&limit=50` },
  { read: 'roll-forward by guarantor', path: `/roll-forward?${FIGURES_PERIOD}&by=guarantor` },
  { read: 'position of BJ-REG', path: `/positions/BJ-REG?${FIGURES_PERIOD}` },
  { read: 'figures as of after the run', path: `/figures?${FIGURES_PERIOD}&as_of=2999-01-01T00:00:00Z` },
];

/** The reads as of a time within the run: the cells less everything recorded since (cells-as-of.ts), at the upload's end. */
const uploadedAtParam = (uploadedAt: string) => `as_of=${encodeURIComponent(uploadedAt)}`;

function readsAsOf(uploadedAt: string): { read: string; path: string }[] {
  const asOf = uploadedAtParam(uploadedAt);
  return [
    { read: "figures as of the upload's end", path: `/figures?${FIGURES_PERIOD}&${asOf}` },
    { read: 'figures month by month, as of then', path: `/figures/monthly?${FIGURES_PERIOD}&${asOf}` },
    { read: 'breakdown, as of then', path: `/figures/breakdown?${FIGURES_PERIOD}&by=programme,bank,guarantor,province,industry_section&${asOf}` },
  ];
}

async function timeReads(url: ServiceUrl, keys: BenchKeys, uploadedAt: string): Promise<Verification['reads']> {
  const out: Verification['reads'] = [];
  for (const r of [...CONSOLE_READS, ...readsAsOf(uploadedAt)]) {
    const ms: number[] = [];
    let answer: Answer<any> | undefined;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      answer = await call(url('reporting'), 'GET', r.path, keys.NFRA);
      if (answer.status !== 200) throw new Error(`GET ${r.path} answered ${answer.status}`);
      ms.push(performance.now() - t0);
    }
    // the figures as of a time within the run say how many guarantees were known then
    const known = r.path.startsWith('/figures?') && r.path.includes(uploadedAtParam(uploadedAt)) ? answer?.body?.new_guarantees?.count : undefined;
    out.push({ read: known === undefined ? r.read : `${r.read} (${Number(known).toLocaleString('en-US')} known)`, ms });
  }
  return out;
}

/** PUT the batch file, streamed; resolves with the seconds it took once intake answered 202 for every row. */
export async function uploadBatch(url: ServiceUrl, keys: BenchKeys, o: { batchFile: string; batchRef: string; rows: number }): Promise<void> {
  const put = await fetch(`${url('intake')}/banks/${BANK}/batches/${o.batchRef}?programme=${BENCH_PROGRAMME.id}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${keys.ICBC}`, 'content-type': 'text/csv' },
    body: Readable.toWeb(createReadStream(o.batchFile)) as unknown as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  const putBody: any = await put.json().catch(() => undefined);
  if (put.status !== 202) throw new Error(`the upload answered ${put.status}: ${JSON.stringify(putBody).slice(0, 500)}`);
  if (putBody?.rows !== o.rows) throw new Error(`intake filed ${putBody?.rows} rows, not ${o.rows}`);
}

/** The batch's summary in intake (rows filed, invalid, approved, rejected, complete). */
export async function batchSummary(url: ServiceUrl, keys: BenchKeys, batchRef: string): Promise<any> {
  return (await call(url('intake'), 'GET', `/banks/${BANK}/batches/${batchRef}`, keys.ICBC)).body;
}

export async function figuresOf(url: ServiceUrl, keys: BenchKeys): Promise<any> {
  return (await call(url('reporting'), 'GET', `/figures?${FIGURES_PERIOD}`, keys.NFRA)).body;
}

/** Every row's outcome, page by page (10,000 a page), as a digest. */
export async function outcomesDigest(url: ServiceUrl, keys: BenchKeys, batchRef: string): Promise<OutcomesDigest> {
  const hash = createHash('sha256');
  const counts = { rows: 0, approved: 0, rejected: 0, invalid: 0 };
  let after = 0;
  for (;;) {
    const page = (await call(url('intake'), 'GET', `/banks/${BANK}/batches/${batchRef}/rows?after=${after}&limit=10000`, keys.ICBC)).body;
    for (const r of page?.rows ?? []) {
      hash.update(`${JSON.stringify([r.row, r.loan_id, r.outcome, r.codes])}\n`);
      counts.rows++;
      if (r.outcome in counts) (counts as Record<string, number>)[r.outcome]++;
    }
    if (page?.next === null || page?.next === undefined) break;
    after = page.next;
  }
  return { ...counts, sha256: hash.digest('hex') };
}

/**
 * After the timed part (not timed): the figures against cession's monthly statements, BJ-REG's
 * feed walked as a client would, a rebuild of reporting's read models and of every other
 * service's state from its own log, the audit, and every row's outcome.
 */
export async function verifyOverHttp(
  url: ServiceUrl,
  keys: BenchKeys,
  o: { operatorKey: string; rows: number; approved: number; batchRef: string; feedWalk: boolean; log: (line: string) => void; uploadedAt: string },
): Promise<Verification> {
  const { log, approved } = o;
  log('verifying (not timed): figures against cession\'s monthly statements, the BJ-REG feed over HTTP');
  const figures = await figuresOf(url, keys);
  const figuresFees: Record<string, string> = figures?.reguarantee_fees ?? {};
  const statements = await statementTotals(url, o.operatorKey, Object.keys(figuresFees));
  const feesAgree =
    Object.keys(figuresFees).length === 2 &&
    JSON.stringify(figuresFees) === JSON.stringify(statements.fees) &&
    Object.values(statements.loans).every((n) => n === approved);
  const feed = o.feedWalk ? await walkFeed(url, keys, approved) : null;

  log('verifying (not timed): rebuilding the read models from scratch, then the audit');
  const r0 = performance.now();
  const rebuilt = (await call(url('reporting'), 'POST', '/projections/rebuild', o.operatorKey)).body;
  const rebuildSeconds = (performance.now() - r0) / 1000;
  const figuresAfter = await figuresOf(url, keys);
  const a0 = performance.now();
  const audited = (await call(url('reporting'), 'GET', '/audit', o.operatorKey)).body;
  const auditSeconds = (performance.now() - a0) / 1000;
  log("verifying (not timed): rebuilding every other service's state from its own log");
  const stateRebuilds: Verification['stateRebuilds'] = [];
  for (const service of ['intake', 'underwriting', 'cession', 'compensation'] as const) {
    const s0 = performance.now();
    const r = (await call(url(service), 'POST', `/projections/${service}/rebuild`, o.operatorKey)).body;
    const seconds = (performance.now() - s0) / 1000;
    stateRebuilds.push({ service, events: r?.events ?? 0, rows: r?.rows ?? 0, seconds, identical: r?.identical === true, loansPerSecond: o.rows / seconds });
  }
  stateRebuilds.push({ service: 'reporting', events: rebuilt?.events ?? 0, rows: rebuilt?.rows ?? 0, seconds: rebuildSeconds, identical: rebuilt?.identical === true, loansPerSecond: o.rows / rebuildSeconds });
  log('verifying (not timed): every row\'s outcome');
  const outcomes = await outcomesDigest(url, keys, o.batchRef);
  log('timing the reads behind the console\'s pages (not part of the run)');
  const reads = await timeReads(url, keys, o.uploadedAt);
  return {
    figuresCount: figures?.new_guarantees?.count,
    figures,
    figuresReguaranteeFees: figuresFees,
    cessionReguaranteeFees: statements.fees,
    cessionStatementLoans: statements.loans,
    feesAgree,
    feed,
    rebuild: { events: rebuilt?.events ?? 0, seconds: rebuildSeconds, sameFigures: JSON.stringify(figuresAfter) === JSON.stringify(figures) },
    stateRebuilds,
    audit: {
      events: audited?.events ?? 0,
      guarantees: audited?.guarantees ?? 0,
      violations: audited?.violations ?? ['the audit did not answer'],
      differences: audited?.differences?.length ?? -1,
      figuresCompared: audited?.checked?.figures ?? 0,
      seconds: auditSeconds,
    },
    outcomes,
    reads,
  };
}

/** Each participant's statements for every month of the figures' period: loans and re-guarantee fees summed (in fen). */
async function statementTotals(url: ServiceUrl, operatorKey: string, participants: string[]): Promise<{ fees: Record<string, string>; loans: Record<string, number> }> {
  const fees: Record<string, string> = {};
  const loans: Record<string, number> = {};
  for (const participant of participants) {
    let fen = 0n;
    let n = 0;
    for (const month of monthsOf(FIGURES_PERIOD)) {
      const s = (await call(url('cession'), 'GET', `/statements/${participant}/${month}`, operatorKey)).body;
      if (typeof s?.reguarantee_fees !== 'string') throw new Error(`no statement for ${participant} ${month}: ${JSON.stringify(s).slice(0, 300)}`);
      const monthFen = parseYuan(s.reguarantee_fees);
      if (monthFen === null) throw new Error(`${participant} ${month}: re-guarantee fees ${s.reguarantee_fees} are not an amount`);
      fen += monthFen;
      n += s.loans;
    }
    fees[participant] = formatYuan(fen);
    loans[participant] = n;
  }
  return { fees, loans };
}

/** Walks BJ-REG's feed as a client would (after = the previous page's next) and counts what it got. */
async function walkFeed(url: ServiceUrl, keys: BenchKeys, approved: number): Promise<Verification['feed']> {
  const f0 = performance.now();
  let after = 0;
  let pages = 0;
  let returned = 0;
  const seen = new Map<number, string>();
  for (;;) {
    const page = (await call(url('reporting'), 'GET', `/feed?after=${after}&limit=5000`, keys['BJ-REG'])).body;
    pages++;
    if (!page?.messages?.length) break;
    returned += page.messages.length;
    for (const m of page.messages) seen.set(m.seq, m.topic);
    if (!(page.next > after) || pages > 10 + (4 * approved) / 5000) break;
    after = page.next;
  }
  const distinct = [...seen.values()];
  return {
    returned,
    distinct: distinct.length,
    issued: distinct.filter((t) => t === FEED_TOPICS.issued).length,
    ceded: distinct.filter((t) => t === FEED_TOPICS.ceded).length,
    expected: 2 * approved,
    seconds: (performance.now() - f0) / 1000,
    pages,
  };
}

/** The months YYYY-MM from the period's first to its last day. */
function monthsOf(period: string): string[] {
  const from = /from=(\d{4})-(\d{2})/.exec(period)!;
  const to = /to=(\d{4})-(\d{2})/.exec(period)!;
  const months: string[] = [];
  for (let y = Number(from[1]), m = Number(from[2]); y < Number(to[1]) || (y === Number(to[1]) && m <= Number(to[2])); m === 12 ? ((y += 1), (m = 1)) : (m += 1)) {
    months.push(`${y}-${String(m).padStart(2, '0')}`);
  }
  return months;
}

/** Peak resident set (VmHWM) and the highest VmRSS sampled, per named process, in MB. */
export function memoryOf(pids: Record<string, number | 'self'>, sampledMaxKb: (name: string) => number | null): ProcessMemory[] {
  return Object.entries(pids).map(([name, pid]) => ({
    process: name === 'bench' ? 'bench (this process, so far)' : name,
    pid: pid === 'self' ? process.pid : pid,
    peakRssMb: mb(statusKb(pid, 'VmHWM')),
    maxSampledRssMb: mb(sampledMaxKb(name)),
    anonMb: mb(statusKb(pid, 'RssAnon')),
    fileMb: mb(statusKb(pid, 'RssFile')),
  }));
}

export interface ProcessMemory {
  process: string;
  pid: number;
  peakRssMb: number | null;
  maxSampledRssMb: number | null;
  /** at the end of the timed part: anonymous memory (heaps, WebAssembly memory) and mapped files (code) */
  anonMb: number | null;
  fileMb: number | null;
}

export const mb = (kb: number | null) => (kb === null ? null : Math.round(kb / 102.4) / 10);

export interface PlatformResult {
  mode: 'distributed' | 'embedded';
  /** processes of each service (distributed); 1 embedded */
  instances: number;
  /** CPU of each process group while nothing was sent, per second of wall time (null: not measured) */
  idle: { seconds: number; groups: Record<string, number> } | null;
  rows: number;
  approved: number;
  rejected: number;
  invalid: number;
  startupSeconds: number;
  milestones: Milestone[];
  /** when the figures, the re-guarantee fees and BJ-REG's feed were complete */
  figuresCompleteSeconds: number;
  /** the last milestone: the figures complete and the whole pipeline quiet */
  endToEndSeconds: number;
  loansPerSecond: number;
  uploadRowsPerSecond: number;
  memory: ProcessMemory[];
  /** embedded: what PostgreSQL itself holds inside the PGlite process (MB), read through its socket after the timed part */
  embeddedPostgresMemory?: { sharedMemoryMb: number; sharedBuffersMb: number; backendContextsMb: number };
  /** the most the platform's processes held together at one 500 ms sample (sum of VmRSS), MB */
  peakTogetherMb: number;
  cpu: { wallSeconds: number; machineBusySeconds: number; machineCores: number; groups: Record<string, number>; systemGroups: Record<string, number> };
  timeline: PipelineSample[];
  verification: Verification;
  storage: DatabaseReadings['storage'];
  consumers: DatabaseReadings['consumers'];
  deadLetters: DatabaseReadings['deadLetters'];
  activity: ActivitySummary | null;
  /** the timed part on CLOCK_MONOTONIC, microseconds (V8 CPU profiles use the same clock) */
  monotonicWindowUs: { fromUs: number; toUs: number };
}

/** The run did not finish in time; carries the pipeline samples taken so far, for the diagnosis. */
export class TimeoutError extends Error {
  activity: ActivitySummary | null = null;
  monotonicWindowUs: { fromUs: number; toUs: number } | null = null;

  constructor(
    message: string,
    readonly timeline: PipelineSample[],
    public milestones: Milestone[] = [],
  ) {
    super(message);
  }
}

/** What the platform's database says after a run (read-only): its size, outboxes, consumers' transactions, dead letters. */
export interface DatabaseReadings {
  storage: {
    databaseBytes: number;
    outbox: { schema: string; topic: string; messages: number; avgValueBytes: number }[];
    /** the largest tables, with their indexes and TOAST */
    largestTables: { table: string; bytes: number }[];
  };
  /**
   * Each consumer's transactions, from its inbox (handled_at is the transaction's start): messages,
   * transactions, and when the first and last began, in seconds after the upload started.
   */
  consumers: { consumer: string; messages: number; transactions: number; firstSeconds: number; lastSeconds: number }[];
  /** messages some consumer parked as poison (should be none) */
  deadLetters: { schema: string; topic: string; error: string; count: number }[];
}

/** `dbT0`: the database's clock (epoch seconds) when the upload started. */
export async function databaseReadings(sql: Client, databaseName: string, dbT0: number): Promise<DatabaseReadings> {
  const outbox: DatabaseReadings['storage']['outbox'] = [];
  for (const schema of ['intake', 'underwriting', 'cession']) {
    const rows = await sql.query<{ topic: string; n: string; avg: string }>(
      `select topic, count(*)::text as n, avg(octet_length(value::text))::text as avg from ${schema}.outbox group by topic order by topic`,
    );
    for (const r of rows.rows) outbox.push({ schema, topic: r.topic, messages: Number(r.n), avgValueBytes: Math.round(Number(r.avg)) });
  }
  const deadLetters = await deadLetterSummary(sql);
  const consumers: DatabaseReadings['consumers'] = [];
  for (const schema of ['intake', 'underwriting', 'cession', 'reporting']) {
    const rows = await sql.query<{ consumer: string; n: string; tx: string; first: number; last: number }>(
      `select consumer, count(*)::text as n, count(distinct handled_at)::text as tx,
              extract(epoch from min(handled_at))::float8 - $1 as first, extract(epoch from max(handled_at))::float8 - $1 as last
         from ${schema}.inbox where consumer not like '%.reference-data' group by consumer order by consumer`,
      [dbT0],
    );
    for (const r of rows.rows) consumers.push({ consumer: r.consumer, messages: Number(r.n), transactions: Number(r.tx), firstSeconds: r.first, lastSeconds: r.last });
  }
  const largestTables = (
    await sql.query<{ t: string; b: string }>(
      `select n.nspname || '.' || c.relname as t, pg_total_relation_size(c.oid)::text as b
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'r' and n.nspname in ('intake', 'underwriting', 'cession', 'compensation', 'reporting')
        order by pg_total_relation_size(c.oid) desc limit 12`,
    )
  ).rows.map((r) => ({ table: r.t, bytes: Number(r.b) }));
  const [size] = (await sql.query<{ b: string }>(`select pg_database_size($1)::text as b`, [databaseName])).rows;
  return { storage: { databaseBytes: Number(size.b), outbox, largestTables }, consumers, deadLetters };
}

/** What the platform costs at rest (pollers, heartbeats, relays, and the benchmark's samplers): CPU per second of wall time, per group. */
export async function restingCpu(groups: () => Promise<Record<number, string>>, seconds: number, log: (line: string) => void): Promise<PlatformResult['idle']> {
  log(`measuring the platform at rest for ${seconds} s`);
  const rest = new CpuMeter();
  rest.start(await groups());
  await sleep(seconds * 1000);
  rest.see(await groups());
  const t = rest.totals();
  return { seconds: t.wallSeconds, groups: Object.fromEntries(Object.entries(t.groups).map(([g, sec]) => [g, sec / t.wallSeconds])) };
}

/** What a timed run measured, before it is put together as a PlatformResult. */
export interface Measured {
  mode: PlatformResult['mode'];
  instances: number;
  rows: number;
  startupSeconds: number;
  milestones: Milestone[];
  /** the processes' memory at the end of the timed part, and the sampler that watched them */
  pids: Record<string, number | 'self'>;
  rss: RssSampler;
  cpu: CpuMeter;
  timeline: PipelineSample[];
  monotonicWindowUs: { fromUs: number; toUs: number };
}

/**
 * Reads what the timed part left (memory, CPU) and computes the rates from its milestones; the
 * rest (verification, the database's readings) comes after, when the timed part is over.
 */
export function measuredNow(m: Measured): Omit<PlatformResult, 'idle' | 'verification' | 'storage' | 'consumers' | 'deadLetters' | 'activity' | 'approved' | 'rejected' | 'invalid'> {
  const milestones = [...m.milestones].sort((a, b) => a.seconds - b.seconds);
  m.rss.sample();
  const t = m.cpu.totals();
  const endToEndSeconds = Math.max(...milestones.map((x) => x.seconds));
  return {
    mode: m.mode,
    instances: m.instances,
    rows: m.rows,
    startupSeconds: m.startupSeconds,
    milestones,
    figuresCompleteSeconds: milestones.find((x) => x.name.endsWith('(figures complete)'))!.seconds,
    endToEndSeconds,
    loansPerSecond: m.rows / endToEndSeconds,
    uploadRowsPerSecond: m.rows / milestones.find((x) => x.name.startsWith('upload finished'))!.seconds,
    memory: memoryOf(m.pids, (name) => m.rss.maxKb(name)),
    peakTogetherMb: mb(m.rss.maxTotalKb())!,
    cpu: { wallSeconds: t.wallSeconds, machineBusySeconds: t.machineBusy, machineCores: t.machineCores, groups: t.groups, systemGroups: t.systemGroups },
    timeline: m.timeline,
    monotonicWindowUs: m.monotonicWindowUs,
  };
}

/** The measured run with its verification and the database's readings. */
export function runResult(
  measured: ReturnType<typeof measuredNow>,
  verification: Verification,
  readings: DatabaseReadings,
  activity: ActivitySummary | null,
): Omit<PlatformResult, 'idle'> {
  const { approved, rejected, invalid } = verification.outcomes;
  return { ...measured, rows: verification.outcomes.rows, approved, rejected, invalid, verification, ...readings, activity };
}
