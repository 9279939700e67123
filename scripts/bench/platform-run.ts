import { formatYuan } from '@g2g/domain';
import { SERVICES, ServiceName, ServiceProcess, startPlatformProcesses } from '@g2g/testing';
import { Kafka, logLevel } from 'kafkajs';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { Client } from 'pg';
import { call, sleep } from './http';
import { ActivitySampler, ActivitySummary } from './activity';
import { FEED_TOPICS, PipelineProbe, PipelineSample, deadLetterSummary, idle, unchanged } from './pipeline-probe';
import { CpuMeter, RssSampler, pidsNamed, statusKb } from './proc';
import { BENCH_PROGRAMME, publishReferenceData } from './reference-data';

const BANK = 'ICBC';
const FIGURES_PERIOD = 'from=2025-01-01&to=2026-12-31';

export interface PlatformRunOptions {
  root: string;
  databaseUrl: string;
  databaseName: string;
  namespace: string;
  operatorKey: string;
  brokers: string[];
  kafkaPid: number | null;
  batchFile: string;
  rows: number;
  batchRef: string;
  timeoutMs: number;
  feedWalk: boolean;
  sampleEveryMs: number;
  /** seconds to measure the platform at rest before the upload (0: not) */
  idleSeconds: number;
  /** sample pg_stat_activity every 100 ms during the timed part (where the services' database time goes) */
  activity: boolean;
  log: (line: string) => void;
  /** the processes, as soon as they run: the caller stops them whatever happens */
  onStarted: (services: Record<ServiceName, ServiceProcess>) => void;
}

export interface Milestone {
  name: string;
  /** seconds after the upload started */
  seconds: number;
}

export interface PlatformResult {
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
  memory: { process: string; pid: number; peakRssMb: number | null; maxSampledRssMb: number | null }[];
  cpu: { wallSeconds: number; machineBusySeconds: number; machineCores: number; groups: Record<string, number>; systemGroups: Record<string, number> };
  timeline: PipelineSample[];
  verification: {
    figuresCount: number;
    figuresReguaranteeFees: Record<string, string>;
    cessionReguaranteeFees: Record<string, string>;
    feesAgree: boolean;
    /** BJ-REG's feed read over HTTP page by page: messages returned, distinct ones, expected (2 x approved) */
    feed: { returned: number; distinct: number; issued: number; ceded: number; expected: number; seconds: number; pages: number } | null;
    /** the read models rebuilt from reporting's log from scratch: same figures before and after? */
    rebuild: { events: number; seconds: number; sameFigures: boolean };
    /** each service's state rebuilt from its own log (reporting's is the rebuild above) */
    stateRebuilds: { service: string; events: number; rows: number; seconds: number; identical: boolean; loansPerSecond: number }[];
    /** the audit: invariants and figures recomputed from the events alone */
    audit: { events: number; guarantees: number; violations: string[]; differences: number; figuresCompared: number; seconds: number };
  };
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
  activity: ActivitySummary | null;
  /** the timed part on CLOCK_MONOTONIC, microseconds (V8 CPU profiles use the same clock) */
  monotonicWindowUs: { fromUs: number; toUs: number };
}

/**
 * Starts the five services as processes against a fresh database and Kafka namespace, publishes
 * the reference data, files the batch and times it until every projection has caught up.
 */
