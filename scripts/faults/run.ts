import { ServiceName } from '@g2g/testing';
import { Client } from 'pg';
import { sleep } from '../bench/http';
import { PipelineSample, unchanged } from '../bench/pipeline-probe';
import { BENCH_PROGRAMME, BenchKeys, publishReferenceData } from '../bench/reference-data';
import { PlatformClient, UploadAttempt, uploadLikeABank } from './client';
import { BANK, Collected, collect } from './collect';
import { PlatformFailure, ToolError } from './errors';
import { PrivateKafka, PrivatePostgres } from './infra';
import { Observer, Phase, describeSample, phasesOf, quiet } from './observer';
import { FaultRecord, PlannedFault, executePlan } from './scheduler';
import { ServiceInstance, Supervisor } from './supervisor';

export interface RunOptions {
  name: 'clean' | 'fault';
  /** where the services' build is (a copy of dist/) */
  root: string;
  logDir: string;
  postgres: PrivatePostgres;
  kafka: PrivateKafka;
  batchFile: string;
  rows: number;
  batchRef: string;
  operatorKey: string;
  /** upload start -> complete and quiet, at most */
  timeoutMs: number;
  /** nothing moved this long, with everything up and no fault left: the platform is stuck */
  stuckMs: number;
  /** platform settings for this run only */
  env: NodeJS.ProcessEnv;
  /** the faults to inject (the fault run) */
  plan: PlannedFault[];
  /** each PUT's body is sent over at least this many seconds (0: at socket speed) */
  uploadPaceSeconds: number;
  /** the clean run's approved rows: what reporting has projected when the run is done (for progress) */
  cleanApproved: number;
  log: (line: string) => void;
  /** the campaign stops (Ctrl-C): give up quietly */
  cancelled: () => boolean;
  /** the run's supervisor, as soon as it exists, so that the campaign can stop it whatever happens */
  onSupervisor: (s: Supervisor) => void;
}

export interface RunReport {
  name: 'clean' | 'fault';
  database: string;
  namespace: string;
  startupSeconds: number | null;
  /** the bank's PUTs; status and seconds once one got 202 or 200 */
  upload: { status: 200 | 202 | null; seconds: number | null; attempts: UploadAttempt[] };
  /** seconds after the upload started: the summary said complete; the pipeline was quiet */
  completeSeconds: number | null;
  quietSeconds: number | null;
  collected: Collected | null;
  faults: FaultRecord[];
  /** every process the services ran as */
  instances: ServiceInstance[];
  /** the last look at the pipeline */
  lastSample: string | null;
  error: { kind: 'platform' | 'tool'; message: string } | null;
}

/**
 * One run of the batch: the five services against a database and a Kafka namespace of the run's
 * own, the reference data, the upload (as a bank that retries), the faults of the plan meanwhile,
 * then the wait until the batch is complete and the pipeline quiet, then what the run is judged by.
 */
