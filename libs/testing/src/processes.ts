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

/** The five services, each its own process (distributed mode), from the build in dist/. */
export async function startPlatformProcesses(
  root: string,
  env: NodeJS.ProcessEnv,
  logFile?: (service: ServiceName) => string,
): Promise<Record<ServiceName, ServiceProcess>> {
  const started = await Promise.all(SERVICES.map((s) => startPlatformProcess(root, s, env, { logFile: logFile?.(s) })));
  return Object.fromEntries(SERVICES.map((s, i) => [s, started[i]])) as Record<ServiceName, ServiceProcess>;
}
