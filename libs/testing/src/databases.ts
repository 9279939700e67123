import { Database } from '@g2g/event-store';
import { ensureDatabase, startEmbeddedPostgres } from '@g2g/platform';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestDatabase {
  kind: 'server' | 'embedded';
  db: Database;
  /** a fresh connection pool to the same database (server only: the embedded one is a single session) */
  connectAnother(poolSize: number): Promise<Database>;
  close(): Promise<void>;
}

/** The PostgreSQL server the tests use: DATABASE_URL's server, database g2g_test unless named. */
export function serverTestUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/g2g_test';
}

export async function serverDatabase(poolSize = 10): Promise<TestDatabase> {
  return connectServer(serverTestUrl(), poolSize, async () => undefined);
}

/** Creates the database if missing and connects; `dropped` runs after the pool is closed. */
async function connectServer(url: string, poolSize: number, dropped: () => Promise<void>): Promise<TestDatabase> {
  await ensureDatabase(url);
  const db = await Database.connect({ url, poolSize, applicationName: 'g2g-test' });
  return {
    kind: 'server',
    db,
    connectAnother: (n) => Database.connect({ url, poolSize: n, applicationName: 'g2g-test' }),
    close: async () => {
      await db.close();
      await dropped();
    },
  };
}

export async function embeddedDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'g2g-pglite-'));
  const pg = await startEmbeddedPostgres(dir);
  const db = await Database.connect({ socket: pg.socket, poolSize: 1, applicationName: 'g2g-test' });
  return {
    kind: 'embedded',
    db,
    connectAnother: () => Promise.reject(new Error('the embedded PostgreSQL is a single session')),
    close: async () => {
      await db.close();
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const testDatabases = [
  ['server PostgreSQL', serverDatabase],
  ['embedded PostgreSQL (PGlite)', embeddedDatabase],
] as const;

/** A schema name of its own for each test run, so runs never see each other's rows. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** Waits until check() is true, polling; fails with the message after the timeout. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A database of its own on the test server, for code whose schema names are fixed; dropped on close. */
export async function freshServerDatabase(prefix: string, poolSize = 10): Promise<TestDatabase> {
  const base = new URL(serverTestUrl());
  const name = `${prefix}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
  base.pathname = `/${name}`;
  const url = base.toString();
  return connectServer(url, poolSize, async () => {
    const admin = new URL(url);
    admin.pathname = '/postgres';
    const adminDb = await Database.connect({ url: admin.toString(), poolSize: 1 });
    await adminDb.query(`drop database if exists "${name}" with (force)`).catch(() => undefined);
    await adminDb.close();
  });
}
