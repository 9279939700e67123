import { operatorActionRecordedV1 } from '@g2g/contracts';
import { Database } from '@g2g/event-store';
import { Caller, RebuildReport, operatorAction, operatorActionStream, rebuildState } from '@g2g/platform';
import { reportingState } from '../projections/projection.runner';
import { SCHEMA, store } from '../record-log/record-log.consumer';

/**
 * Rebuilds the read models from reporting's event log, from scratch, while the platform runs: in
 * one transaction that holds the projection's checkpoint (the live projection waits for it),
 * empties the tables, replays every event up to it and compares. Readers see the old figures
 * until the new ones commit, never a half-built state.
 *
 * The rebuild is an operator action: reporting records it in its own log, in the same transaction,
 * under the topic name it would carry (g2g.reporting.operator-action-recorded.v1); the live
 * projection adds it to the audit trail once the rebuild commits.
 */
export async function rebuildProjections(db: Database, caller: Caller, now = new Date()): Promise<RebuildReport & { ms: number }> {
  const report = await rebuildState(db, reportingState, 'rebuild', async (tx, r) => {
    const action = operatorAction(SCHEMA, caller, 'projections-rebuilt', 'projections', { events: r.events, ms: Math.round(r.seconds * 1000), identical: r.identical }, now);
    await store.append(tx, [
      { streamId: operatorActionStream(action), expected: 'no_stream', events: [{ type: operatorActionRecordedV1.topic(SCHEMA), data: action, metadata: { recordedAt: action.recordedAt } }] },
    ]);
  });
  return { ...report, ms: Math.round(report.seconds * 1000) };
}
