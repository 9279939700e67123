import { Database, LogSubscription, describeError } from '@g2g/event-store';
import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SCHEMA, store } from '../record-log/record-log.consumer';
import { LoggedEvent, project } from './projector';

export const PROJECTION = 'reporting.projections';

interface EventRow {
  global_position: string;
  transaction_id: string;
  type: string;
  data: unknown;
  metadata: { recordedAt?: string };
  recorded_at: Date;
}

export function toLogged(r: EventRow): LoggedEvent {
  const stored = store.toStored(r as any);
  return { position: stored.globalPosition, type: stored.type, data: stored.data, recordedAt: String(r.metadata?.recordedAt ?? r.recorded_at.toISOString()) };
}

/** Keeps the read models up with reporting's log: each page and its checkpoint in one transaction. */
export class ProjectionRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly subscription: LogSubscription<EventRow>;

  constructor(db: Database) {
    this.subscription = new LogSubscription<EventRow>(db, {
      name: PROJECTION,
      checkpointSchema: SCHEMA,
      source: { schema: SCHEMA, table: 'events' },
      batchSize: 1000,
      idleMs: 100,
      handle: (rows, tx) => project(tx, rows.map(toLogged)),
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
