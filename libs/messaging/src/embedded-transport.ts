import { Database, EventRow, LogSubscription, OutboxRow, describeError, eventMessageIdOf, messageIdOf } from '@g2g/event-store';
import { deliver } from './deliver';
import { consuming, traceHeadersOf } from './tracing';
import { ConsumerSpec, IncomingMessage, MESSAGE_ID_HEADER, MessageTransport, RECORDED_AT_HEADER, ownerSchemaOf } from './message';

/**
 * Delivery inside one database, for the embedded platform: each consumer follows the producers'
 * outbox tables directly (gap-safe, by checkpoint), and its checkpoint, inbox rows and effects
 * commit in one transaction. Same contract as Kafka: at-least-once reading, exactly-once effects,
 * per-key order, bounded retries, dead letters.
 */
export class EmbeddedTransport implements MessageTransport {
  readonly kind = 'embedded' as const;
  private readonly subscriptions: LogSubscription<any>[] = [];
  private started = false;
  private readonly names: string[] = [];

  constructor(
    private readonly db: Database,
    private readonly options: { idleMs?: number; batchSize?: number; log?: (line: string) => void } = {},
  ) {
    db.afterCommit(() => this.subscriptions.forEach((s) => s.nudge()));
  }

  consumerNames(): readonly string[] {
    return this.names;
  }

  subscribe(spec: ConsumerSpec): void {
    this.names.push(spec.consumer);
    const byOwner = new Map<string, string[]>();
    for (const topic of spec.topics) {
      const owner = ownerSchemaOf(topic);
      byOwner.set(owner, [...(byOwner.get(owner) ?? []), topic]);
    }
    for (const [owner, topics] of byOwner) {
      const parked = (m: IncomingMessage, e: unknown) => this.options.log?.(`${spec.consumer}: parked ${m.id} on dead letters: ${describeError(e)}`);
      const onError = (e: unknown) => this.options.log?.(`${spec.consumer}: ${describeError(e)}`);
      // the producer's outbox, and the events of its log published on these topics
      const fromOutbox = new LogSubscription<OutboxRow>(this.db, {
        name: `${spec.consumer}<-${owner}`,
        checkpointSchema: spec.schema,
        source: { schema: owner, table: 'outbox', topics },
        batchSize: spec.batchSize ?? this.options.batchSize ?? 500,
        idleMs: this.options.idleMs ?? 250,
        handle: async (rows, tx) => {
          const incoming = rows.map((r) => toIncoming(owner, r));
          await consuming(spec, 'embedded', incoming, () => deliver(tx, spec, incoming, parked));
        },
        onError,
      });
      const fromEvents = new LogSubscription<EventRow>(this.db, {
        name: `${spec.consumer}<=${owner}`,
        checkpointSchema: spec.schema,
        source: { schema: owner, table: 'events', topics },
        // chunk events carry a thousand rows each
        batchSize: spec.batchSize ?? 4,
        idleMs: this.options.idleMs ?? 250,
        handle: async (rows, tx) => {
          const incoming = rows.map((r) => eventToIncoming(owner, r, spec.raw === true));
          await consuming(spec, 'embedded', incoming, () => deliver(tx, spec, incoming, parked));
        },
        onError,
      });
      for (const subscription of [fromOutbox, fromEvents]) {
        this.subscriptions.push(subscription);
        if (this.started) subscription.start();
      }
    }
  }

  async start(): Promise<void> {
    this.started = true;
    this.subscriptions.forEach((s) => s.start());
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all(this.subscriptions.map((s) => s.stop()));
  }

  ready(): boolean {
    return this.started;
  }

  problems(): string[] {
    return [];
  }
}

function toIncoming(owner: string, row: OutboxRow): IncomingMessage {
  const id = messageIdOf(owner, row);
  return {
    id,
    topic: row.topic,
    key: row.key,
    value: row.value,
    headers: { ...row.headers, [MESSAGE_ID_HEADER]: id, [RECORDED_AT_HEADER]: new Date(row.recorded_at).toISOString() },
  };
}

function eventToIncoming(owner: string, row: EventRow, raw: boolean): IncomingMessage {
  const id = eventMessageIdOf(owner, row);
  const headers = { ...traceHeadersOf(row.metadata), [MESSAGE_ID_HEADER]: id, [RECORDED_AT_HEADER]: new Date(row.recorded_at).toISOString() };
  if (raw) return { id, topic: row.topic!, key: row.key ?? '', value: undefined, headers, raw: row.data };
  try {
    return { id, topic: row.topic!, key: row.key ?? '', value: JSON.parse(row.data), headers, raw: row.data };
  } catch {
    return { id, topic: row.topic!, key: row.key ?? '', value: undefined, headers, malformed: row.data.slice(0, 10_000) };
  }
}
