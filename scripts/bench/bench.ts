import { ServiceProcess, deleteKafkaNamespace } from '@g2g/testing';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { writeBatchFile } from '../../apps/cli/src/generate/generate-batch';
import { KafkaCeiling, PostgresCeiling, kafkaCeiling, postgresCeiling } from './ceilings';
import { runEmbedded } from './embedded-run';
import { BackupRestoreFigures, backupAndRestore } from './backup-restore';
import { PhysicalCeiling, physicalCeiling, physicalCeilingReport } from './physical-ceiling';
import { PlatformResult, TimeoutError, runPlatform } from './platform-run';
import { statusKb } from './proc';
import { activityReport, humanReport, timelineTable } from './report';
import { averageBytes, sampleLoanFiledMessages } from './sample-messages';
import { BuildSnapshot, snapshotBuild } from './snapshot';
import { packageVersion } from './tool-kit';

/**
 * The g2g benchmark (not a test): one loan batch through the five services over Kafka and
 * PostgreSQL (or through the embedded platform, one process), timed from the start of the upload
 * until every projection has caught up, next to what the same broker and database do raw. See
 * docs/performance.md.
 *
 *   npm run bench -- [--embedded | --instances N [--compare-instances]] [--rows N] [--json] [--json-out FILE] [--seed S] [--timeout SECONDS] [--no-ceilings] [--physical-ceiling] [--no-feed-walk] [--no-backup] [--activity] [--idle SECONDS] [--cpu-prof DIR] [--logs DIR] [--keep-database]
 */

const USAGE = `usage: npm run bench -- [--embedded | --instances N [--compare-instances]] [--rows N] [--json] [--json-out FILE] [--seed S] [--timeout SECONDS] [--no-ceilings] [--physical-ceiling] [--no-feed-walk] [--no-backup] [--activity] [--idle SECONDS] [--cpu-prof DIR] [--logs DIR] [--keep-database]
  --embedded        the embedded platform instead: one process (node dist/apps/embedded/src/main.js, as npm start)
                    with its embedded PostgreSQL, a fresh data folder and a port of its own; no Kafka, no ceilings
  --instances N     distributed with N processes of every service (same consumer groups, each its own port;
                    the upload goes to the first intake) (default 1)
  --compare-instances  first the same batch through one process per service, then through --instances N
                    (default 2), each with a fresh database and Kafka namespace; prints both and whether the
                    outcomes of every row and the figures are the same (exit 1 if not)
  --rows N          rows in the batch, and messages/rows in the ceilings (default 100000)
  --json            print a machine-readable summary on stdout instead of the tables
  --json-out FILE   also write the machine-readable summary to FILE
  --seed S          generator seed (default 7)
  --timeout SECONDS give up when the batch is not through after this long (default max(900, rows/50))
  --no-ceilings     skip the raw Kafka and PostgreSQL measurements
  --physical-ceiling also measure the physical ceiling with Kafka's own tools and COPY (as npm run bench:ceiling)
  --no-feed-walk    skip reading BJ-REG's whole feed over HTTP after the run (verification, not timed)
  --no-backup       skip backing up the run's database and restoring it into a fresh one (distributed; timed apart)
  --activity        sample pg_stat_activity every 100 ms: where each service's database time goes
  --idle SECONDS    measure the platform at rest for this long before the upload (default 5; 0: not)
  --cpu-prof DIR    write a V8 CPU profile of each service process to DIR (summarise: node dist/scripts/bench/profile-summary.js DIR)
  --logs DIR        write everything each platform process prints to DIR/<run>-<process>.log
  --keep-database   do not drop the benchmark's database (or the embedded data folder) at the end; prints its name`;