export async function runOnce(o: RunOptions): Promise<RunReport> {
  const database = `g2g_faults_${o.name}`;
  const namespace = `faults-${o.name}.`;
  const databaseUrl = o.postgres.url(database);
  const report: RunReport = {
    name: o.name,
    database,
    namespace,
    startupSeconds: null,
    upload: { status: null, seconds: null, attempts: [] },
    completeSeconds: null,
    quietSeconds: null,
    collected: null,
    faults: [],
    instances: [],
    lastSample: null,
    error: null,
  };
  const log = (line: string) => o.log(`${o.name}: ${line}`);
  let deadline = Date.now() + 300_000; // start-up and reference data; the run's own deadline starts with the upload
  const supervisor = new Supervisor({
    root: o.root,
    // no release reminders by the clock: compensation looks for them at every start, and the fault
    // run starts it again once guarantees exist, which the clean run, started once, never does
    env: { DATABASE_URL: databaseUrl, KAFKA_NAMESPACE: namespace, KAFKA_BROKERS: o.kafka.brokers.join(','), G2G_OPERATOR_KEY: o.operatorKey, G2G_REMINDERS_EVERY_MS: '0', ...o.env },
    logDir: o.logDir,
    name: o.name,
    log,
    deadline: () => deadline,
    onUnexpectedExit: (service, how, at) => unprompted(service, how, at),
  });
  o.onSupervisor(supervisor);
  report.instances = supervisor.instances;
  const observer = new Observer(databaseUrl, o.kafka.brokers, namespace, BANK, o.batchRef);
  const client = new PlatformClient(supervisor, () => deadline, log);
  let t0 = performance.now();
  const since = () => (performance.now() - t0) / 1000;
  let uploading = false;
  let lastSample: PipelineSample | null = null;
  const phaseNow = async (): Promise<{ phases: Phase[]; pipeline: string | null }> => {
    const up = uploading;
    const sample = await observer.sample(since());
    if (sample) lastSample = sample;
    return { phases: phasesOf(up, sample), pipeline: sample ? describeSample(sample) : null };
  };
  const unprompted = (service: ServiceName, how: string, at: number) => {
    void (async () => {
      const { phases, pipeline } = await phaseNow();
      const record: FaultRecord = { at: since(), target: service, phases, action: `${how}; started again by the campaign`, kind: 'unprompted', progress: null, pipeline, recoverySeconds: null };
      report.faults.push(record);
      while (!supervisor.url(service) && !o.cancelled() && Date.now() < deadline) await sleep(200);
      if (supervisor.url(service)) record.recoverySeconds = (Date.now() - at) / 1000;
    })();
  };

  let cancelScheduler = false;
  let scheduler: Promise<void> = Promise.resolve();
  try {
    // ---- the services, the reference data ----
    const admin = new Client({ connectionString: o.postgres.url('postgres') });
    await admin.connect();
    await admin.query(`create database "${database}"`);
    await admin.end();
    const s0 = performance.now();
    log(`starting the five services (database ${database}, Kafka namespace ${namespace})`);
    await supervisor.startAll();
    report.startupSeconds = (performance.now() - s0) / 1000;
    const sql = new Client({ connectionString: databaseUrl, application_name: 'g2g-faults' });
    await sql.connect();
    let keys: BenchKeys;
    try {
      keys = await publishReferenceData((s) => supervisor.url(s)!, o.operatorKey, sql);
    } finally {
      await sql.end();
    }
    log(`services ready in ${report.startupSeconds.toFixed(1)} s; reference data published and known to every service`);

    // ---- the upload, and the faults meanwhile ----
    deadline = Date.now() + o.timeoutMs;
    t0 = performance.now();
    log(`uploading ${o.rows.toLocaleString('en-US')} rows${o.plan.length ? `, ${o.plan.length} faults planned` : ''}`);
    let schedulerDone = o.plan.length === 0;
    let schedulerError: unknown = null;
    scheduler = executePlan(
      o.plan,
      {
        t0,
        rows: o.rows,
        approved: o.cleanApproved,
        progressNow: () => observer.progress(),
        uploading: () => uploading,
        uploadPaceSeconds: o.uploadPaceSeconds,
        settled: async () => {
          const sample = await observer.sample(since());
          return report.upload.status !== null && sample !== null && quiet(sample) && sample.filed === o.rows && sample.decided === o.rows;
        },
        isUp: (target) =>
          target === 'kafka' ? o.kafka.pid() !== null : target === 'postgres' ? o.postgres.postmasterPid() !== null : supervisor.url(target) !== undefined,
        phaseNow,
        inject: (fault) => inject(fault, supervisor, o),
        cancelled: () => cancelScheduler || o.cancelled(),
        log,
      },
      report.faults,
    ).then(
      () => void (schedulerDone = true),
      (error) => void (schedulerError = error),
    );
    let uploadError: unknown = null;
    const upload = uploadLikeABank({
      client,
      key: keys.ICBC,
      file: o.batchFile,
      bank: BANK,
      batchRef: o.batchRef,
      programme: BENCH_PROGRAMME.id,
      rows: o.rows,
      t0,
      deadline: () => deadline,
      log,
      inFlight: (yes) => (uploading = yes),
      attempts: report.upload.attempts,
      paceSeconds: o.uploadPaceSeconds,
    }).then(
      (result) => {
        report.upload.status = result.status;
        report.upload.seconds = since();
        log(`${since().toFixed(1).padStart(6)} s  upload answered ${result.status} after ${result.attempts.length} attempt(s)`);
      },
      (error) => void (uploadError = error),
    );

    // ---- until complete and quiet ----
    const summaryPath = `/banks/${BANK}/batches/${o.batchRef}`;
    let previousQuiet: PipelineSample | null = null;
    let stillSince: PipelineSample | null = null;
    let previous: PipelineSample | null = null;
    /** when a fault last fired or recovered (now, while one is in progress) */
    const lastFaultActivity = () =>
      Math.max(-Infinity, ...report.faults.map((f) => (f.recoverySeconds === null ? since() : f.at + f.recoverySeconds)));
    for (;;) {
      if (uploadError) throw uploadError;
      if (schedulerError) throw schedulerError;
      if (o.cancelled()) throw new ToolError('cancelled');
      if (Date.now() > deadline) {
        throw new PlatformFailure(
          `not complete and quiet ${o.timeoutMs / 1000} s after the upload started` +
            `${report.upload.status !== null ? '' : ' (the upload never got through)'}${schedulerDone ? '' : ' (faults still planned)'}; pipeline: ${lastSample ? describeSample(lastSample) : 'not readable'}`,
        );
      }
      await sleep(1_000);
      const sample = supervisor.allUp() ? await observer.sample(since()) : null;
      if (!sample) {
        [previousQuiet, stillSince, previous] = [null, null, null];
        continue;
      }
      lastSample = sample;
      // nothing moved for stuckMs, with every service up and no fault for as long: it will not finish
      stillSince = previous && stillSince && unchanged(previous, sample) ? stillSince : sample;
      previous = sample;
      const stillMs = (sample.t - stillSince.t) * 1000;
      if (stillMs >= o.stuckMs && (sample.t - lastFaultActivity()) * 1000 >= o.stuckMs) {
        const upload = report.upload.status !== null ? '' : `; the upload has not got through (last answer: ${report.upload.attempts.at(-1)?.outcome ?? 'none yet'})`;
        throw new PlatformFailure(`nothing moved for ${(stillMs / 1000).toFixed(0)} s with every service up and no fault for as long: ${describeSample(sample)}${upload}`);
      }
      if (report.upload.status === null || !schedulerDone) {
        previousQuiet = null;
        continue;
      }
      const summary = await client.get('intake', summaryPath, keys.ICBC);
      const complete = summary.status === 200 && summary.body?.complete === true;
      if (complete && report.completeSeconds === null) {
        report.completeSeconds = since();
        log(`${since().toFixed(1).padStart(6)} s  summary complete: ${summary.body.approved} approved, ${summary.body.rejected} rejected, ${summary.body.invalid} invalid`);
      }
      if (complete && quiet(sample)) {
        if (previousQuiet && unchanged(previousQuiet, sample)) {
          report.quietSeconds = previousQuiet.t;
          log(`${report.quietSeconds.toFixed(1).padStart(6)} s  quiet: no consumer group nor log follower behind, no outbox row waiting`);
          break;
        }
        previousQuiet = sample;
      } else previousQuiet = null;
    }
    await upload;
    await scheduler;

    // ---- what the run is judged by ----
    report.collected = await collect(
      { client, batchRef: o.batchRef, keys, operatorKey: o.operatorKey, deadLetters: () => observer.deadLetters(), log },
      o.rows,
    );
    log(`collected in ${report.collected.seconds.toFixed(1)} s (the audit took ${report.collected.audit.seconds.toFixed(1)} s)`);
  } catch (error) {
    report.error = {
      kind: error instanceof PlatformFailure ? 'platform' : 'tool',
      message: error instanceof PlatformFailure || error instanceof ToolError ? error.message : ((error as Error).stack ?? String(error)),
    };
  } finally {
    cancelScheduler = true;
    report.lastSample = lastSample ? describeSample(lastSample) : null;
    await supervisor.stopAll();
    await scheduler; // a broker or database restart in progress ends before the campaign removes them
    await observer.disconnect();
  }
  return report;
}

