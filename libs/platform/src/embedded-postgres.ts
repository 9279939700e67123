import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface EmbeddedPostgres {
  socket: { dir: string; port: number; database: string; user: string };
  stop(): Promise<void>;
}

const PORT = 5432;

/**
 * PostgreSQL compiled to WebAssembly (PGlite), kept in a data directory so a restart loses
 * nothing, run in a child process (so it never blocks this event loop) and served on a private
 * unix socket, so that pg and TypeORM talk to it unchanged. It is one session: statements run
 * one at a time (docs/adr/0003-embedded-mode.md). The child exits when this process goes away.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const socketDir = mkdtempSync(join(tmpdir(), 'g2g-pg-'));
  const child = fork(join(__dirname, 'embedded-postgres.server.cjs'), [dir, join(socketDir, `.s.PGSQL.${PORT}`)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await new Promise<void>((resolveReady, reject) => {
    child.once('message', (m: { ready?: true; error?: string }) =>
      m.error ? reject(new Error(`embedded PostgreSQL did not start: ${m.error}`)) : resolveReady(),
    );
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with code ${code} before it was ready`)));
  });
  return {
    socket: { dir: socketDir, port: PORT, database: 'postgres', user: 'postgres' },
    async stop() {
      if (child.exitCode === null && child.connected) child.send('stop');
      await exited;
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}
