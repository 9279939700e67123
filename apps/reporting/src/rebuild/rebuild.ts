import { operatorActionRecordedV1 } from '@g2g/contracts';
import { Database, START, checkpointOf, lockCheckpoint, readLogAfter, saveCheckpoint } from '@g2g/event-store';
import { Caller, operatorAction, operatorActionStream } from '@g2g/platform';
import { SCHEMA, store } from '../record-log/record-log.consumer';
import { PROJECTION, toLogged } from '../projections/projection.runner';
import { READ_MODEL_TABLES, project } from '../projections/projector';

/**
 * Rebuilds the read models from reporting's event log, from scratch, while the platform runs: in
 * one transaction that holds the projection's checkpoint (the live projection waits for it),
 * empties the tables, replays every event and moves the checkpoint. Readers see the old figures
 * until the new ones commit, never a half-built state.
 *
 * The rebuild is an operator action: reporting records it in its own log, in the same transaction,
 * under the topic name it would carry (g2g.reporting.operator-action-recorded.v1); the live
 * projection adds it to the audit trail once the rebuild commits.
 */
export async function rebuildProjections(db: Database, caller: Caller, now = new Date()): Promise<{ events: number; ms: number }> {
  const started = Date.now();
  return db.transaction(async (tx) => {
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
    const ms = Date.now() - started;
    const action = operatorAction(SCHEMA, caller, 'projections-rebuilt', 'projections', { events: count, ms }, now);
    await store.append(tx, [
      { streamId: operatorActionStream(action), expected: 'no_stream', events: [{ type: operatorActionRecordedV1.topic(SCHEMA), data: action, metadata: { recordedAt: action.recordedAt } }] },
    ]);
    return { events: count, ms };
  }, 1);
}