/** Injects one fault and waits until the target serves again; describes what was done. */
async function inject(fault: PlannedFault, supervisor: Supervisor, o: RunOptions): Promise<string> {
  const down = `down ${(fault.downMs / 1000).toFixed(1)} s`;
  if (fault.target === 'kafka') {
    const pid = await o.kafka.crash();
    await sleep(fault.downMs);
    const t = performance.now();
    await o.kafka.start();
    return `SIGKILL of the broker (pid ${pid}); ${down}; serving again ${((performance.now() - t) / 1000).toFixed(1)} s later`;
  }
  if (fault.target === 'postgres') {
    await o.postgres.crash();
    await sleep(fault.downMs);
    const t = performance.now();
    await o.postgres.start();
    return `pg_ctl stop -m immediate; ${down}; accepting connections ${((performance.now() - t) / 1000).toFixed(1)} s later (crash recovery)`;
  }
  const service = fault.target;
  while (!supervisor.url(service)) {
    if (o.cancelled()) throw new ToolError('cancelled');
    await sleep(100); // it went down by itself meanwhile: kill it once it is back
  }
  const pid = await supervisor.kill(service);
  await sleep(fault.downMs);
  const t = performance.now();
  const p = await supervisor.start(service);
  const tries = supervisor.startAttempts(service);
  return `SIGKILL (pid ${pid}); ${down}; ready again ${((performance.now() - t) / 1000).toFixed(1)} s later${tries > 1 ? ` (${tries} starts)` : ''}, on :${new URL(p.url).port} (pid ${p.child.pid})`;
}
