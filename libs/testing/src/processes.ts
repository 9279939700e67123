import { ChildProcess, fork } from 'node:child_process';

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  /** SIGKILL: no shutdown hooks, no goodbye */
  kill(): Promise<void>;
  /** SIGTERM: graceful stop; resolves with the exit code */
  stop(): Promise<number | null>;
  output(): string;
}

/** Forks a built service entry point and waits for it to report ready over IPC. */
export async function startServiceProcess(script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ServiceProcess> {
  let out = '';
  const child = fork(script, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  child.stdout!.on('data', (d) => (out = (out + d).slice(-20_000)));
  child.stderr!.on('data', (d) => (out = (out + d).slice(-20_000)));
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
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
