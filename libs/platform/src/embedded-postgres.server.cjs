// The embedded PostgreSQL (PGlite) in a process of its own, so its work never blocks the
// platform's event loop. Started by embedded-postgres.ts with: <data dir> <socket path>.
'use strict';
const { PGlite } = require('@electric-sql/pglite');
const { PGLiteSocketServer } = require('@electric-sql/pglite-socket');

async function main() {
  const [dataDir, socketPath] = process.argv.slice(2);
  const db = await PGlite.create(dataDir);
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

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
