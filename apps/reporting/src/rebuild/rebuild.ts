import { Database, START, checkpointOf, lockCheckpoint, readLogAfter, saveCheckpoint } from '@g2g/event-store';
import { SCHEMA } from '../record-log/record-log.consumer';
import { PROJECTION, toLogged } from '../projections/projection.runner';
import { READ_MODEL_TABLES, project } from '../projections/projector';

/**
 * Rebuilds the read models from reporting's event log, from scratch, while the platform runs: in
 * one transaction that holds the projection's checkpoint (the live projection waits for it),
 * empties the tables, replays every event and moves the checkpoint. Readers see the old figures
 * until the new ones commit, never a half-built state.
 */
export async function rebuildProjections(db: Database): Promise<{ events: number; ms: number }> {
  const started = Date.now();
  const events = await db.transaction(async (tx) => {
    await lockCheckpoint(tx, SCHEMA, PROJECTION);
    for (const table of READ_MODEL_TABLES) await tx.query(`delete from ${SCHEMA}.${table}`);
    let at = START;
    let count = 0;
    for (;;) {
      const rows = await readLogAfter<any>(tx, { schema: SCHEMA, table: 'events' }, at, 5000);
      if (rows.length === 0) break;
      await project(tx, rows.map(toLogged));
      count += rows.length;
      at = checkpointOf(rows[rows.length - 1], 'events');
    }
    await saveCheckpoint(tx, SCHEMA, PROJECTION, at);
    return count;
  }, 1);
  return { events, ms: Date.now() - started };
}
