import { Database, EventRow, LogSubscription, OutboxRow, StoppedPartWay, describeError, eventMessageIdOf, messageIdOf } from '@g2g/event-store';
import { Admin, CompressionTypes, ConfigResourceTypes, Consumer, EachBatchPayload, Kafka, KafkaMessage, Partitioners, Producer, logLevel } from 'kafkajs';
import { deliver } from './deliver';
import { kafkajsLogLine } from './kafkajs-log';
import { consuming, traceHeadersOf } from './tracing';
import { installKafkajsIdleFix } from './kafkajs-idle-fix';
import { KafkaClientSecurity, credentialsRefused } from './kafka-security';
import { ConsumerLag, ConsumerSpec, IncomingMessage, MESSAGE_ID_HEADER, MessageTransport, RECORDED_AT_HEADER, deadLetterTopic } from './message';
import { TOPIC_MAX_MESSAGE_BYTES, UnsendableMessage, produceRequests, recordBytes, refusedForSize } from './produce-requests';

export interface KafkaTransportOptions {
  brokers: string[];
  clientId: string;
  /** the schemas whose outbox this process relays to Kafka (a service relays its own) */
  relaySchemas: readonly string[];
  /** partitions for topics this transport creates */
  partitions?: number;
  /** messages per consumer transaction */
  chunkSize?: number;
  /**
   * Prepended to every Kafka topic and consumer group name, so that several environments (or test
   * runs) can share one cluster without seeing each other's messages. Empty by default.
   */
  namespace?: string;
  /** how produce requests are compressed: gzip (node's zlib) or none */
  compression?: 'gzip' | 'none';
  /** TLS and SASL towards the brokers (docs/kafka-security.md); none: PLAINTEXT */
  security?: KafkaClientSecurity;
  log?: (line: string) => void;
}

/**
 * Kafka delivery. Every choice Nest's Kafka transport would leave implicit is made here
 * (docs/adr/0004-kafka-delivery.md):
 * - producer: idempotent, acks = all, key = aggregate id, fed only by the outbox relay, in requests
 *   of at most 512 KiB (a message larger goes alone); topics are created with room for 8 MiB
 *   messages (docs/adr/0004);
 * - consumer: group id = the consumer's name, no auto-commit, offsets committed after the
 *   database transaction that applied the messages; new groups read from the beginning;
 * - a message failing alone is retried maxAttempts times, then parked on the dead-letter topic.
 */
export class KafkaTransport implements MessageTransport {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private producer?: Producer;
  private admin?: Admin;
  private readonly specs: ConsumerSpec[] = [];
  private readonly consumers: Consumer[] = [];
  private readonly relays: LogSubscription<any>[] = [];
  private started = false;
  private readonly knownTopics = new Set<string>();
  /** per relay, the message the broker will not take, while the relay waits on it */
  private readonly unsendable = new Map<string, UnsendableMessage>();

