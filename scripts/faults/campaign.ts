import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBatchFile } from '../../apps/cli/src/generate/generate-batch';
import { BuildSnapshot, snapshotBuild } from '../bench/snapshot';
import { Check, compareRuns } from './compare';
import { Collected } from './collect';
import { PlatformFailure, ToolError } from './errors';
import { PrivateKafka, PrivatePostgres, killStrayChildren, postgresBinaries } from './infra';
import { RunReport, runOnce } from './run';
import { FaultRecord, PlannedFault, planFaults } from './scheduler';
import { Supervisor } from './supervisor';

/** the fault run's PUTs last at least this long; the intake kill lands at 20-60 % of the rows filed */
const UPLOAD_PACE_SECONDS = 6;

export interface CampaignOptions {
  /** the repository: dist/ (built) and deploy/kafka/kafka.sh are found from here */
  root: string;
  rows: number;
  seed: number;
  kills: number;
  /** each run: upload start -> complete and quiet, at most (seconds) */
  timeoutSeconds: number;
  /** nothing moved this long with everything up: stuck (seconds) */
  stuckSeconds: number;
  broker: boolean;
  postgres: boolean;
  /** every k-th generated row invalid (0: none) */
  invalidEvery: number;
  /** PostgreSQL server binaries (default: the newest under /usr/lib/postgresql) */
  pgBin?: string;
  /** keep the services', broker's and server's logs here (default: a temp folder, kept only when the run does not pass) */
  logDir?: string;
  log: (line: string) => void;
}

export type Verdict = 'PASS' | 'FAIL' | 'ERROR';

/** A run's report without the per-row arrays (those stay in memory only). */
export type RunView = Omit<RunReport, 'collected'> & { collected: (Omit<Collected, 'rows'> & { rows: { listed: number; problems: string[] } }) | null };

export interface CampaignSummary {
  verdict: Verdict;
  /** 0 pass, 1 the platform failed a check or did not finish, 2 the campaign itself could not run */
  exitCode: 0 | 1 | 2;
  reason: string;
  date: string;
  options: Omit<CampaignOptions, 'log' | 'root'>;
  machine: { cores: number; node: string; postgres: string | null };
  build: BuildSnapshot | null;
  infra: { postgresPort: number | null; kafkaPort: number | null };
  batch: { rows: number; seed: number; invalidEvery: number; bytes: number | null; batchRef: string };
  plan: PlannedFault[];
  clean: RunView | null;
  fault: RunView | null;
  /** the faults table: planned faults and anything that went down by itself, in time order */
  faults: FaultRecord[];
  checks: Check[];
  logs: string | null;
  seconds: number;
  /** the full collections, for callers in this process (not printed) */
  collected?: { clean: Collected | null; fault: Collected | null };
}

/**
 * The fault campaign: a private PostgreSQL cluster and Kafka broker, one generated batch, a clean
 * run and a fault run of it (SIGKILLs of the services, a broker restart, a database restart,
 * while a bank keeps resending), then every row, count, fee, figure, statement and feed message of
 * the fault run compared with the clean run. Everything it starts is removed by cleanup(), which
 * run() calls at its end and which may also be called on Ctrl-C.
 */
export class Campaign {
  private postgres?: PrivatePostgres;
  private kafka?: PrivateKafka;
  private readonly supervisors: Supervisor[] = [];
  private work?: string;
  private logDir?: string;
  private cancelled = false;
  private cleaning?: Promise<void>;
  private keepLogs: boolean;

  constructor(private readonly o: CampaignOptions) {
    this.keepLogs = o.logDir !== undefined;
  }

