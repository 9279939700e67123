import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
// types only: the platform's code is loaded by the commands that need it, when they run
import type { BackupManifest as Manifest, RestoreReport } from '@g2g/platform';
import { UsageError } from '../args';
import { Command, Context } from '../context';
import { formatCount, plural, table } from '../format';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The platform's own reader of backup files: loaded only by the commands that read one. */
async function checkBackup(path: string): Promise<{ manifest: Manifest; takenAt: string; mode: string }> {
  const { readBackup } = await import('@g2g/platform');
  let manifest: Manifest | undefined;
  let takenAt = '';
  let mode = '';
  for await (const piece of readBackup(path, { pieceRows: 10_000 })) {
    if (piece.kind === 'header') ({ takenAt, mode } = piece.header);
    if (piece.kind === 'manifest') manifest = piece.manifest;
  }
  return { manifest: manifest!, takenAt, mode };
}

function renderSections(m: Manifest): string {
  const bySchema = new Map<string, Record<string, number>>();
  for (const s of m.sections) bySchema.set(s.schema, { ...bySchema.get(s.schema), [s.table]: s.rows });
  const rows = [...bySchema].map(([schema, t]) => [schema, formatCount(t.events ?? 0), formatCount(t.outbox ?? 0), formatCount(t.inbox ?? 0), formatCount(t.checkpoints ?? 0)]);
  return table(rows, { header: ['schema', 'events', 'outbox', 'inbox', 'checkpoints'], indent: '  ' });
}

export const backupCommand: Command = {
  name: 'backup',
  summary: "write a consistent backup of every service's log to a file, while the platform runs (operator)",
  flags: [],
  help: `Usage: g2g backup FILE [--json]

Asks the platform for a backup (GET /backup) and writes it to FILE: every service's event log,
outbox, inbox and checkpoints as of one instant, gzip-compressed JSON Lines, streamed, with a
manifest of counts and SHA-256 hashes at its end. The platform goes on working meanwhile (the
embedded one waits for the backup: its database is one session). The file is read back and
checked against its manifest before it takes its name (readable by its owner only: it holds
borrowers' identifiers and names); a backup cut short is removed, and FILE must not exist yet.
Everything else a service keeps is a projection of its log: g2g restore rebuilds it. Uses the
operator key.

  --json   {file, bytes, seconds, takenAt, mode, manifest}`,
  async run(ctx: Context) {
    const [file] = ctx.opts.positionals(1, 'FILE');
    const path = resolve(ctx.io.cwd, file);
    const partial = `${path}.part`;
    // a backup is not replaced by another: it may be the one that is needed
    if (existsSync(path)) throw new UsageError(`${file} exists already: name a new file`);
    const started = Date.now();
    try {
      // it holds borrowers' identifiers and names: readable by its owner only
      await ctx.client('reporting', { kind: 'operator' }).longRequest('GET', '/backup', { to: createWriteStream(partial, { mode: 0o600 }) });
      const { manifest, takenAt, mode } = await checkBackup(partial);
      renameSync(partial, path);
      const bytes = statSync(path).size;
      const seconds = (Date.now() - started) / 1000;
      if (ctx.json) return void (await ctx.printJson({ file: path, bytes, seconds, takenAt, mode, manifest }));
      await ctx.print(
        `backup of the ${mode} platform as of ${takenAt} written to ${file}: ${plural(manifest.rows, 'row')}, ${mb(bytes)}, in ${seconds.toFixed(1)} s\n` +
          `${renderSections(manifest)}sha256 ${manifest.sha256}\n`,
      );
    } finally {
      rmSync(partial, { force: true });
    }
  },
};

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'restore a backup into an empty platform and rebuild every projection (operator)',
  flags: ['database'],
  help: `Usage: g2g restore FILE [--database URL] [--json]

Restores a backup written by g2g backup into a platform whose logs are empty, in one transaction:
every service's log, outbox, inbox and checkpoints, then every service's state rebuilt from its
own events. The file is checked whole against its manifest first: one cut short or altered is
refused, and nothing is written. Messages that were on their way when the backup was taken are
delivered after it (consumers skip what their inbox says they handled). A backup of either mode
restores into either.

  (no --database)   through the running platform (POST /restore): the embedded platform, or any
                    process that runs all five services. Uses the operator key.
  --database URL    straight into the PostgreSQL database of a distributed platform (its
                    services may be stopped or running; their logs must be empty). The schemas
                    are made first if the services have not run yet. Its Kafka topics must be
                    its own (a new KAFKA_NAMESPACE or broker), never the original platform's.
  --json            {takenAt, from, schemas: [{schema, events, outbox, inbox, checkpoints,
                    stateRows}], rows, seconds, rowsPerSecond}

Afterwards: g2g audit (the invariants and figures), g2g rebuild --verify --service all.`,
  async run(ctx: Context) {
    const [file] = ctx.opts.positionals(1, 'FILE');
    const path = resolve(ctx.io.cwd, file);
    if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError(`${file}: no such file`);
    const database = ctx.opts.string('database');
    let report: RestoreReport;
    if (database) {
      report = await restoreIntoDatabase(database, path);
    } else {
      report = (await ctx.client('reporting', { kind: 'operator' }).longRequest<RestoreReport>('POST', '/restore', { upload: { body: createReadStream(path), contentType: 'application/gzip' } }))!;
    }
    if (ctx.json) return void (await ctx.printJson(report));
    const rows = report.schemas.map((s) => [s.schema, formatCount(s.events), formatCount(s.outbox), formatCount(s.inbox), formatCount(s.checkpoints), formatCount(s.stateRows)]);
    await ctx.print(
      `restored the backup of the ${report.from} platform as of ${report.takenAt}: ${plural(report.rows, 'row')} in ${report.seconds.toFixed(1)} s (${formatCount(report.rowsPerSecond)} rows/s)\n` +
        table(rows, { header: ['schema', 'events', 'outbox', 'inbox', 'checkpoints', 'state rows'], indent: '  ' }) +
        'next: g2g audit\n',
    );
  },
};

/** The restore of a distributed platform: the services' own code, run here against its database. */
async function restoreIntoDatabase(url: string, path: string): Promise<RestoreReport> {
  const { Database, migrate, storeMigrations } = await import('@g2g/event-store');
  const { ensureDatabase, restoreBackup } = await import('@g2g/platform');
  const { allServices } = await import('../../../embedded/src/services');
  await ensureDatabase(url);
  const db = await Database.connect({ url, poolSize: 2, applicationName: 'g2g-restore' });
  try {
    for (const s of allServices) await migrate(db, s.schema, [...storeMigrations, ...s.migrations]);
    return await restoreBackup(db, allServices, path);
  } finally {
    await db.close();
  }
}
