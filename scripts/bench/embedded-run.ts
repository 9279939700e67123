import { ServiceProcess, startServiceProcess } from '@g2g/testing';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { sleep } from './http';
import { PipelineSample, deadLetterSummary, idle, unchanged } from './pipeline-probe';
import { CpuMeter, RssSampler, argvOf, childrenOf } from './proc';
import { publishReferenceData } from './reference-data';
import { Milestone, PlatformResult, RunOptions, TimeoutError, batchSummary, databaseReadings, figuresOf, measuredNow, restingCpu, runResult, uploadBatch, verifyOverHttp } from './run-steps';

export interface EmbeddedRunOptions extends RunOptions {
  /** a fresh folder: the embedded PostgreSQL's data directory goes in it */
  dir: string;
  /** the process, as soon as it runs: the caller stops it whatever happens */
  onStarted: (platform: ServiceProcess) => void;
}

const EMBEDDED_PG_SERVER = 'embedded-postgres.server.cjs';

/**
 * The same batch through the embedded platform: `node dist/apps/embedded/src/main.js` (what
 * `npm start` runs), all five services in one process with the embedded PostgreSQL (PGlite, in a
 * child process of its own) and delivery through the database, on a port of its own with a fresh
 * data directory. Progress is read over HTTP: the batch summary, the figures, and
 * `GET /health/backlog` (how far behind each in-database follower is). The embedded database is
 * reached through its unix socket only to wait for the programme in intake before the upload and,
 * after the timed part, for the dead letters and the database's size, like the distributed run.
 */