interface Args {
  rows: number;
  json: boolean;
  seed: number;
  timeoutSeconds: number;
  ceilings: boolean;
  physicalCeiling: boolean;
  feedWalk: boolean;
  keepDatabase: boolean;
  cpuProfDir: string | null;
  logsDir: string | null;
  jsonOut: string | null;
  activity: boolean;
  idleSeconds: number;
  embedded: boolean;
  instances: number;
  compareInstances: boolean;
  backup: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { rows: 100_000, json: false, seed: 7, timeoutSeconds: 0, ceilings: true, physicalCeiling: false, feedWalk: true, keepDatabase: false, cpuProfDir: null, logsDir: null, jsonOut: null, activity: false, idleSeconds: 5, embedded: false, instances: 0, compareInstances: false, backup: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    const whole = (v: string) => {
      const n = Number(v.replaceAll('_', ''));
      if (!Number.isSafeInteger(n) || n <= 0) fail(`${a}: a whole number > 0, not ${v}`);
      return n;
    };
    if (a === '--rows') args.rows = whole(value());
    else if (a.startsWith('--rows=')) args.rows = whole(a.slice(7));
    else if (a === '--seed') args.seed = whole(value());
    else if (a === '--timeout') args.timeoutSeconds = whole(value());
    else if (a === '--json') args.json = true;
    else if (a === '--json-out') args.jsonOut = resolve(value());
    else if (a === '--no-ceilings') args.ceilings = false;
    else if (a === '--physical-ceiling') args.physicalCeiling = true;
    else if (a === '--no-feed-walk') args.feedWalk = false;
    else if (a === '--no-backup') args.backup = false;
    else if (a === '--keep-database') args.keepDatabase = true;
    else if (a === '--activity') args.activity = true;
    else if (a === '--idle') args.idleSeconds = Number(value());
    else if (a === '--cpu-prof') args.cpuProfDir = resolve(value());
    else if (a === '--logs') args.logsDir = resolve(value());
    else if (a === '--embedded') args.embedded = true;
    else if (a === '--instances') args.instances = whole(value());
    else if (a === '--compare-instances') args.compareInstances = true;
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown argument ${a}`);
  }
  if (args.timeoutSeconds === 0) args.timeoutSeconds = Math.max(900, Math.ceil(args.rows / 50));
  if (args.embedded && (args.instances > 0 || args.compareInstances)) fail('--embedded is one process: not with --instances or --compare-instances');
  if (args.embedded && (args.activity || args.physicalCeiling)) fail('--activity and --physical-ceiling are for the distributed platform');
  if (args.instances === 0) args.instances = args.compareInstances ? 2 : 1;
  if (args.embedded) args.ceilings = false;
  return args;
}

function fail(message: string): never {
  console.error(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

export interface BenchSummary {
  date: string;
  machine: { nproc: number; memoryGiB: number; cpu: string; node: string; postgres: string; kafka: string; kafkajs: string; loadAverage: number[] };
  /** the build the services ran: a private copy of dist/apps and dist/libs taken at the start */
  code: BuildSnapshot;
  rows: number;
  seed: number;
  batchFile: { path: string; bytes: number; generateSeconds: number };
  mode: 'distributed' | 'embedded';
  /** processes of each service (distributed) */
  instances: number;
  platform: PlatformResult | null;
  /** --compare-instances: the same batch through one process per service, before the run asked for */
  baseline?: PlatformResult | null;
  comparison?: Comparison;
  ceilings: { kafka: KafkaCeiling | null; postgres: PostgresCeiling | null; physical?: PhysicalCeiling | null };
  /** the run's database backed up and restored into a fresh one (distributed; not with --no-backup) */
  backup?: BackupRestoreFigures;
  ratios: { kafkaTogether: number | null; kafkaProduce: number | null; postgres: number | null };
  /** when the platform part failed: the milestones it reached, and when the pipeline went quiet */
  failedRun?: { milestones: { name: string; seconds: number }[]; quietSeconds: number | null; deadLetters: number };
  benchPid: number;
  benchPeakRssMb: number | null;
  error?: string;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const root = join(__dirname, '..', '..', '..');
  if (!existsSync(join(root, 'dist/apps/intake/src/main.js'))) fail('dist/ is missing: run npm run build first');
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  if (args.logsDir) mkdirSync(args.logsDir, { recursive: true });
  if (args.cpuProfDir) {
    mkdirSync(args.cpuProfDir, { recursive: true });
    // --cpu-prof is refused in NODE_OPTIONS; forked services inherit the parent's execArgv, so
    // the benchmark runs itself again with the flag (and is profiled too).
    if (!process.execArgv.includes('--cpu-prof')) {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => undefined); // the child handles them
      const r = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${args.cpuProfDir}`, ...process.execArgv, __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
      process.exit(r.status ?? 1);
    }
  }

  const stamp = `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${randomBytes(2).toString('hex')}`;
  const serverUrl = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
  const operatorKey = `op_${randomBytes(16).toString('hex')}`;
  const batchFile = join(tmpdir(), `g2g-bench-${stamp}.csv`);
  const snapshotRoot = join(tmpdir(), `g2g-bench-${stamp}`);

  // 1. PostgreSQL and Kafka serve (both scripts are idempotent); the embedded platform needs neither
  let kafkaPid: number | null = null;
  let kafkaVersion = '-';
  let postgresVersion = '-';
  if (!args.embedded) {
    for (const [script, verb] of [['deploy/postgres/postgres.sh', 'ensure'], ['deploy/kafka/kafka.sh', 'start']]) {
      const r = spawnSync('bash', [join(root, script), verb], { cwd: root, stdio: ['ignore', 2, 2] });
      if (r.status !== 0) throw new Error(`${script} ${verb} failed (${r.status})`);
    }
    const kafkaStatus = spawnSync('bash', [join(root, 'deploy/kafka/kafka.sh'), 'status'], { cwd: root, encoding: 'utf8' }).stdout ?? '';
    kafkaPid = Number(/pid (\d+)/.exec(kafkaStatus)?.[1]) || null;
    kafkaVersion = /Kafka (\d[\w.-]*)/.exec(kafkaStatus)?.[1] ?? '?';
    const admin = new Client({ connectionString: `${serverUrl}/postgres`, application_name: 'g2g-bench' });
    await admin.connect();
    postgresVersion = (await admin.query<{ server_version: string }>('show server_version')).rows[0].server_version;
    await admin.end();
  } else {
    postgresVersion = `PGlite ${packageVersion('@electric-sql/pglite')} (embedded)`;
  }

  // Everything a run creates is removed at the end, also on failure and on Ctrl-C: the processes,
  // the databases (or the embedded data folder), the Kafka namespaces, the batch file, the build copy.
  const running = new Set<ServiceProcess>();
  const cleanups: (() => Promise<void>)[] = [];
  let cleaned: Promise<void> | undefined;
  const stopAll = () =>
    Promise.all([...running].map((s) => Promise.race([s.stop(), new Promise((r) => setTimeout(r, 20_000))]).then(() => (s.child.exitCode === null ? s.kill() : undefined)))).then(() => running.clear());
  const cleanup = () =>
    (cleaned ??= (async () => {
      log('cleaning up: stopping the platform, removing what the run created');
      await stopAll();
      for (const c of cleanups.reverse()) await c().catch((e) => log(`cleanup failed: ${(e as Error).message}`));
      rmSync(batchFile, { force: true });
      rmSync(snapshotRoot, { recursive: true, force: true });
    })());
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      log(`${signal}: stopping`);
      cleanup().finally(() => process.exit(130));
    });
  }

  const summary: BenchSummary = {
    date: new Date().toISOString(),
    machine: {
      nproc: cpus().length,
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      cpu: cpus()[0]?.model ?? '?',
      node: process.version,
      postgres: postgresVersion,
      kafka: kafkaVersion,
      kafkajs: require('kafkajs/package.json').version,
      loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    },
    code: { fingerprint: '', newestFile: '', files: 0 },
    mode: args.embedded ? 'embedded' : 'distributed',
    instances: args.instances,
    rows: args.rows,
    seed: args.seed,
    batchFile: { path: batchFile, bytes: 0, generateSeconds: 0 },
    platform: null,
    ceilings: { kafka: null, postgres: null },
    ratios: { kafkaTogether: null, kafkaProduce: null, postgres: null },
    benchPid: process.pid,
    benchPeakRssMb: null,
  };

  /** A fresh database on the server and Kafka namespace for one distributed run, removed at the end. */
  const freshDistributed = async (suffix: string) => {
    const databaseName = `g2g_bench_${stamp}${suffix}`;
    const namespace = `bench-${stamp}${suffix}.`;
    const admin = new Client({ connectionString: `${serverUrl}/postgres`, application_name: 'g2g-bench' });
    await admin.connect();
    await admin.query(`create database "${databaseName}"`);
    await admin.end();
    cleanups.push(async () => {
      if (args.keepDatabase) log(`kept the database: ${serverUrl}/${databaseName}`);
      else {
        const a = new Client({ connectionString: `${serverUrl}/postgres`, application_name: 'g2g-bench' });
        a.on('error', () => undefined);
        await a.connect();
        await a.query(`drop database if exists "${databaseName}" with (force)`).catch((e) => log(`could not drop ${databaseName}: ${e.message}`));
        await a.end();
      }
      await deleteKafkaNamespace(brokers, namespace).catch((e) => log(`could not delete the topics of ${namespace}: ${e.message}`));
    });
    return { databaseName, databaseUrl: `${serverUrl}/${databaseName}`, namespace };
  };

  /** One timed run of the batch; a failure is kept in the summary (the ceilings are still measured). */
  const timed = async (instances: number, suffix: string): Promise<{ result: PlatformResult | null; databaseUrl: string | null; namespace: string | null }> => {
    const onStarted = (processes: Record<string, ServiceProcess>) => {
      for (const p of Object.values(processes)) running.add(p);
      if (args.cpuProfDir) {
        const names = { ...Object.fromEntries(Object.entries(processes).map(([name, p]) => [String(p.child.pid), name])), [String(process.pid)]: 'bench' };
        writeFileSync(join(args.cpuProfDir, `services${suffix}.json`), JSON.stringify(names, null, 2));
      }
    };
    const common = {
      operatorKey,
      batchFile,
      rows: args.rows,
      batchRef: `bench-${stamp}${suffix}`,
      timeoutMs: args.timeoutSeconds * 1000,
      feedWalk: args.feedWalk,
      sampleEveryMs: 2_000,
      idleSeconds: args.idleSeconds,
      log,
      logFile: args.logsDir ? (name: string) => join(args.logsDir!, `${stamp}${suffix || (args.embedded ? '_embedded' : '')}-${name}.log`) : undefined,
    };
    let databaseUrl: string | null = null;
    let namespace: string | null = null;
    try {
      let result: PlatformResult;
      if (args.embedded) {
        const dir = mkdtempSync(join(tmpdir(), 'g2g-bench-embedded-'));
        cleanups.push(async () => {
          if (args.keepDatabase) log(`kept the embedded data folder: ${dir}`);
          else rmSync(dir, { recursive: true, force: true });
        });
        result = await runEmbedded({ ...common, root: snapshotRoot, dir, onStarted: (p) => onStarted({ embedded: p }) });
      } else {
        const fresh = await freshDistributed(suffix);
        ({ databaseUrl, namespace } = fresh);
        result = await runPlatform({ ...common, ...fresh, root: snapshotRoot, brokers, kafkaPid, activity: args.activity, instances, onStarted });
      }
      log(`end to end: ${result.loansPerSecond.toFixed(0)} loans/s; stopping the platform`);
      if (args.cpuProfDir) writeFileSync(join(args.cpuProfDir, `window${suffix}.json`), JSON.stringify(result.monotonicWindowUs));
      return { result, databaseUrl, namespace };
    } catch (error) {
      summary.error = (error as Error).stack ?? String(error);
      process.exitCode = 1;
      if (error instanceof TimeoutError) {
        const quiet = error.timeline.find((x, i) => i > 0 && Object.values(x.lag).every((v) => v === 0) && Object.values(x.unrelayed).every((v) => v === 0) && x.decided === args.rows);
        summary.failedRun = { milestones: error.milestones, quietSeconds: quiet?.t ?? null, deadLetters: error.timeline.at(-1)?.deadLetters ?? 0 };
        process.stderr.write(`\npipeline when it gave up:\n${timelineTable(error.timeline, 40)}\n`);
        if (error.activity) process.stderr.write(`\n${activityReport(error.activity)}\n`);
        if (args.cpuProfDir && error.monotonicWindowUs) writeFileSync(join(args.cpuProfDir, `window${suffix}.json`), JSON.stringify(error.monotonicWindowUs));
      }
      for (const s of running) process.stderr.write(`\n--- last output of pid ${s.child.pid} ---\n${s.output().slice(-3000)}\n`);
      log('the platform part failed');
      return { result: null, databaseUrl, namespace };
    } finally {
      await stopAll();
    }
  };

  try {
    // The services run from a private copy of the build: other people rebuild dist/ while a run
    // is going, and a service must not load half of an old build and half of a new one.
    summary.code = snapshotBuild(root, snapshotRoot);
    log(`the platform runs from a copy of dist/ in ${snapshotRoot}: ${summary.code.files} files, fingerprint ${summary.code.fingerprint}, newest ${summary.code.newestFile}`);

    // 4. the batch file, not timed
    const g0 = performance.now();
    const file = await writeBatchFile(batchFile, { rows: args.rows, bank: 'ICBC', seed: args.seed, format: 'csv' });
    summary.batchFile = { path: batchFile, bytes: file.bytes, generateSeconds: (performance.now() - g0) / 1000 };
    log(`batch file ${batchFile}: ${args.rows.toLocaleString('en-US')} rows, ${(file.bytes / 1e6).toFixed(1)} MB (generated in ${summary.batchFile.generateSeconds.toFixed(1)} s, not timed)`);

    // 3, 5, 6. the platform: first one process per service when asked to compare, then the run asked for
    if (args.compareInstances && !interrupted) {
      log('--compare-instances: first the same batch through one process per service');
      summary.baseline = (await timed(1, '_1')).result;
    }
    const main = interrupted ? { result: null, databaseUrl: null, namespace: null } : await timed(args.instances, args.compareInstances ? `_${args.instances}` : '');
    summary.platform = main.result;
    if (args.compareInstances) summary.comparison = compareRuns(summary.baseline ?? null, summary.platform);

    // 7. the ceilings, same broker and database, same N (distributed only)
    if (args.ceilings && !interrupted && main.databaseUrl && main.namespace) {
      const samples = sampleLoanFiledMessages(1000);
      log(`ceiling messages: real loan-filed messages, ${averageBytes(samples).toFixed(0)} bytes of JSON on average`);
      summary.ceilings.kafka = await kafkaCeiling({ brokers, namespace: main.namespace, count: args.rows, samples, log });
      summary.ceilings.postgres = await postgresCeiling({ databaseUrl: main.databaseUrl, count: args.rows, samples, log });
      const e2e = summary.platform?.loansPerSecond;
      if (e2e !== undefined) {
        summary.ratios = {
          kafkaTogether: e2e / summary.ceilings.kafka.together.perSecond,
          kafkaProduce: e2e / summary.ceilings.kafka.produce.perSecond,
          postgres: e2e / summary.ceilings.postgres.perSecond,
        };
      }
    }
    // 8. backup and restore of the run's database (distributed only)
    if (args.backup && !interrupted && main.databaseUrl && main.result) {
      summary.backup = await backupAndRestore({ databaseUrl: main.databaseUrl, serverUrl, stamp, log });
    }
    if (args.physicalCeiling && !interrupted && main.databaseUrl && main.namespace) {
      summary.ceilings.physical = await physicalCeiling({ rows: args.rows, brokers, databaseUrl: main.databaseUrl, namespace: main.namespace, root, copy: 'both', log });
    }
  } catch (error) {
    summary.error = summary.error ?? (error as Error).stack ?? String(error);
    process.exitCode = 1;
  } finally {
    summary.benchPeakRssMb = Math.round((statusKb('self', 'VmHWM') ?? 0) / 102.4) / 10;
    if (!interrupted) await cleanup();
  }
  if (interrupted) return;
  if (summary.comparison && !summary.comparison.same) process.exitCode = 1;
  if (summary.backup && !summary.backup.sameEvents) process.exitCode = 1;
  if (args.jsonOut) writeFileSync(args.jsonOut, `${JSON.stringify(summary, null, 2)}\n`);
  if (args.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    process.stdout.write(humanReport(summary));
    if (summary.ceilings.physical) process.stdout.write(`\n${physicalCeilingReport(summary.ceilings.physical)}`);
  }
  if (summary.error) log(`failed: ${summary.error}`);
}

