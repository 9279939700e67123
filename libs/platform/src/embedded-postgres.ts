import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
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
 * nothing, served on a private unix socket so that pg and TypeORM talk to it unchanged.
 * It is one session: statements run one at a time (docs/adr/0003-embedded-mode.md).
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const socketDir = mkdtempSync(join(tmpdir(), 'g2g-pg-'));
  const server = new PGLiteSocketServer({ db, path: join(socketDir, `.s.PGSQL.${PORT}`), maxConnections: 16 });
  await server.start();
  return {
    socket: { dir: socketDir, port: PORT, database: 'postgres', user: 'postgres' },
    async stop() {
      await server.stop();
      await db.close();
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}
