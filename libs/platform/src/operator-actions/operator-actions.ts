import { OperatorActionRecordedV1, OperatorActionV1, operatorActionRecordedV1 } from '@g2g/contracts';
import { EventStore, Sql, enqueue } from '@g2g/event-store';
import { randomUUID } from 'node:crypto';
import { Caller } from '../auth/auth';

/** The event type under which a service keeps its operators' actions in its own store. */
export const OPERATOR_ACTION_EVENT = 'operator.action-recorded.v1';

/** The stream of one action: each action is its own stream, so concurrent actions never conflict. */
export function operatorActionStream(action: Pick<OperatorActionRecordedV1, 'actionId'>): string {
  return `operator-action:${action.actionId}`;
}

/** What an operator did, as the service records and announces it. */
export function operatorAction(
  service: string,
  caller: Caller,
  action: OperatorActionV1,
  subject: string,
  details: OperatorActionRecordedV1['details'],
  at: Date,
  actionId: string = randomUUID(),
): OperatorActionRecordedV1 {
  return { actionId, service, action, actor: { participant: caller.code, keyId: caller.keyId }, subject, details, recordedAt: at.toISOString() };
}

/**
 * Records operators' actions in the caller's transaction: an event each in the service's own store,
 * and the integration message on the service's topic, so that an action is recorded and announced
 * exactly when what it did commits.
 */
export async function recordOperatorActions(tx: Sql, schema: string, actions: readonly OperatorActionRecordedV1[]): Promise<void> {
  if (actions.length === 0) return;
  await new EventStore(schema).append(
    tx,
    actions.map((a) => ({ streamId: operatorActionStream(a), expected: 'no_stream' as const, events: [{ type: OPERATOR_ACTION_EVENT, data: a }] })),
  );
  await enqueue(
    tx,
    schema,
    actions.map((a) => ({ topic: operatorActionRecordedV1.topic(a.service), key: operatorActionRecordedV1.key(a), value: a })),
  );
}
