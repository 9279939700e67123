import { SERVICES, ServiceName } from '@g2g/testing';
import { Prng } from '../../apps/cli/src/generate/prng';
import { sleep } from '../bench/http';
import { Phase } from './observer';

/** What a fault hits: one of the five services, the broker or the database server. */
export type FaultTarget = ServiceName | 'kafka' | 'postgres';
export const INFRASTRUCTURE: readonly FaultTarget[] = ['kafka', 'postgres'];

/**
 * How far the run has got, as counted from the outside: rows intake has filed, rows with an
 * outcome, guarantees reporting has projected. Their sum over (2 x rows + the clean run's approved
 * rows) is the run's progress, 0 to 1.
 */
export interface Progress {
  filed: number;
  decided: number;
  projected: number;
}

export interface PlannedFault {
  /** the fault fires once the run's progress (or, for `filed`, the share of rows filed) reaches this */
  when: { measure: 'progress' | 'filed'; fraction: number };
  target: FaultTarget;
  /** how long the target stays down before it is started again, ms */
  downMs: number;
}

export interface PlanOptions {
  seed: number;
  kills: number;
  broker: boolean;
  postgres: boolean;
}

/**
 * The faults of a run, from the seed alone: `kills` SIGKILLs spread over the five services (each
 * round of five covers every service once, in a shuffled order) at moments drawn uniformly over the
 * run's progress; the first intake kill is moved into the upload (a resend after a crash is the
 * path most worth trying); the broker and the database restart once each, in the middle of the work.
 */
export function planFaults(o: PlanOptions): PlannedFault[] {
  const rng = new Prng(o.seed * 7919 + 17);
  const targets: ServiceName[] = [];
  while (targets.length < o.kills) {
    const round = [...SERVICES];
    for (let i = round.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [round[i], round[j]] = [round[j], round[i]];
    }
    targets.push(...round.slice(0, o.kills - targets.length));
  }
  const between = (lo: number, hi: number) => lo + rng.next() * (hi - lo);
  const moments = targets.map(() => between(0.03, 0.97)).sort((a, b) => a - b);
  const plan: PlannedFault[] = targets.map((target, i) => ({ target, when: { measure: 'progress', fraction: moments[i] }, downMs: Math.round(between(500, 2_500)) }));
  const firstIntake = plan.find((f) => f.target === 'intake');
  if (firstIntake) firstIntake.when = { measure: 'filed', fraction: between(0.2, 0.6) };
  if (o.broker) plan.push({ target: 'kafka', when: { measure: 'progress', fraction: between(0.15, 0.75) }, downMs: Math.round(between(1_000, 3_000)) });
  if (o.postgres) plan.push({ target: 'postgres', when: { measure: 'progress', fraction: between(0.15, 0.75) }, downMs: Math.round(between(1_000, 3_000)) });
  return plan.sort((a, b) => a.when.fraction - b.when.fraction);
}

/** One line of the faults table. */
export interface FaultRecord {
  /** seconds since the fault run's upload started */
  at: number;
  target: FaultTarget;
  phases: Phase[];
  /** e.g. `SIGKILL (pid 123); down 1.2 s; ready again 3.4 s after its start, on :41235 (pid 456)` */
  action: string;
  /** planned by the scheduler, or something the platform did by itself (a service exiting) */
  kind: 'planned' | 'unprompted';
  /** the run's progress (0-1) and the pipeline when it was hit (counts only) */
  progress: number | null;
  pipeline: string | null;
  /** seconds from the fault until the target served again */
  recoverySeconds: number | null;
}

export interface SchedulerHooks {
  /** performance.now() of the upload start */
  t0: number;
  rows: number;
  /** the clean run's approved rows (what reporting projects when done) */
  approved: number;
  /** the counts progress is made of, or null when they cannot be read right now */
  progressNow: () => Promise<Progress | null>;
  /** whether the bank's PUT is in flight now */
  uploading: () => boolean;
  /** the PUT's body is sent over at least this many seconds (0: not paced) */
  uploadPaceSeconds: number;
  /** true when nothing is in flight any more (then the faults left fire at once) */
  settled: () => Promise<boolean>;
  /** whether the target serves right now (a service that is down is not killed again) */
  isUp: (target: FaultTarget) => boolean;
  /** the phases work is in now, and a line on the pipeline */
  phaseNow: () => Promise<{ phases: Phase[]; pipeline: string | null }>;
  /** does the fault; resolves with the action's description once the target serves again */
  inject: (fault: PlannedFault) => Promise<string>;
  cancelled: () => boolean;
  log: (line: string) => void;
}