  async run(): Promise<CampaignSummary> {
    const o = this.o;
    const started = performance.now();
    const stamp = `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}-${randomBytes(2).toString('hex')}`;
    const { log: _log, root: _root, ...options } = o;
    const summary: CampaignSummary = {
      verdict: 'ERROR',
      exitCode: 2,
      reason: '',
      date: new Date().toISOString(),
      options,
      machine: { cores: cpus().length, node: process.version, postgres: null },
      build: null,
      infra: { postgresPort: null, kafkaPort: null },
      batch: { rows: o.rows, seed: o.seed, invalidEvery: o.invalidEvery, bytes: null, batchRef: `faults-${stamp}` },
      plan: [],
      clean: null,
      fault: null,
      faults: [],
      checks: [],
      logs: null,
      seconds: 0,
    };
    let clean: RunReport | null = null;
    let fault: RunReport | null = null;
    try {
      if (!existsSync(join(o.root, 'dist/apps/intake/src/main.js'))) throw new ToolError(`${o.root}/dist is missing: build first (npm run build)`);
      this.work = mkdtempSync(join(tmpdir(), 'g2g-faults-'));
      this.logDir = o.logDir ?? mkdtempSync(join(tmpdir(), 'g2g-faults-logs-'));
      mkdirSync(this.logDir, { recursive: true });
      summary.logs = this.logDir;

      // ---- the build the services run, the private server and broker, the batch file ----
      const buildRoot = join(this.work, 'build');
      summary.build = snapshotBuild(o.root, buildRoot);
      const bin = postgresBinaries(o.pgBin);
      const pgDir = mkdtempSync(join(tmpdir(), 'g2g-faults-pg-'));
      const batchFile = join(this.work, 'batch.csv');
      o.log(`starting a private PostgreSQL (${bin}) and a private Kafka broker; generating ${o.rows.toLocaleString('en-US')} rows (seed ${o.seed})`);
      const ready = await Promise.allSettled([
        PrivatePostgres.create(pgDir, bin).then(async (pg) => {
          this.postgres = pg;
          await pg.start();
        }),
        PrivateKafka.create(o.root, join(this.work, 'kafka')).then(async (k) => {
          this.kafka = k;
          await k.start();
        }),
        writeBatchFile(batchFile, { rows: o.rows, bank: 'ICBC', seed: o.seed, format: 'csv', invalidEvery: o.invalidEvery || undefined }).then((f) => (summary.batch.bytes = f.bytes)),
      ]);
      if (!this.postgres) rmSync(pgDir, { recursive: true, force: true });
      const failed = ready.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason instanceof ToolError ? failed.reason : new ToolError(String(failed.reason?.message ?? failed.reason));
      const pg = this.postgres!;
      const kafka = this.kafka!;
      summary.machine.postgres = pg.version;
      summary.infra = { postgresPort: pg.port, kafkaPort: kafka.port };
      o.log(`PostgreSQL ${pg.version} on 127.0.0.1:${pg.port}, Kafka on ${kafka.brokers[0]}; logs in ${this.logDir}`);

      const common = {
        root: buildRoot,
        logDir: this.logDir,
        postgres: pg,
        kafka,
        batchFile,
        rows: o.rows,
        batchRef: summary.batch.batchRef,
        operatorKey: `op_${randomBytes(16).toString('hex')}`,
        timeoutMs: o.timeoutSeconds * 1000,
        stuckMs: o.stuckSeconds * 1000,
        log: o.log,
        cancelled: () => this.cancelled,
        onSupervisor: (s: Supervisor) => this.supervisors.push(s),
      };

      // ---- the clean run: the reference ----
      clean = await runOnce({ ...common, name: 'clean', env: {}, plan: [], uploadPaceSeconds: 0, cleanApproved: 0 });
      if (clean.error) {
        summary.reason = `the clean run failed: ${clean.error.message}`;
        throw clean.error.kind === 'platform' ? new PlatformFailure(summary.reason) : new ToolError(summary.reason);
      }

      // ---- the fault run ----
      summary.plan = planFaults({ seed: o.seed, kills: o.kills, broker: o.broker, postgres: o.postgres });
      fault = await runOnce({ ...common, name: 'fault', env: { G2G_UPLOAD_LEASE_MS: '3000' }, plan: summary.plan,
        // the intake kill is aimed into the PUT: on a fast machine an unpaced upload of a small
        // file is over before the kill lands, and the resend after a crash goes untried
        uploadPaceSeconds: UPLOAD_PACE_SECONDS,
        cleanApproved: clean.collected!.summary.approved,
      });
      summary.faults = [...fault.faults].sort((a, b) => a.at - b.at);
      if (fault.error) {
        summary.reason = `the fault run failed: ${fault.error.message}`;
        throw fault.error.kind === 'platform' ? new PlatformFailure(summary.reason) : new ToolError(summary.reason);
      }

      // ---- the comparison ----
      summary.checks = compareRuns(clean.collected!, fault.collected!, o.rows);
      const done = fault.faults.filter((f) => f.kind === 'planned').length;
      summary.checks.push({
        check: 'faults injected as planned',
        clean: 'none',
        fault: `${done} of ${summary.plan.length}`,
        ok: done === summary.plan.length && summary.plan.length > 0,
      });
      const unprompted = fault.faults.filter((f) => f.kind === 'unprompted').length;
      const cleanExits = clean.faults.filter((f) => f.kind === 'unprompted');
      summary.checks.push({
        check: 'no service exited by itself in the clean run (fault run: not judged)',
        clean: String(cleanExits.length),
        fault: String(unprompted),
        ok: cleanExits.length === 0,
        ...(cleanExits.length ? { detail: cleanExits.map((f) => `${f.target} ${f.action}`).join('; ') } : {}),
      });
      const failedChecks = summary.checks.filter((c) => !c.ok);
      const kinds = describePlan(summary.plan);
      if (failedChecks.length === 0) {
        summary.verdict = 'PASS';
        summary.exitCode = 0;
        summary.reason = `${o.rows.toLocaleString('en-US')} rows, ${kinds}${unprompted ? `, ${unprompted} service exits by themselves` : ''}: every check equal to the clean run`;
      } else {
        summary.verdict = 'FAIL';
        summary.exitCode = 1;
        const named = failedChecks.slice(0, 3).map((c) => c.check);
        const more = failedChecks.length > 3 ? `; and ${failedChecks.length - 3} more` : '';
        summary.reason = `${failedChecks.length} of ${summary.checks.length} checks differ (${named.join('; ')}${more}) after ${kinds}`;
      }
    } catch (error) {
      if (error instanceof PlatformFailure) {
        summary.verdict = 'FAIL';
        summary.exitCode = 1;
      } else {
        summary.verdict = 'ERROR';
        summary.exitCode = 2;
      }
      if (!summary.reason) summary.reason = error instanceof PlatformFailure || error instanceof ToolError ? error.message : ((error as Error).stack ?? String(error));
    } finally {
      summary.clean = clean ? view(clean) : null;
      summary.fault = fault ? view(fault) : null;
      summary.collected = { clean: clean?.collected ?? null, fault: fault?.collected ?? null };
      if (summary.verdict !== 'PASS') this.keepLogs = true;
      await this.cleanup();
      if (!this.keepLogs) summary.logs = null;
      summary.seconds = (performance.now() - started) / 1000;
    }
    return summary;
  }

