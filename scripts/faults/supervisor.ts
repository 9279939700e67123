import { SERVICES, ServiceName, ServiceProcess, startPlatformProcess } from '@g2g/testing';
import { WriteStream, createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../bench/http';
import { PlatformFailure } from './errors';
import { killStrayChildren } from './infra';

/** One process a service ran as, for the record. */
export interface ServiceInstance {
  service: ServiceName;
  pid: number;
  url: string;
  /** ms since the epoch */
  startedAt: number;
  endedAt: number | null;
  /** how it ended: killed by the campaign, exited by itself (code or signal), stopped at the end */
  ended: string | null;
  log: string;
}

export interface SupervisorOptions {
  /** where dist/ is */
  root: string;
  env: NodeJS.ProcessEnv;
  /** one log file per process goes here */
  logDir: string;
  /** prefix of the log files (the run's name) */
  name: string;
  log: (line: string) => void;
  /** a service exited without being killed (it is restarted after `restartDelayMs`) */
  onUnexpectedExit: (service: ServiceName, how: string, at: number) => void;
  /** the run's deadline (ms since the epoch): a service that cannot start again by then is a failure */
  deadline: () => number;
  restartDelayMs?: number;
}

/**
 * Keeps the five services of one run as processes: starts them, kills one on request (SIGKILL)
 * and starts it again (same environment, a new port: callers ask `url()` each time), restarts a
 * service that exited by itself, and stops them all at the end. Every process's output goes to a
 * log file of its own, never to the terminal.
 */
export class Supervisor {
  private readonly current = new Map<ServiceName, ServiceProcess>();
  private readonly killing = new Set<ServiceName>();
  private readonly starting = new Map<ServiceName, Promise<ServiceProcess>>();
  readonly instances: ServiceInstance[] = [];
  private stopped = false;
  private counter = 0;
  private readonly attempts = new Map<ServiceName, number>();

  constructor(private readonly o: SupervisorOptions) {}

  async startAll(): Promise<void> {
    await Promise.all(SERVICES.map((s) => this.start(s)));
  }

  /** The service's address, or undefined while it is down. */
  url(service: ServiceName): string | undefined {
    return this.current.get(service)?.url;
  }

  allUp(): boolean {
    return SERVICES.every((s) => this.current.has(s));
  }

  pid(service: ServiceName): number | undefined {
    return this.current.get(service)?.child.pid;
  }

  /** Every pid this supervisor started that may still run. */
  pids(): number[] {
    return [...this.current.values()].map((p) => p.child.pid!).filter(Boolean);
  }

  /** How many tries the service's last start took. */
  startAttempts(service: ServiceName): number {
    return this.attempts.get(service) ?? 0;
  }

  /** SIGKILL: no shutdown hooks. Resolves when the process is gone; returns its pid. */
  async kill(service: ServiceName): Promise<number> {
    const p = this.current.get(service);
    if (!p) throw new PlatformFailure(`${service} is not running: nothing to kill`);
    this.killing.add(service);
    this.current.delete(service);
    await p.kill();
    this.ended(p, 'killed (SIGKILL)');
    this.killing.delete(service);
    return p.child.pid!;
  }

  /**
   * Starts the service and waits until it says it is ready; a start that fails (the database or
   * the broker may be down) is tried again until the run's deadline.
   */
  start(service: ServiceName): Promise<ServiceProcess> {
    const running = this.current.get(service);
    if (running) return Promise.resolve(running);
    let pending = this.starting.get(service);
    if (!pending) {
      pending = this.startWithRetries(service).finally(() => this.starting.delete(service));
      this.starting.set(service, pending);
    }
    return pending;
  }

  private async startWithRetries(service: ServiceName): Promise<ServiceProcess> {
    let attempt = 0;
    for (;;) {
      if (this.stopped) throw new PlatformFailure('stopped');
      attempt++;
      const n = ++this.counter;
      const log = join(this.o.logDir, `${this.o.name}-${String(n).padStart(3, '0')}-${service}.log`);
      const t0 = Date.now();
      try {
        const remaining = Math.max(5_000, this.o.deadline() - Date.now());
        const p = await startPlatformProcess(this.o.root, service, this.o.env, { timeoutMs: Math.min(120_000, remaining) });
        if (this.stopped) {
          await p.kill();
          throw new PlatformFailure('stopped');
        }
        this.adopt(service, p, log, t0);
        this.attempts.set(service, attempt);
        return p;
      } catch (error) {
        if (this.stopped) throw error;
        // the message carries the process's output: it goes to the log file only
        writeFileSync(log, `${(error as Error).message}\n`);
        // a start that timed out leaves its process running: it must not live on beside the next one
        await killStrayChildren(`${this.o.root}/dist/apps/${service}/src/main.js`, this.pids());
        const message = (error as Error).message;
        const why = /exited with \S+ before it was ready|not ready after \d+ ms/.exec(message)?.[0] ?? message.split('\n')[0].slice(0, 200);
        this.o.log(`${service} did not start (attempt ${attempt}: ${why}); log: ${log}`);
        if (Date.now() > this.o.deadline()) throw new PlatformFailure(`${service} could not be started again before the deadline (${attempt} attempts; last log: ${log})`);
        await sleep(Math.min(5_000, 500 * attempt));
      }
    }
  }

  private adopt(service: ServiceName, p: ServiceProcess, logPath: string, startedAt: number): void {
    const out: WriteStream = createWriteStream(logPath);
    out.on('error', () => undefined);
    out.write(p.output());
    p.child.stdout!.on('data', (d) => out.write(d));
    p.child.stderr!.on('data', (d) => out.write(d));
    const instance: ServiceInstance = { service, pid: p.child.pid!, url: p.url, startedAt, endedAt: null, ended: null, log: logPath };
    this.instances.push(instance);
    this.current.set(service, p);
    p.child.once('exit', (code, signal) => {
      // output still buffered in the pipes comes before 'close'
      p.child.once('close', () => out.end());
      if (this.killing.has(service) || this.stopped || this.current.get(service) !== p) return;
      const how = signal ? `exited by itself (signal ${signal})` : `exited by itself (exit code ${code})`;
      this.current.delete(service);
      this.ended(p, how);
      const at = Date.now();
      this.o.log(`${service} (pid ${p.child.pid}) ${how}; starting it again`);
      this.o.onUnexpectedExit(service, how, at);
      void sleep(this.o.restartDelayMs ?? 1_000)
        .then(() => this.start(service))
        .catch((error) => this.stopped || this.o.log(`${service}: ${(error as Error).message}`));
    });
  }

  private ended(p: ServiceProcess, how: string): void {
    const instance = this.instances.find((i) => i.pid === p.child.pid && i.endedAt === null);
    if (instance) {
      instance.endedAt = Date.now();
      instance.ended = how;
    }
  }

  /** SIGTERM to every service (graceful), SIGKILL after `graceMs`. */
  async stopAll(graceMs = 15_000): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.starting.values()]);
    const running = [...this.current.entries()];
    this.current.clear();
    await Promise.all(
      running.map(async ([, p]) => {
        let timer: NodeJS.Timeout | undefined;
        const exited = p.stop().then(() => 'stopped at the end (SIGTERM)');
        const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), graceMs)));
        const how = await Promise.race([exited, late]);
        clearTimeout(timer);
        if (how === null) await p.kill();
        this.ended(p, how ?? 'killed at the end (did not stop within the grace time)');
      }),
    );
  }
}