export function progressOf(p: Progress, rows: number, approved: number): number {
  return (p.filed + p.decided + p.projected) / (2 * rows + approved);
}

/**
 * Carries out a plan: each fault fires when the run's progress (or the share of rows filed) reaches
 * its fraction, once its target is up, at least half a second after the previous fault (one aimed at
 * the share of rows filed goes before the others that are due, and fires at that share of the
 * upload's pace if the rows filed have not got there by then). It does not
 * wait for earlier faults' targets to be back, so faults overlap as they would in life, except that
 * the broker and the database are never down at the same time. When nothing has moved for 3 s and
 * nothing is in flight any more, the faults still planned fire one after another (tagged with the
 * phase they find). Resolves when every target serves again.
 */
export async function executePlan(plan: PlannedFault[], hooks: SchedulerHooks, records: FaultRecord[]): Promise<void> {
  const since = () => (performance.now() - hooks.t0) / 1000;
  const pending = [...plan];
  const recoveries: Promise<void>[] = [];
  let infrastructureBusy = false;
  let lastFired = -Infinity;
  let lastProgress = -1;
  let movedAt = performance.now();
  let settledAt = -Infinity;
  let failure: unknown = null;
  while (pending.length > 0) {
    if (failure) {
      await Promise.allSettled(recoveries);
      throw failure;
    }
    if (hooks.cancelled()) {
      await Promise.allSettled(recoveries);
      return;
    }
    await sleep(100);
    const counts = await hooks.progressNow();
    if (!counts || performance.now() - lastFired < 500) continue;
    const progress = progressOf(counts, hooks.rows, hooks.approved);
    if (progress !== lastProgress) [lastProgress, movedAt] = [progress, performance.now()];
    let settled = false;
    if (performance.now() - movedAt > 3_000 && performance.now() - settledAt > 1_000) {
      settledAt = performance.now();
      settled = await hooks.settled();
    }
    const due = (f: PlannedFault) => {
      // aimed into the upload: the share of rows filed, or (the PUT being paced) that share of its
      // pace gone by while it is in flight, whichever comes first
      const intoUpload = f.when.measure === 'filed' && hooks.uploading() && since() >= f.when.fraction * hooks.uploadPaceSeconds;
      const reached = intoUpload ? 1 : f.when.measure === 'filed' ? counts.filed / hooks.rows : progress;
      const infrastructure = INFRASTRUCTURE.includes(f.target);
      return (settled || reached >= f.when.fraction) && hooks.isUp(f.target) && !(infrastructure && infrastructureBusy);
    };
    // a fault aimed into the upload goes first: behind the others it could miss the PUT it is aimed at
    const fault = pending.find((f) => f.when.measure === 'filed' && due(f)) ?? pending.find(due);
    if (!fault) continue;
    pending.splice(pending.indexOf(fault), 1);
    const { phases, pipeline } = await hooks.phaseNow();
    const at = since();
    const record: FaultRecord = { at, target: fault.target, phases, action: '(in progress)', kind: 'planned', progress, pipeline, recoverySeconds: null };
    records.push(record);
    lastFired = performance.now();
    hooks.log(`${at.toFixed(1).padStart(6)} s  fault: ${fault.target} (${phases.join(', ')}; progress ${(progress * 100).toFixed(0)} %)`);
    const infrastructure = INFRASTRUCTURE.includes(fault.target);
    if (infrastructure) infrastructureBusy = true;
    const recovered = hooks.inject(fault).then((action) => {
      record.action = action;
      record.recoverySeconds = since() - at;
      hooks.log(`${since().toFixed(1).padStart(6)} s  ${fault.target}: ${action}`);
    });
    recovered.catch((error) => (failure ??= error)).finally(() => infrastructure && (infrastructureBusy = false));
    recoveries.push(recovered);
  }
  await Promise.all(recoveries);
}
