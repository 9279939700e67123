import { ChildProcess, fork } from 'node:child_process';
import { appendFileSync } from 'node:fs';

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  /** SIGKILL: no shutdown hooks, no goodbye */
  kill(): Promise<void>;
  /** SIGTERM: graceful stop; resolves with the exit code */
  stop(): Promise<number | null>;
  /** the last 20,000 characters the process wrote */
  output(): string;
}

export interface ServiceProcessOptions {
  timeoutMs?: number;
  /** every line the process writes (stdout and stderr) is also appended to this file */
  logFile?: string;
}

/** Forks a built service entry point and waits for it to report ready over IPC. */
export async function startServiceProcess(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: ServiceProcessOptions | number = {},
): Promise<ServiceProcess> {
  const { timeoutMs = 60_000, logFile } = typeof options === 'number' ? { timeoutMs: options } : options;
  let out = '';
  const child = fork(script, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const keep = (d: Buffer) => {
    out = (out + d).slice(-20_000);
    if (logFile) appendFileSync(logFile, d);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} ${args.join(' ')} not ready after ${timeoutMs} ms:\n${out}`)), timeoutMs);
    child.on('message', (m: { ready?: string }) => {
      if (m?.ready) {
        clearTimeout(timer);
        resolve(m.ready);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} ${args.join(' ')} exited with ${code} before it was ready:\n${out}`));
    });
  });
  return {
    url,
    child,
    output: () => out,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export const SERVICES = ['intake', 'underwriting', 'cession', 'compensation', 'reporting'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** One service as its own process (distributed mode, a free port unless env names one), from the build in dist/. */
export function startPlatformProcess(root: string, service: ServiceName, env: NodeJS.ProcessEnv, options: ServiceProcessOptions = {}): Promise<ServiceProcess> {
  return startServiceProcess(`${root}/dist/apps/${service}/src/main.js`, [], { G2G_MODE: 'distributed', PORT: '0', ...env }, options);
}

/**
 * `instances` processes of each of the five services (distributed mode), all at once: the same
 * database, Kafka namespace and consumer groups, each on a free HTTP port of its own. With more
 * than one, each process is told its number (G2G_INSTANCE), which names its database connections
 * and Kafka client. If any fails to start, the others are stopped and the error is thrown.
 */
export async function startPlatformInstances(
  root: string,
  env: NodeJS.ProcessEnv,
  instances: number,
  options: { logFile?: (service: ServiceName, instance: number) => string } = {},
): Promise<Record<ServiceName, ServiceProcess[]>> {
  const wanted = SERVICES.flatMap((service) => Array.from({ length: instances }, (_, i) => ({ service, instance: i + 1 })));
  const settled = await Promise.allSettled(
    wanted.map(({ service, instance }) =>
      startPlatformProcess(root, service, instanceEnv(env, instance, instances), { logFile: options.logFile?.(service, instance) }),
    ),
  );
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(settled.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
    throw failed.reason;
  }
  const out = Object.fromEntries(SERVICES.map((s) => [s, [] as ServiceProcess[]])) as Record<ServiceName, ServiceProcess[]>;
  settled.forEach((r, i) => out[wanted[i].service].push((r as PromiseFulfilledResult<ServiceProcess>).value));
  return out;
}

/** The environment of process `instance` (from 1) of `instances` of a service: with more than one, its number as G2G_INSTANCE. */
export function instanceEnv(env: NodeJS.ProcessEnv, instance: number, instances: number): NodeJS.ProcessEnv {
  return instances > 1 ? { ...env, G2G_INSTANCE: String(instance) } : env;
}

/** Each process by name: the service's name, or `intake #2` and so on when a service has more than one. */
export function namedProcesses(services: Record<ServiceName, ServiceProcess[]>): Record<string, ServiceProcess> {
  const out: Record<string, ServiceProcess> = {};
  for (const s of SERVICES) services[s].forEach((p, i) => (out[services[s].length === 1 ? s : `${s} #${i + 1}`] = p));
  return out;
}