  /** Stops everything the campaign started and removes its files (the logs stay when kept). Idempotent. */
  cleanup(): Promise<void> {
    this.cancelled = true;
    return (this.cleaning ??= (async () => {
      await Promise.allSettled(this.supervisors.map((s) => s.stopAll(5_000)));
      if (this.work) await killStrayChildren(join(this.work, 'build')).catch(() => undefined);
      if (this.keepLogs && this.logDir) {
        const copies: [string | undefined, string][] = [
          [this.postgres?.logFile, 'postgres.log'],
          [this.kafka?.logFile, 'kafka.log'],
        ];
        for (const [from, to] of copies) if (from && existsSync(from)) cpSync(from, join(this.logDir, to));
        const older = this.kafka && existsSync(`${this.kafka.logFile}.1`) ? `${this.kafka.logFile}.1` : null;
        if (older) cpSync(older, join(this.logDir, 'kafka.log.1'));
      }
      await this.kafka?.destroy().catch((e) => this.o.log(`could not stop the private broker: ${e.message}`));
      await this.postgres?.destroy().catch((e) => this.o.log(`could not stop the private PostgreSQL: ${e.message}`));
      if (this.work) rmSync(this.work, { recursive: true, force: true });
      if (!this.keepLogs && this.logDir && this.o.logDir === undefined) rmSync(this.logDir, { recursive: true, force: true });
    })());
  }

  /** Ctrl-C: keep what was logged, then clean up. */
  interrupt(): Promise<void> {
    this.keepLogs = true;
    return this.cleanup();
  }

  get logs(): string | undefined {
    return this.logDir && existsSync(this.logDir) && readdirSync(this.logDir).length > 0 ? this.logDir : undefined;
  }
}

function describePlan(plan: PlannedFault[]): string {
  const kills = plan.filter((f) => f.target !== 'kafka' && f.target !== 'postgres').length;
  const parts = [`${kills} service kills`];
  if (plan.some((f) => f.target === 'kafka')) parts.push('a broker restart');
  if (plan.some((f) => f.target === 'postgres')) parts.push('a PostgreSQL restart');
  return parts.join(', ');
}

function view(r: RunReport): RunView {
  const c = r.collected;
  return { ...r, collected: c ? { ...c, rows: { listed: c.rows.listed, problems: c.rows.problems } } : null };
}
