import { Database, EventRow, LogSubscription, Sql, StoredEvent, describeError } from '@g2g/event-store';
import { REFERENCE_STATE, StateProjection, applyReferenceDataEvents } from '@g2g/platform';
import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SCHEMA, store } from '../record-log/record-log.consumer';
import { LoggedEvent, READ_MODELS, project } from './projector';

export const PROJECTION = 'reporting.projections';

export function loggedOf(e: StoredEvent): LoggedEvent {
  return { position: e.globalPosition, type: e.type, data: e.data, recordedAt: String(e.metadata?.recordedAt ?? e.recordedAt.toISOString()) };
}

export function toLogged(r: EventRow): LoggedEvent {
  return loggedOf(store.toStored(r));
}

/** Reporting's read models, and its copy of the reference data (applied again here: idempotent), from its log. */
export async function projectStored(tx: Sql, events: readonly StoredEvent[]): Promise<void> {
  await applyReferenceDataEvents(tx, SCHEMA, events);
  await project(tx, events.map(loggedOf));
}

export const reportingState: StateProjection = {
  service: 'reporting',
  schema: SCHEMA,
  tables: { ...READ_MODELS, ...REFERENCE_STATE },
  apply: projectStored,
  checkpoint: { schema: SCHEMA, name: PROJECTION },
};

/** Keeps the read models up with reporting's log: each page and its checkpoint in one transaction. */
export class ProjectionRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly subscription: LogSubscription<EventRow>;

  constructor(db: Database) {
    this.subscription = new LogSubscription<EventRow>(db, {
      name: PROJECTION,
      checkpointSchema: SCHEMA,
      source: { schema: SCHEMA, table: 'events' },
      // a page of up to 16 events: up to 16,000 loans, so that a projection that is behind catches up in
      // larger steps (each figure cell written once a page) while its memory stays bounded; pages of
      // 1,000 events took the process to 740 MB catching up on a million-row batch
      batchSize: 16,
      idleMs: 100,
      handle: (rows, tx) => projectStored(tx, rows.map((r) => store.toStored(r))),
      onError: (error) => new Logger('reporting').warn(`projection: ${describeError(error)}`),
    });
    db.afterCommit(() => this.subscription.nudge());
  }

  onApplicationBootstrap() {
    this.subscription.start();
  }

  async onApplicationShutdown() {
    await this.subscription.stop();
  }
}
