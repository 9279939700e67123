import { ServiceName, ServiceProcess, namedProcesses, startPlatformInstances } from '@g2g/testing';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { sleep, waitFor } from './http';
import { ActivitySampler } from './activity';
import { PipelineProbe, PipelineSample, deadLetterSummary, idle, unchanged } from './pipeline-probe';
import { CpuMeter, RssSampler, pidsNamed } from './proc';
import { publishReferenceData } from './reference-data';
import { BANK, Milestone, PlatformResult, RunOptions, TimeoutError, batchSummary, databaseReadings, figuresOf, measuredNow, restingCpu, runResult, uploadBatch, verifyOverHttp } from './run-steps';

export type { PlatformResult } from './run-steps';
export { TimeoutError } from './run-steps';

export interface PlatformRunOptions extends RunOptions {
  databaseUrl: string;
  databaseName: string;
  namespace: string;
  brokers: string[];
  kafkaPid: number | null;
  /** sample pg_stat_activity every 100 ms during the timed part (where the services' database time goes) */
  activity: boolean;
  /** processes of each service, in the same consumer groups, each on its own HTTP port (the upload goes to the first intake) */
  instances: number;
  /** the processes, as soon as they run, by name (`intake`, or `intake #2` with more instances): the caller stops them whatever happens */
  onStarted: (processes: Record<string, ServiceProcess>) => void;
}

/**
 * Starts the five services as processes against a fresh database and Kafka namespace, publishes
 * the reference data, files the batch and times it until every projection has caught up.
 */
export async function runPlatform(o: PlatformRunOptions): Promise<PlatformResult> {
  const { log } = o;
  const startT = performance.now();
  log(`starting the five services (distributed, ${o.instances} process${o.instances === 1 ? '' : 'es'} each, database ${o.databaseName}, Kafka namespace ${o.namespace})`);
  const services = await startPlatformInstances(
    o.root,
    { DATABASE_URL: o.databaseUrl, KAFKA_NAMESPACE: o.namespace, KAFKA_BROKERS: o.brokers.join(','), G2G_OPERATOR_KEY: o.operatorKey },
    o.instances,
    { logFile: o.logFile && ((service, instance) => o.logFile!(o.instances === 1 ? service : `${service}-${instance}`)) },
  );
  const processes = namedProcesses(services);
  o.onStarted(processes);
  const startupSeconds = (performance.now() - startT) / 1000;
  log(`services ready in ${startupSeconds.toFixed(1)} s: ${Object.entries(processes).map(([name, p]) => `${name} ${p.url} (pid ${p.child.pid})`).join(', ')}`);
  // every request to the first process of a service (the upload to the first intake)
  const url = (s: ServiceName) => services[s][0].url;

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
    // a group still rebalancing (the processes join one by one) would stall the timed part: wait until every group is stable with all its members
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(o.namespace));
    await waitFor(async () => (await admin.describeGroups(groups)).groups.every((g) => g.state === 'Stable' && g.members.length === o.instances), 120_000, `every consumer group stable with ${o.instances} member(s)`, 500);
    log(`${groups.length} consumer groups stable, ${o.instances} member(s) each`);

    // ---- samplers: memory every 500 ms, CPU and the pipeline's stages every sampleEveryMs ----
    const pids: Record<string, number | 'self'> = { bench: 'self' };
    for (const [name, p] of Object.entries(processes)) pids[name] = p.child.pid!;
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
      for (const [name, p] of Object.entries(processes)) groups[p.child.pid!] = `node: ${name}`;
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

    // what the platform costs while nothing arrives: pollers, heartbeats, relays (and these samplers)
    const atRest = o.idleSeconds > 0 ? await restingCpu(cpuGroups, o.idleSeconds, log) : null;

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
      await uploadBatch(url, keys, o);
      const uploadSeconds = sinceStart();
      mark('upload finished (PUT answered 202)', uploadSeconds);
      const uploadedAt = new Date().toISOString();

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
            summary = await batchSummary(url, keys, o.batchRef);
            if (summary?.complete === true) {
              approved = summary.approved;
              pending.decided = false;
              mark(`all rows decided (summary complete: ${summary.approved} approved, ${summary.rejected} rejected, ${summary.invalid} invalid)`);
            }
          }
          if (!pending.decided) {
            // Exact counts in the services' own tables (read-only), far cheaper than the figures
            // query. Later stages are checked first: counts only grow, so an earlier stage is then
            // never seen later than a stage that depends on it. The stages a poll saw are stamped
            // with the time its last check answered; the figures are asked over HTTP once, to confirm.
            let sqlMs = 0;
            const seen: string[] = [];
            const counted = async (text: string) => {
              const q0 = performance.now();
              const n = await count(sql, text);
              sqlMs += performance.now() - q0;
              lastCounts.set(text, { n, at: sinceStart() });
              return n;
            };
            const fees = async () => {
              if ((await counted(`select count(*) from reporting.r_reguarantee_fees where participant = 'BJ-REG'`)) === approved) {
                pending.done = false;
                seen.push(`reporting has every re-guarantee fee (figures complete)`);
              }
            };
            if (pending.done) await fees();
            if (pending.reporting) {
              if ((await counted(`select count(*) from reporting.r_guarantees`)) === approved) {
                const figures = await figuresOf(url, keys);
                if (figures?.new_guarantees?.count === approved) {
                  pending.reporting = false;
                  seen.push(`reporting caught up with underwriting (figures: new_guarantees.count = ${approved})`);
                  // the figures of a million loans take seconds to answer: look at the fees again now
                  if (pending.done) await fees();
                }
              }
            }
            if (pending.cession) {
              if ((await counted(`select coalesce(sum(loans), 0) as count from cession.cession_chunks`)) === 2 * approved) {
                pending.cession = false;
                seen.push(`cession booked every approved guarantee (${2 * approved} cessions)`);
              }
            }
            const answered = sinceStart();
            for (const name of seen.reverse()) mark(name, answered);
            // the polling's own cost stays under about a fifth of the wait
            interval = Math.min(1_000, Math.max(250, 5 * sqlMs));
          }
          if (!pending.done && !pending.reporting && !pending.cession && pending.quiet) {
            // the figures are complete; the rest of the pipeline (other consumers, logs) may not be
            const q0 = performance.now();
            const now = await probe.sample(tick);
            if (Object.values(now.lag).every((v) => v === 0) && Object.values(now.unrelayed).every((v) => v === 0)) {
              pending.quiet = false;
              mark('every consumer group and log follower caught up, nothing left to relay (quiet)');
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
      sampling = false;
      cpu.see(await cpuGroups());
      await sampler;
      timeline.push(await probe.sample(sinceStart()));
      // memory: peak resident set of each process, read before anything stops
      const measured = measuredNow({ mode: 'distributed', instances: o.instances, rows: o.rows, startupSeconds, milestones, pids, rss, cpu, timeline, monotonicWindowUs: { fromUs, toUs } });

      // ---- verification, not timed ----
      const verification = await verifyOverHttp(url, keys, { ...o, approved, uploadedAt });
      return runResult(measured, verification, await databaseReadings(sql, o.databaseName, dbT0), activitySummary);
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
    await sql.end().catch(() => undefined);
  }
}

async function count(sql: Client, text: string): Promise<number> {
  const r = await sql.query<{ count: string }>(text);
  return Number(r.rows[0].count);
}

