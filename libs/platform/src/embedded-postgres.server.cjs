// The embedded PostgreSQL (PGlite) in a process of its own, so its work never blocks the
// platform's event loop. Started by embedded-postgres.ts with: <data dir> <socket path>.
//
// Memory (docs/performance.md, "What bounds the embedded platform's memory"): a WebAssembly
// memory never shrinks, so whatever this process touches once it keeps.
// - A new database is created (initdb, about 800 MB for a few seconds) by a short-lived process
//   of its own (`--create <data dir>`), into a folder beside the data folder that is renamed into
//   place when it is complete: this process then only opens it, and a crash while creating leaves
//   no half-made database behind.
// - Shared buffers are 16 MB, not PostgreSQL's default 128 MB: the data pages come from the OS
//   page cache, and a larger pool inside this process is memory it never gives back. Set on the
//   server's command line (PGlite's `postgresqlconf` would replace the postgresql.conf that initdb
//   wrote, its time zone and locales with it).
'use strict';
const { execFile } = require('node:child_process');
const { existsSync, readdirSync, renameSync, rmdirSync, rmSync } = require('node:fs');
const { promisify } = require('node:util');
const { PGlite } = require('@electric-sql/pglite');
const { PGLiteSocketServer } = require('@electric-sql/pglite-socket');

const START = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

async function create(dataDir) {
  const db = await PGlite.create(dataDir);
  await db.close();
}

async function ensureCreated(dataDir) {
  if (existsSync(`${dataDir}/PG_VERSION`)) return;
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0)
    throw new Error(`${dataDir} holds files but no database (no PG_VERSION): move them away or point G2G_DATA_DIR elsewhere`);
  const making = `${dataDir}.creating`;
  rmSync(making, { recursive: true, force: true });
  await promisify(execFile)(process.execPath, [__filename, '--create', making], { maxBuffer: 16 * 1024 * 1024 });
  if (existsSync(dataDir)) rmdirSync(dataDir); // made empty by the platform's mkdir
  renameSync(making, dataDir);
}

async function serve(dataDir, socketPath) {
  await ensureCreated(dataDir);
  const db = await PGlite.create(dataDir, { startParams: START });
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 32 });
  await server.start();
  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      await server.stop().catch(() => undefined);
      await db.close(); // flushes to the data directory
      process.exit(0);
    })());
  process.on('message', (m) => m === 'stop' && stop());
  process.on('disconnect', stop); // the platform process is gone
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.send({ ready: true });
}

const args = process.argv.slice(2);
(args[0] === '--create' ? create(args[1]).then(() => process.exit(0)) : serve(args[0], args[1])).catch((error) => {
  console.error(error);
  if (process.send) process.send({ error: error instanceof Error ? error.message : String(error) }, () => process.exit(1));
  else process.exit(1);
});
