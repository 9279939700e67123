import { Database } from '@g2g/event-store';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres';

// The embedded PostgreSQL's own rules (docs/performance.md, "What bounds the embedded platform's
// memory"): small shared buffers, the database created whole or not at all, kept across restarts.
describe('the embedded PostgreSQL', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'g2g-embedded-pg-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  async function withDatabase<T>(dir: string, work: (db: Database) => Promise<T>): Promise<T> {
    const pg = await startEmbeddedPostgres(dir);
    const db = await Database.connect({ socket: pg.socket, poolSize: 1, applicationName: 'g2g-test' });
    try {
      return await work(db);
    } finally {
      await db.close();
      await pg.stop();
    }
  }

  it('creates a new database whole, runs with 16 MB of shared buffers, and keeps its rows across a restart', async () => {
    const dir = join(root, 'data');
    const first = await withDatabase(dir, async (db) => {
      await db.query('create table kept (n int)');
      await db.query('insert into kept values (7)');
      const [{ shared_buffers }] = await db.query<{ shared_buffers: string }>('show shared_buffers');
      const [{ TimeZone }] = await db.query<{ TimeZone: string }>('show timezone');
      return { shared_buffers, TimeZone };
    });
    // the postgresql.conf initdb wrote is kept (its time zone with it)
    expect(first).toEqual({ shared_buffers: '16MB', TimeZone: 'UTC' });
    expect(readFileSync(join(dir, 'postgresql.conf'), 'utf8')).toMatch(/^timezone = UTC/m);
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
    expect(readdirSync(root)).toEqual(['data']); // nothing left of the folder it was made in

    const again = await withDatabase(dir, async (db) => ({
      rows: await db.query<{ n: number }>('select n from kept'),
      buffers: (await db.query<{ shared_buffers: string }>('show shared_buffers'))[0].shared_buffers,
    }));
    expect(again).toEqual({ rows: [{ n: 7 }], buffers: '16MB' });
  }, 120_000);

  it('starts over when a previous creation was cut short, and refuses a folder that holds other files', async () => {
    const dir = join(root, 'data');
    mkdirSync(`${dir}.creating`, { recursive: true });
    writeFileSync(join(`${dir}.creating`, 'half-made'), 'x');
    await withDatabase(dir, async (db) => expect(await db.query('select 1 as one')).toEqual([{ one: 1 }]));
    expect(readdirSync(root)).toEqual(['data']);

    const other = join(root, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'not a database');
    await expect(startEmbeddedPostgres(other)).rejects.toThrow(/holds files but no database/);
    expect(readdirSync(other)).toEqual(['notes.txt']);
  }, 120_000);
});