export async function runEmbedded(o: EmbeddedRunOptions): Promise<PlatformResult> {
  const { log } = o;
  const startT = performance.now();
  log(`starting the embedded platform (one process, data in ${o.dir})`);
  const platform = await startServiceProcess(
    join(o.root, 'dist/apps/embedded/src/main.js'),
    [],
    {
      G2G_MODE: 'embedded',
      G2G_DATA_DIR: join(o.dir, 'data'),
      G2G_INBOX_DIR: '',
      G2G_OPERATOR_KEY: o.operatorKey,
      G2G_OPERATOR_KEY_FILE: join(o.dir, 'operator-key'),
      PORT: '0',
    },
    { timeoutMs: 120_000, logFile: o.logFile?.('embedded') },
  );
  o.onStarted(platform);
  const startupSeconds = (performance.now() - startT) / 1000;
  const platformPid = platform.child.pid!;
  const database = childrenOf(platformPid).find((pid) => argvOf(pid)?.some((a) => a.endsWith(EMBEDDED_PG_SERVER)));
  if (!database) throw new Error(`the embedded PostgreSQL process (a child of ${platformPid} running ${EMBEDDED_PG_SERVER}) was not found`);
  const socketPath = argvOf(database)!.at(-1)!;
  log(`embedded platform ready in ${startupSeconds.toFixed(1)} s on ${platform.url} (pid ${platformPid}); its PostgreSQL is pid ${database}, socket ${socketPath}`);
  const url = () => platform.url;

  // the embedded database's socket: its folder and the port in the file's name (.s.PGSQL.<port>)
  const sql = new Client({ host: dirname(socketPath), port: Number(/\.(\d+)$/.exec(socketPath)![1]), user: 'postgres', database: 'postgres', application_name: 'g2g-bench' });
  sql.on('error', () => undefined);
  await sql.connect();
  try {
    const keys = await publishReferenceData(url, o.operatorKey, sql);
    log('reference data published; participants, programme and keys known to every service');

    const pids: Record<string, number | 'self'> = { bench: 'self', 'embedded platform (five services)': platformPid, 'embedded PostgreSQL (PGlite)': database };
    const rss = new RssSampler(() => pids);
    rss.start(500);
    const groups: Record<number, string> = {
      [platformPid]: 'node: embedded platform (five services)',
      [database]: 'node: embedded PostgreSQL (PGlite)',
      [process.pid]: 'node: bench (this process)',
    };
    try {
      const atRest = o.idleSeconds > 0 ? await restingCpu(() => Promise.resolve(groups), o.idleSeconds, log) : null;
      return { ...(await timedRun()), idle: atRest };
    } finally {
      rss.stop();
    }

    async function timedRun(): Promise<Omit<PlatformResult, 'idle'>> {
      const cpu = new CpuMeter();
      const milestones: Milestone[] = [];
      const timeline: PipelineSample[] = [];
      let t0 = performance.now();
      const sinceStart = () => (performance.now() - t0) / 1000;
      /** stamped with the time the observation that saw it answered (the platform reached it before then) */
      const mark = (name: string, at = sinceStart()) => {
        milestones.push({ name, seconds: at });
        log(`${at.toFixed(1).padStart(7)} s  ${name}`);
      };
      const [{ epoch: dbT0 }] = (await sql.query<{ epoch: number }>(`select extract(epoch from clock_timestamp())::float8 as epoch`)).rows;
      cpu.start(groups);
      const fromUs = Number(process.hrtime.bigint() / 1000n);
      log(`uploading ${o.rows.toLocaleString('en-US')} rows`);
      t0 = performance.now();
      await uploadBatch(url, keys, o);
      mark('upload finished (PUT answered 202)', sinceStart());
      const uploadedAt = new Date().toISOString();

      const deadline = t0 + o.timeoutMs;
      const pending = { decided: true, cession: true, reporting: true, done: true, quiet: true };
      let approved = -1;
      let lastSample = -Infinity;
      let interval = 250;
      const waiting = () => Object.keys(pending).filter((k) => (pending as Record<string, boolean>)[k]).join(', ');
      while (Object.values(pending).some(Boolean)) {
        if (performance.now() > deadline) throw new TimeoutError(`not finished after ${o.timeoutMs / 1000} s; still waiting for: ${waiting()}`, timeline, milestones);
        const tick = sinceStart();
        const q0 = performance.now();
        const summary = await batchSummary(url, keys, o.batchRef);
        if (pending.decided && summary?.complete === true) {
          approved = summary.approved;
          pending.decided = false;
          mark(`all rows decided (summary complete: ${summary.approved} approved, ${summary.rejected} rejected, ${summary.invalid} invalid)`);
        }
        // the followers' backlog: every 2 s for the timeline, and at every poll once the rows are decided
        let backlog: Backlog | null = null;
        const look = async () => (backlog = await backlogOf(url()));
        if (!pending.decided || tick - lastSample >= o.sampleEveryMs / 1000) await look();
        if (!pending.decided) {
          // Each stage is judged on a backlog read after the stage it depends on was seen complete:
          // a follower at the end of a log that is still growing proves nothing.
          const behind = (prefix: string) => backlog!.followers.filter((f) => f.follower.startsWith(prefix)).reduce((n, f) => n + f.behind, 0);
          if (pending.cession && behind('cession/') === 0) {
            pending.cession = false;
            mark(`cession booked every approved guarantee (its followers at the end of underwriting's log)`);
            await look();
          }
          if (pending.reporting && behind('reporting/reporting.chunks<=underwriting') === 0) {
            const figures = await figuresOf(url, keys);
            if (figures?.new_guarantees?.count === approved) {
              pending.reporting = false;
              mark(`reporting caught up with underwriting (figures: new_guarantees.count = ${approved})`);
            }
          }
          if (!pending.cession && !pending.reporting && pending.done && behind('reporting/') === 0) {
            pending.done = false;
            mark(`reporting logged and projected every guarantee and cession (figures complete)`);
            await look();
          }
          if (!pending.done && pending.quiet && backlog!.behind === 0) {
            pending.quiet = false;
            mark('every follower at the end of its log (quiet)');
          }
          interval = Math.min(1_000, Math.max(250, 5 * (performance.now() - q0)));
        }
        if (backlog) {
          lastSample = tick;
          timeline.push(await sampleOf(tick, summary, backlog, sql));
          cpu.see(groups);
        }
        // nothing in flight for three samples in a row, or nothing moved for 60 s: it will not finish
        const last = timeline.slice(-4);
        const recent = timeline.filter((x) => x.t >= tick - 60);
        const isIdle = pending.decided === false && last.length === 4 && last.slice(1).every((x, i) => idle(last[i], x)) && Object.values(pending).some(Boolean);
        const isStuck = recent.length >= 20 && timeline.length > recent.length && recent.slice(1).every((x, i) => unchanged(recent[i], x));
        if (isIdle || isStuck) {
          const parked = (await deadLetterSummary(sql)).map((d) => `${d.count} x ${d.schema} parked ${d.topic}: ${d.error}`).join('; ');
          throw new TimeoutError(`${isIdle ? 'nothing waits in any follower' : 'nothing moved for 60 s'} but still waiting for: ${waiting()}; dead letters: ${parked || 'none'}`, timeline, milestones);
        }
        if (Object.values(pending).some(Boolean)) await sleep(interval);
      }
      cpu.see(groups);
      const measured = measuredNow({
        mode: 'embedded',
        instances: 1,
        rows: o.rows,
        startupSeconds,
        milestones,
        pids,
        rss,
        cpu,
        timeline,
        monotonicWindowUs: { fromUs, toUs: Number(process.hrtime.bigint() / 1000n) },
      });

      // what PostgreSQL holds inside the WebAssembly memory: its shared memory (the shared buffers
      // most of it) and the memory contexts of its one backend (every connection shares it)
      const [pgMemory] = (
        await sql.query<{ shared: number; buffers: number; contexts: number }>(
          `select (select sum(allocated_size) from pg_shmem_allocations)::float8 / 1048576 as shared,
                  (select allocated_size from pg_shmem_allocations where name = 'Buffer Blocks')::float8 / 1048576 as buffers,
                  (select sum(total_bytes) from pg_backend_memory_contexts)::float8 / 1048576 as contexts`,
        )
      ).rows;
      const verification = await verifyOverHttp(url, keys, { ...o, approved, uploadedAt });
      log('reading the embedded database through its socket (not timed): dead letters, storage, consumer transactions');
      const readings = await databaseReadings(sql, 'postgres', dbT0);
      return {
        ...runResult(measured, verification, readings, null),
        embeddedPostgresMemory: { sharedMemoryMb: pgMemory.shared, sharedBuffersMb: pgMemory.buffers, backendContextsMb: pgMemory.contexts },
      };
    }
  } finally {
    await sql.end().catch(() => undefined);
  }
}

interface Backlog {
  behind: number;
  followers: { follower: string; source: string; behind: number }[];
}

async function backlogOf(baseUrl: string): Promise<Backlog> {
  const res = await fetch(`${baseUrl}/health/backlog`);
  if (res.status !== 200) throw new Error(`GET /health/backlog answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return (await res.json()) as Backlog;
}

/** A timeline sample: the batch's counters (summary), each follower's backlog, the dead letters (socket). */
async function sampleOf(t: number, summary: any, backlog: Backlog, sql: Client): Promise<PipelineSample> {
  const p0 = performance.now();
  const lag: Record<string, number> = {};
  for (const f of backlog.followers) lag[`log:${f.follower}`] = f.behind;
  const deadLetters = (await deadLetterSummary(sql)).reduce((n, d) => n + d.count, 0);
  return {
    t,
    filed: summary?.rows ?? 0,
    decided: (summary?.invalid ?? 0) + (summary?.approved ?? 0) + (summary?.rejected ?? 0),
    approved: summary?.approved ?? 0,
    unrelayed: {},
    produced: {},
    lag,
    deadLetters,
    probeMs: performance.now() - p0,
  };
}