export async function runPlatform(o: PlatformRunOptions): Promise<PlatformResult> {
  const { log } = o;
  const startT = performance.now();
  log(`starting the five services (distributed, database ${o.databaseName}, Kafka namespace ${o.namespace})`);
  const services = await startPlatformProcesses(o.root, {
    DATABASE_URL: o.databaseUrl,
    KAFKA_NAMESPACE: o.namespace,
    KAFKA_BROKERS: o.brokers.join(','),
    G2G_OPERATOR_KEY: o.operatorKey,
  });
  o.onStarted(services);
  const startupSeconds = (performance.now() - startT) / 1000;
  log(`services ready in ${startupSeconds.toFixed(1)} s: ${SERVICES.map((s) => `${s} ${services[s].url} (pid ${services[s].child.pid})`).join(', ')}`);
  const url = (s: ServiceName) => services[s].url;

  const sql = new Client({ connectionString: o.databaseUrl, application_name: 'g2g-bench' });
  sql.on('error', () => undefined); // the database is dropped under it on Ctrl-C
  await sql.connect();
  const kafka = new Kafka({ clientId: 'g2g-bench-probe', brokers: o.brokers, logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Reference data, as the e2e test publishes it.
    const keys = await publishReferenceData(url, o.operatorKey, sql);
    log('reference data published; participants, programme and keys known to every service');

    // ---- samplers: memory every 500 ms, CPU and the pipeline's stages every sampleEveryMs ----
    const pids: Record<string, number | 'self'> = { bench: 'self' };
    for (const s of SERVICES) pids[s] = services[s].child.pid!;
    const rss = new RssSampler(() => pids);
    rss.start(500);
    const cpu = new CpuMeter();
    const cpuGroups = async (): Promise<Record<number, string>> => {
      const groups: Record<number, string> = {};
      for (const pid of pidsNamed('postgres')) groups[pid] = 'postgres: other (background writers, other databases)';
      const backends = await sql.query<{ pid: number; application_name: string }>(
        `select pid, application_name from pg_stat_activity where datname = $1`,
        [o.databaseName],
      );
      for (const b of backends.rows) groups[b.pid] = `postgres: backends of ${b.application_name || '?'}`;
      for (const s of SERVICES) groups[services[s].child.pid!] = `node: ${s}`;
      groups[process.pid] = 'node: bench (this process)';
      if (o.kafkaPid) groups[o.kafkaPid] = 'kafka broker';
      return groups;
    };

    const probe = new PipelineProbe(sql, admin, o.namespace, BANK, o.batchRef);
    const timeline: PipelineSample[] = [];
    let sampling = true;
    let t0 = performance.now();
    const sinceStart = () => (performance.now() - t0) / 1000;
    const sampler = (async () => {
      while (sampling) {
        await sleep(o.sampleEveryMs);
        if (!sampling) break;
        try {
          timeline.push(await probe.sample(sinceStart()));
          cpu.see(await cpuGroups());
        } catch (e) {
          log(`sample failed: ${(e as Error).message}`);
        }
      }
    })();

    let atRest: PlatformResult['idle'] = null;
    if (o.idleSeconds > 0) {
      // what the platform costs while nothing arrives: pollers, heartbeats, relays (and these samplers)
      log(`measuring the platform at rest for ${o.idleSeconds} s`);
      const rest = new CpuMeter();
      rest.start(await cpuGroups());
      await sleep(o.idleSeconds * 1000);
      rest.see(await cpuGroups());
      const t = rest.totals();
      atRest = { seconds: t.wallSeconds, groups: Object.fromEntries(Object.entries(t.groups).map(([g, sec]) => [g, sec / t.wallSeconds])) };
    }

    try {
      return { ...(await timedRun()), idle: atRest };
    } finally {
      sampling = false;
      rss.stop();
      await sampler;
    }

    async function timedRun(): Promise<Omit<PlatformResult, 'idle'>> {
      // ---- the timed part: upload start -> every projection caught up ----
      const milestones: Milestone[] = [];
      const mark = (name: string, at = sinceStart()) => {
        milestones.push({ name, seconds: at });
        log(`${at.toFixed(1).padStart(7)} s  ${name}`);
      };
      cpu.start(await cpuGroups());
      const activitySql = o.activity ? new Client({ connectionString: o.databaseUrl, application_name: 'g2g-bench' }) : null;
      activitySql?.on('error', () => undefined);
      await activitySql?.connect();
      const activity = activitySql ? new ActivitySampler(activitySql, o.databaseName, 100) : null;
      const [{ epoch: dbT0 }] = (await sql.query<{ epoch: number }>(`select extract(epoch from clock_timestamp())::float8 as epoch`)).rows;
      activity?.start();
      const fromUs = Number(process.hrtime.bigint() / 1000n);
      log(`uploading ${o.rows.toLocaleString('en-US')} rows`);
      t0 = performance.now();
      timeline.length = 0; // samples taken at rest are not part of the run
      const put = await fetch(`${url('intake')}/banks/${BANK}/batches/${o.batchRef}?programme=${BENCH_PROGRAMME.id}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${keys.ICBC}`, 'content-type': 'text/csv' },
        body: Readable.toWeb(createReadStream(o.batchFile)) as unknown as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      const putBody: any = await put.json().catch(() => undefined);
      const uploadSeconds = sinceStart();
      if (put.status !== 202) throw new Error(`the upload answered ${put.status}: ${JSON.stringify(putBody).slice(0, 500)}`);
      if (putBody?.rows !== o.rows) throw new Error(`intake filed ${putBody?.rows} rows, not ${o.rows}`);
      mark('upload finished (PUT answered 202)', uploadSeconds);

      const deadline = t0 + o.timeoutMs;
      let summary: any;
      let approved = -1;
      const pending = { decided: true, reporting: true, cession: true, done: true, quiet: true };
      /** what each completion check last counted, to say why a run that gave up had not finished */
      const lastCounts = new Map<string, { n: number; at: number }>();
      let interval = 250;
      try {
        while (Object.values(pending).some(Boolean)) {
          if (performance.now() > deadline) {
            throw new TimeoutError(`not finished after ${o.timeoutMs / 1000} s; still waiting for: ${Object.keys(pending).filter((k) => (pending as any)[k]).join(', ')}`, timeline);
          }
          const tick = sinceStart();
          if (pending.decided) {
            summary = (await call(url('intake'), 'GET', `/banks/${BANK}/batches/${o.batchRef}`, keys.ICBC)).body;
            if (summary?.complete === true) {
              approved = summary.approved;
              pending.decided = false;
              mark(`all rows decided (summary complete: ${summary.approved} approved, ${summary.rejected} rejected, ${summary.invalid} invalid)`, tick);
            }
          }
          if (!pending.decided) {
            // Exact counts in the services' own tables (read-only), far cheaper than the figures
            // query. Later stages are checked first: counts only grow, so an earlier stage is then
            // never seen later than a stage that depends on it. Milestones are stamped with the start
            // of the poll that saw them; the figures are asked over HTTP once, to confirm.
            let sqlMs = 0;
            const counted = async (text: string) => {
              const q0 = performance.now();
              const n = await count(sql, text);
              sqlMs += performance.now() - q0;
              lastCounts.set(text, { n, at: tick });
              return n;
            };
            const fees = async () => {
              const at = sinceStart();
              if ((await counted(`select count(*) from reporting.r_reguarantee_fees where participant = 'BJ-REG'`)) === approved) {
                pending.done = false;
                mark(`reporting has every re-guarantee fee (figures complete)`, at);
              }
            };
            if (pending.done) await fees();
            if (pending.reporting) {
              const at = tick;
              if ((await counted(`select count(*) from reporting.r_guarantees`)) === approved) {
                const figures = (await call(url('reporting'), 'GET', `/figures?${FIGURES_PERIOD}`, keys.NFRA)).body;
                if (figures?.new_guarantees?.count === approved) {
                  pending.reporting = false;
                  mark(`reporting caught up with underwriting (figures: new_guarantees.count = ${approved})`, at);
                }
                // the figures of a million loans take seconds to answer: look at the fees again now
                if (!pending.reporting && pending.done) await fees();
              }
            }
            if (pending.cession) {
              const at = tick;
              if ((await counted(`select coalesce(sum(loans), 0) as count from cession.cession_chunks`)) === 2 * approved) {
                pending.cession = false;
                mark(`cession booked every approved guarantee (${2 * approved} cessions)`, at);
              }
            }
            // the polling's own cost stays under about a fifth of the wait
            interval = Math.min(1_000, Math.max(250, 5 * sqlMs));
          }
          if (!pending.done && !pending.reporting && !pending.cession && pending.quiet) {
            // the figures are complete; the rest of the pipeline (other consumers, logs) may not be
            const q0 = performance.now();
            const now = await probe.sample(tick);
            if (Object.values(now.lag).every((v) => v === 0) && Object.values(now.unrelayed).every((v) => v === 0)) {
              pending.quiet = false;
              mark('every consumer group and log follower caught up, nothing left to relay (quiet)', tick);
            }
            interval = Math.min(1_000, Math.max(250, 5 * (performance.now() - q0)));
          }
          if (!Object.values(pending).some(Boolean)) break;
          // A pipeline with nothing in flight for three samples in a row, or where nothing at all
          // moved for 60 s (a consumer stuck or dead with lag left), will not finish: say why.
          // (only samples taken before this poll began count: a poll can take longer than the
          // samples' interval, the figures of a million loans for one, and what it saw was older)
          const last = timeline.filter((x) => x.t <= tick).slice(-4);
          const stuck = timeline.filter((x) => x.t >= sinceStart() - 60);
          const isIdle = last.length === 4 && last.slice(1).every((x, i) => idle(last[i], x));
          const isStuck = stuck.length >= 20 && timeline.length > stuck.length && stuck.slice(1).every((x, i) => unchanged(stuck[i], x));
          if (isIdle || isStuck) {
            const dead = await deadLetterSummary(sql);
            const parked = dead.map((d) => `${d.count} x ${d.schema} parked ${d.topic}: ${d.error}`).join('; ');
            const lagging = Object.entries(timeline[timeline.length - 1].lag).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
            throw new TimeoutError(
              `${isIdle ? 'the pipeline is idle (no lag, nothing unrelayed, no new messages' : `nothing moved (lag left: ${lagging || 'none'}`} for ${(isIdle ? last[3].t - last[0].t : 60).toFixed(0)} s) ` +
                `but still waiting for: ${Object.keys(pending).filter((k) => (pending as any)[k]).join(', ')}; dead letters: ${parked || 'none'}; ` +
                `expected ${approved} approved; last counts: ${[...lastCounts].map(([q, c]) => `${c.n} at ${c.at.toFixed(1)} s from ${q}`).join('; ')}`,
              timeline,
            );
          }
          if (Object.values(pending).some(Boolean)) await sleep(interval);
        }
      } catch (error) {
        // a run that fails still says where the database time went
        if (error instanceof TimeoutError) {
          error.milestones = [...milestones].sort((a, b) => a.seconds - b.seconds);
          error.activity = (await activity?.stop()) ?? null;
          error.monotonicWindowUs = { fromUs, toUs: Number(process.hrtime.bigint() / 1000n) };
        }
        await activitySql?.end().catch(() => undefined);
        throw error;
      }
      const toUs = Number(process.hrtime.bigint() / 1000n);
      const activitySummary = (await activity?.stop()) ?? null;
      await activitySql?.end();
      milestones.sort((a, b) => a.seconds - b.seconds);
      const figuresCompleteSeconds = milestones.find((m) => m.name.endsWith('(figures complete)'))!.seconds;
      const endToEndSeconds = Math.max(...milestones.map((m) => m.seconds));
      sampling = false;
      cpu.see(await cpuGroups());
      rss.sample();
      await sampler;
      timeline.push(await probe.sample(sinceStart()));

      // ---- memory: peak resident set of each process, read before anything stops ----
      const memory = Object.entries(pids).map(([name, pid]) => ({
        process: name === 'bench' ? 'bench (this process, so far)' : name,
        pid: pid === 'self' ? process.pid : pid,
        peakRssMb: mb(statusKb(pid, 'VmHWM')),
        maxSampledRssMb: mb(rss.maxKb(name)),
      }));
      const cpuTotals = cpu.totals();

      // ---- verification, not timed ----
      log('verifying (not timed): figures against cession, the BJ-REG feed over HTTP');
      const figures = (await call(url('reporting'), 'GET', `/figures?${FIGURES_PERIOD}`, keys.NFRA)).body;
      const cessionFees = Object.fromEntries(
        (await sql.query<{ participant: string; fees: string }>(`select participant, sum(fee_fen)::text as fees from cession.cession_chunks group by participant order by participant`)).rows.map(
          (r) => [r.participant, formatYuan(BigInt(r.fees))],
        ),
      );
      const figuresFees = figures?.reguarantee_fees ?? {};
      const feesAgree = JSON.stringify(figuresFees) === JSON.stringify(cessionFees) && Object.keys(cessionFees).length === 2;
      let feed: PlatformResult['verification']['feed'] = null;
      if (o.feedWalk) {
        // Walks the feed as a client would (after = the previous page's next), and counts what
        // it got: every message returned, the distinct ones (by seq), and the distinct ones by topic.
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
        feed = {
          returned,
          distinct: distinct.length,
          issued: distinct.filter((t) => t === FEED_TOPICS.issued).length,
          ceded: distinct.filter((t) => t === FEED_TOPICS.ceded).length,
          expected: 2 * approved,
          seconds: (performance.now() - f0) / 1000,
          pages,
        };
      }
      log('verifying (not timed): rebuilding the read models from scratch, then the audit');
      const r0 = performance.now();
      const rebuilt = (await call(url('reporting'), 'POST', '/projections/rebuild', o.operatorKey)).body;
      const rebuildSeconds = (performance.now() - r0) / 1000;
      const figuresAfter = (await call(url('reporting'), 'GET', `/figures?${FIGURES_PERIOD}`, keys.NFRA)).body;
      const a0 = performance.now();
      const audited = (await call(url('reporting'), 'GET', '/audit', o.operatorKey)).body;
      const auditSeconds = (performance.now() - a0) / 1000;
      log("verifying (not timed): rebuilding every other service's state from its own log");
      const stateRebuilds: PlatformResult['verification']['stateRebuilds'] = [];
      for (const service of ['intake', 'underwriting', 'cession', 'compensation'] as const) {
        const s0 = performance.now();
        const r = (await call(url(service), 'POST', `/projections/${service}/rebuild`, o.operatorKey)).body;
        const seconds = (performance.now() - s0) / 1000;
        stateRebuilds.push({ service, events: r?.events ?? 0, rows: r?.rows ?? 0, seconds, identical: r?.identical === true, loansPerSecond: o.rows / seconds });
      }
      stateRebuilds.push({ service: 'reporting', events: rebuilt?.events ?? 0, rows: rebuilt?.rows ?? 0, seconds: rebuildSeconds, identical: rebuilt?.identical === true, loansPerSecond: o.rows / rebuildSeconds });
      const final = (await call(url('intake'), 'GET', `/banks/${BANK}/batches/${o.batchRef}`, keys.ICBC)).body;

      const outbox: PlatformResult['storage']['outbox'] = [];
      for (const schema of ['intake', 'underwriting', 'cession']) {
        const rows = await sql.query<{ topic: string; n: string; avg: string }>(
          `select topic, count(*)::text as n, avg(octet_length(value::text))::text as avg from ${schema}.outbox group by topic order by topic`,
        );
        for (const r of rows.rows) outbox.push({ schema, topic: r.topic, messages: Number(r.n), avgValueBytes: Math.round(Number(r.avg)) });
      }
      const deadLetters = await deadLetterSummary(sql);
      const consumers: PlatformResult['consumers'] = [];
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
      const [size] = (await sql.query<{ b: string }>(`select pg_database_size($1)::text as b`, [o.databaseName])).rows;

      return {
        rows: final.rows,
        approved: final.approved,
        rejected: final.rejected,
        invalid: final.invalid,
        startupSeconds,
        milestones,
        figuresCompleteSeconds,
        endToEndSeconds,
        loansPerSecond: o.rows / endToEndSeconds,
        uploadRowsPerSecond: o.rows / uploadSeconds,
        memory,
        cpu: { wallSeconds: cpuTotals.wallSeconds, machineBusySeconds: cpuTotals.machineBusy, machineCores: cpuTotals.machineCores, groups: cpuTotals.groups, systemGroups: cpuTotals.systemGroups },
        timeline,
        verification: {
          figuresCount: figures?.new_guarantees?.count,
          figuresReguaranteeFees: figuresFees,
          cessionReguaranteeFees: cessionFees,
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
        },
        storage: { databaseBytes: Number(size.b), outbox, largestTables },
        consumers,
        deadLetters,
        activity: activitySummary,
        monotonicWindowUs: { fromUs, toUs },
      };
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
    await sql.end().catch(() => undefined);
  }
}

/** The run did not finish in time; carries the pipeline samples taken so far, for the diagnosis. */
export class TimeoutError extends Error {
  activity: ActivitySummary | null = null;
  monotonicWindowUs: { fromUs: number; toUs: number } | null = null;
  milestones: Milestone[] = [];

  constructor(
    message: string,
    readonly timeline: PipelineSample[],
  ) {
    super(message);
  }
}

async function count(sql: Client, text: string): Promise<number> {
  const r = await sql.query<{ count: string }>(text);
  return Number(r.rows[0].count);
}

const mb = (kb: number | null) => (kb === null ? null : Math.round(kb / 102.4) / 10);