/** Whether two runs of the same batch came out the same: outcome counts, every row's outcome, the figures. */
export function compareRuns(a: PlatformResult | null, b: PlatformResult | null): Comparison {
  if (!a || !b) return { same: false, checks: [{ what: 'both runs finished', same: false, detail: `${a ? 'the' : 'no'} first run, ${b ? 'the' : 'no'} second` }] };
  const checks: Comparison['checks'] = [];
  const check = (what: string, x: unknown, y: unknown, show = true) =>
    checks.push({ what, same: JSON.stringify(x) === JSON.stringify(y), detail: show ? `${JSON.stringify(x)} vs ${JSON.stringify(y)}` : '' });
  check('approved / rejected / invalid', [a.approved, a.rejected, a.invalid], [b.approved, b.rejected, b.invalid]);
  check("every row's outcome (sha256 of row, loan_id, outcome, codes)", a.verification.outcomes.sha256, b.verification.outcomes.sha256);
  check('figures JSON (GET /figures as NFRA)', a.verification.figures, b.verification.figures, false);
  check("re-guarantee fees in cession's statements", a.verification.cessionReguaranteeFees, b.verification.cessionReguaranteeFees);
  return { same: checks.every((c) => c.same), checks };
}

export interface Comparison {
  same: boolean;
  checks: { what: string; same: boolean; detail: string }[];
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
