import { Database, migrate, storeMigrations } from '@g2g/event-store';
import { restoreBackup, writeBackup } from '@g2g/platform';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { allServices } from '../../apps/embedded/src/services';

export interface BackupRestoreFigures {
  rows: number;
  bytes: number;
  backupSeconds: number;
  restoreSeconds: number;
  /** events per schema in the database backed up and in the one restored into: the same, or the restore lost or added some */
  sameEvents: boolean;
}

/**
 * The benchmark's database backed up (the code GET /backup runs, into a file) and restored into a
 * fresh database (the code g2g restore --database runs: migrations, the logs, every state replayed).
 */
export async function backupAndRestore(o: { databaseUrl: string; serverUrl: string; stamp: string; log: (line: string) => void }): Promise<BackupRestoreFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'g2g-bench-backup-'));
  const file = join(dir, 'backup.jsonl.gz');
  const target = `g2g_bench_restore_${o.stamp}`;
  const source = await Database.connect({ url: o.databaseUrl, poolSize: 2, applicationName: 'g2g-bench-backup' });
  const admin = new Client({ connectionString: `${o.serverUrl}/postgres`, application_name: 'g2g-bench' });
  await admin.connect();
  try {
    o.log('backup of the benchmark\'s database (the platform stopped; the code GET /backup runs)');
    const b0 = performance.now();
    const manifest = await writeBackup(source, createWriteStream(file), 'distributed');
    const backupSeconds = (performance.now() - b0) / 1000;
    await admin.query(`create database "${target}"`);
    const restored = await Database.connect({ url: `${o.serverUrl}/${target}`, poolSize: 2, applicationName: 'g2g-bench-restore' });
    try {
      o.log('restore into a fresh database (the code g2g restore --database runs)');
      const r0 = performance.now();
      for (const s of allServices) await migrate(restored, s.schema, [...storeMigrations, ...s.migrations]);
      const report = await restoreBackup(restored, allServices, file);
      const restoreSeconds = (performance.now() - r0) / 1000;
      const logged = Object.fromEntries(manifest.sections.filter((s) => s.table === 'events').map((s) => [s.schema, s.rows]));
      const sameEvents = report.schemas.every((s) => s.events === logged[s.schema]);
      return { rows: manifest.rows, bytes: statSync(file).size, backupSeconds, restoreSeconds, sameEvents };
    } finally {
      await restored.close();
    }
  } finally {
    await source.close();
    await admin.query(`drop database if exists "${target}" with (force)`).catch(() => undefined);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}