  constructor(
    private readonly db: Database,
    private readonly options: KafkaTransportOptions,
  ) {
    installKafkajsIdleFix();
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => {
        const line = kafkajsLogLine(entry);
        if (line) (options.log ?? console.error)(line);
      },
      retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5_000 },
      ...options.security,
    });
  }

  consumerNames(): readonly string[] {
    return this.specs.map((s) => s.consumer);
  }

  subscribe(spec: ConsumerSpec): void {
    if (this.started) throw new Error('subscribe before start');
    this.specs.push(spec);
  }

  async start(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect().catch((error) => {
      throw credentialsRefused(error, this.options.brokers, this.options.security);
    });
    await this.ensureTopics([
      ...this.specs.flatMap((s) => s.topics),
      ...this.specs.map((s) => deadLetterTopic(s.schema)),
    ]);
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.producer.connect();
    for (const schema of this.options.relaySchemas) this.startRelay(schema);
    for (const spec of this.specs) await this.startConsumer(spec);
    this.started = true;
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all(this.consumers.map((c) => c.disconnect().catch(() => undefined)));
    await Promise.all(this.relays.map((r) => r.stop()));
    await this.producer?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
  }

  ready(): boolean {
    return this.started;
  }

  problems(): string[] {
    return [...this.unsendable].map(([relay, e]) => `relay ${relay} waits on ${e.message}`);
  }

  /**
   * Per consumer group of this process and partition of its topics, the messages after the
   * group's committed offset (from the earliest offset while it has committed none). Read from
   * the broker; a read that takes over 5 s is given up.
   */
  async consumerLag(): Promise<ConsumerLag[]> {
    const admin = this.admin;
    if (!admin || !this.started) return [];
    const read = async () => {
      const out: ConsumerLag[] = [];
      for (const spec of this.specs) {
        const topics = spec.topics.map((t) => this.kafkaTopic(t));
        const committed = await admin.fetchOffsets({ groupId: this.kafkaTopic(spec.consumer), topics });
        for (const { topic, partitions } of committed) {
          const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p]));
          for (const { partition, offset } of partitions) {
            const end = ends.get(partition);
            if (!end) continue;
            const from = BigInt(offset) >= 0n ? BigInt(offset) : BigInt(end.low);
            const lag = BigInt(end.high) - from;
            out.push({ group: spec.consumer, topic: topic.slice((this.options.namespace ?? '').length), partition, lag: Number(lag > 0n ? lag : 0n) });
          }
        }
      }
      return out;
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the broker did not answer within 5 s')), 5_000)));
    try {
      return await Promise.race([read(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The Kafka name of a topic (or consumer group) in this transport's namespace. */
  kafkaTopic(name: string): string {
    return `${this.options.namespace ?? ''}${name}`;
  }

  /**
   * Creates missing topics and waits until each has a leader. Idempotent, and safe when several
   * processes create the same topics at once (each retries until the cluster agrees).
   */
  async ensureTopics(topics: readonly string[]): Promise<void> {
    const missing = [...new Set(topics)].filter((t) => !this.knownTopics.has(t));
    if (missing.length === 0 || !this.admin) return;
    const names = missing.map((t) => this.kafkaTopic(t));
    for (let attempt = 1; ; attempt++) {
      try {
        const existing = new Set(await this.admin.listTopics());
        const toCreate = names.filter((t) => !existing.has(t));
        if (toCreate.length > 0) {
          await this.admin
            .createTopics({
              waitForLeaders: false,
              topics: toCreate.map((topic) => ({
                topic,
                numPartitions: this.options.partitions ?? 4,
                replicationFactor: 1,
                // the broker's own default (message.max.bytes, 1,048,588) is less than a message may be
                configEntries: [{ name: 'max.message.bytes', value: String(TOPIC_MAX_MESSAGE_BYTES) }],
              })),
            })
            .catch((e: { type?: string }) => {
              if (e?.type !== 'TOPIC_ALREADY_EXISTS') throw e;
            });
        }
        const { topics: described } = await this.admin.fetchTopicMetadata({ topics: names });
        if (described.length === names.length && described.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) break;
        throw new Error('topics have no leader yet');
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((r) => setTimeout(r, Math.min(100 * attempt, 1_000)));
      }
    }
    missing.forEach((t) => this.knownTopics.add(t));
    await this.warnOfSmallTopics(names);
  }

  /** Says which topics (created before, by another version or by hand) take less than a message may be. */
  private async warnOfSmallTopics(names: readonly string[]): Promise<void> {
    try {
      const { resources } = await this.admin!.describeConfigs({
        resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['max.message.bytes'] })),
        includeSynonyms: false,
      });
      for (const r of resources) {
        const bytes = Number(r.configEntries.find((c) => c.configName === 'max.message.bytes')?.configValue);
        if (bytes < TOPIC_MAX_MESSAGE_BYTES) {
          this.options.log?.(`topic ${r.resourceName} takes messages of at most ${bytes} bytes (max.message.bytes); the platform's may be up to ${TOPIC_MAX_MESSAGE_BYTES}: raise it, or a larger message waits`);
        }
      }
    } catch (error) {
      this.options.log?.(`could not read the topics' max.message.bytes: ${describeError(error)}`);
    }
  }

  /**
   * Follows the schema's outbox, and its log's published events, and publishes each in order; a
   * checkpoint moves only after Kafka acknowledged. An event is shipped as the text it was stored as.
   */
  private startRelay(schema: string): void {
    const outboxRelay = this.relaying(`${schema} outbox`);
    const eventRelay = this.relaying(`${schema} events`);
    const outbox = new LogSubscription<OutboxRow>(this.db, {
      name: 'outbox-relay',
      checkpointSchema: schema,
      source: { schema, table: 'outbox' },
      batchSize: 1000,
      idleMs: 100,
      handle: async (rows) =>
        outboxRelay.send(
          rows.map((r) => ({
            topic: r.topic,
            key: r.key,
            value: JSON.stringify(r.value),
            headers: { ...r.headers, [MESSAGE_ID_HEADER]: messageIdOf(schema, r), [RECORDED_AT_HEADER]: new Date(r.recorded_at).toISOString() },
          })),
        ),
      onError: outboxRelay.onError,
    });
    const events = new LogSubscription<EventRow>(this.db, {
      name: 'event-relay',
      checkpointSchema: schema,
      source: { schema, table: 'events', published: true },
      // chunk events are large: a few per request
      batchSize: 8,
      idleMs: 100,
      handle: async (rows) =>
        eventRelay.send(
          rows.map((r) => ({
            topic: r.topic!,
            key: r.key ?? '',
            value: r.data,
            headers: { ...traceHeadersOf(r.metadata), [MESSAGE_ID_HEADER]: eventMessageIdOf(schema, r), [RECORDED_AT_HEADER]: new Date(r.recorded_at).toISOString() },
          })),
        ),
      onError: eventRelay.onError,
    });
    for (const relay of [outbox, events]) {
      this.db.afterCommit(() => relay.nudge());
      this.relays.push(relay);
      relay.start();
    }
  }

  /**
   * How a relay sends: in requests bounded by bytes, in order, one after the other (one request in
   * flight, so per-key order holds). A message the broker refuses even alone holds the relay up: it
   * is said in the log at once and then once a minute, and in the readiness check, until it goes.
   */
  private relaying(relay: string): { send: (messages: Outgoing[]) => Promise<void>; onError: (error: unknown) => void } {
    let lastSaid = { line: '', at: 0 };
    return {
      send: async (messages) => {
        await this.ensureTopics(messages.map((m) => m.topic));
        const progress = { sent: 0 };
        try {
          for (const request of produceRequests(messages)) await this.produce(request, progress);
        } catch (error) {
          // what the broker acknowledged is not sent again: the checkpoint moves past it
          throw progress.sent > 0 ? new StoppedPartWay(progress.sent, error) : error;
        }
        this.unsendable.delete(relay);
      },
      onError: (error) => {
        if (error instanceof UnsendableMessage) this.unsendable.set(relay, error);
        const line = `relay ${relay}: ${error instanceof UnsendableMessage ? `waits on ${error.message}` : describeError(error)}`;
        // the relay retries every few seconds: the same line again only after a minute
        if (line === lastSaid.line && Date.now() - lastSaid.at < 60_000) return;
        lastSaid = { line, at: Date.now() };
        this.options.log?.(line);
      },
    };
  }

  /**
   * One produce request; `progress.sent` counts the messages acknowledged. Refused for its size, it
   * is sent in halves; a message refused alone cannot be sent.
   */
  private async produce(messages: Outgoing[], progress: { sent: number }): Promise<void> {
    const byTopic = new Map<string, Omit<Outgoing, 'topic'>[]>();
    for (const { topic, ...m } of messages) {
      const list = byTopic.get(topic) ?? [];
      list.push(m);
      byTopic.set(topic, list);
    }
    try {
      await this.producer!.sendBatch({ acks: -1, compression: this.options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None, topicMessages: [...byTopic].map(([topic, list]) => ({ topic: this.kafkaTopic(topic), messages: list })) });
      progress.sent += messages.length;
    } catch (error) {
      if (!refusedForSize(error)) throw error;
      if (messages.length === 1) throw new UnsendableMessage(messages[0].headers[MESSAGE_ID_HEADER], messages[0].topic, recordBytes(messages[0]));
      const half = Math.ceil(messages.length / 2);
      await this.produce(messages.slice(0, half), progress);
      await this.produce(messages.slice(half), progress);
    }
  }

  private async startConsumer(spec: ConsumerSpec): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.kafkaTopic(spec.consumer),
      sessionTimeout: 15_000,
      heartbeatInterval: 3_000,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: 8 << 20,
      maxBytes: 32 << 20,
      // a long poll: the broker answers as soon as a message is there, and an idle consumer asks once a second
      maxWaitTimeInMs: 1_000,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: spec.topics.map((t) => this.kafkaTopic(t)), fromBeginning: true });
    const chunkSize = spec.batchSize ?? this.options.chunkSize ?? 500;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // one batch at a time per consumer: its handlers never race each other on a stream or a row
      partitionsConsumedConcurrently: 1,
      eachBatch: async (payload: EachBatchPayload) => {
        const { batch } = payload;
        for (let i = 0; i < batch.messages.length; i += chunkSize) {
          if (!payload.isRunning() || payload.isStale()) return;
          const chunk = batch.messages.slice(i, i + chunkSize);
          const topic = batch.topic.slice((this.options.namespace ?? '').length);
          const incoming = chunk.map((m) => toIncoming(topic, batch.partition, m, spec.raw === true));
          await consuming(spec, 'kafka', incoming, () =>
            this.db.transaction(
              (tx) =>
                deliver(tx, spec, incoming, (m, e) =>
                  this.options.log?.(`${spec.consumer}: parked ${m.id} on dead letters: ${describeError(e)}`),
                ),
              10,
            ),
          );
          const last = chunk[chunk.length - 1];
          payload.resolveOffset(last.offset);
          await consumer.commitOffsets([
            { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
          ]);
          await payload.heartbeat();
        }
      },
    });
    this.consumers.push(consumer);
    // kafkajs restarts a consumer after a retriable error by itself; after any other crash (e.g.
    // dropped from its group after a long batch) it would stay dead: start a new one.
    consumer.on(consumer.events.CRASH, (event) => {
      if (event.payload.restart || !this.started) return;
      this.options.log?.(`${spec.consumer}: consumer crashed (${describeError(event.payload.error)}); starting a new one`);
      this.consumers.splice(this.consumers.indexOf(consumer), 1);
      setTimeout(() => {
        consumer
          .disconnect()
          .catch(() => undefined)
          .then(() => (this.started ? this.startConsumer(spec) : undefined))
          .catch((error) => this.options.log?.(`${spec.consumer}: could not restart: ${describeError(error)}`));
      }, 1_000);
    });
  }
}

/** A message on its way to Kafka: its value as the JSON text stored. */
type Outgoing = { topic: string; key: string; value: string; headers: Record<string, string> };

function toIncoming(topic: string, partition: number, m: KafkaMessage, raw = false): IncomingMessage {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? String(v[0]) : String(v);
  }
  const id = headers[MESSAGE_ID_HEADER] ?? `${topic}/${partition}/${m.offset}`;
  const text = m.value?.toString('utf8') ?? '';
  if (raw) return { id, topic, key: m.key?.toString('utf8') ?? '', value: undefined, headers, raw: text };
  try {
    return { id, topic, key: m.key?.toString('utf8') ?? '', value: JSON.parse(text), headers, raw: text };
  } catch {
    return { id, topic, key: m.key?.toString('utf8') ?? '', value: undefined, headers, malformed: text };
  }
}
