import { Sql } from '@g2g/event-store';

export const MESSAGE_ID_HEADER = 'g2g-message-id';
/** when the producer recorded the message (its outbox row), ISO 8601 */
export const RECORDED_AT_HEADER = 'g2g-recorded-at';

/** A message as a consumer sees it, whichever transport brought it. */
export interface IncomingMessage<V = any> {
  /** stable across redelivery and republishing: `{producer schema}:{outbox position}` */
  id: string;
  topic: string;
  key: string;
  value: V;
  headers: Record<string, string>;
  /** set when the bytes were not JSON; such a message goes straight to the dead letters */
  malformed?: string;
  /** the value as the JSON text it arrived in, where the transport has it (to keep a message as it came) */
  raw?: string;
}

/**
 * Applies a batch of messages in the consumer's transaction; throw to refuse them. `poisoned` is
 * set on the last call for a message that failed alone every time (consumers that answer poison
 * only): the error it failed with, so that the handler records a final outcome instead.
 */
export type BatchHandler = (messages: IncomingMessage[], tx: Sql, poisoned?: unknown) => Promise<void>;

export interface ConsumerSpec {
  /** the consumer group; also the inbox key and the checkpoint name. No -server/-client suffixes. */
  consumer: string;
  /** the consumer's own schema: its inbox, checkpoints and outbox (for dead letters) */
  schema: string;
  topics: readonly string[];
  handle: BatchHandler;
  /** attempts for a message that fails alone before it is parked; default 3 */
  maxAttempts?: number;
  /**
   * The handler records a final outcome for a message it cannot apply (it is called once more
   * with `poisoned`), so that what the message asked for is answered, not left waiting; the
   * message is parked on the dead letters all the same, for operators to see.
   */
  answersPoison?: boolean;
  /**
   * Per topic, the fields (JSON pointers) the answer to a poison message copies from it: a message
   * that does not match its contract is answered only when these match (an answer carrying a wrong
   * key field would be refused downstream in turn); for a topic not named, it is parked unanswered.
   */
  answerCopies?: Readonly<Record<string, readonly string[]>>;
  /** messages per transaction at most (a chunk message carries a thousand rows: 1); default the transport's */
  batchSize?: number;
  /**
   * The consumer keeps messages as they came and reads nothing in them: the transport does not
   * parse their JSON (`value` is undefined, `raw` the text), which a large chunk message makes
   * worth sparing.
   */
  raw?: boolean;
}

export interface MessageTransport {
  subscribe(spec: ConsumerSpec): void;
  start(): Promise<void>;
  /** Finishes in-flight batches (their transactions commit or roll back), then stops. */
  stop(): Promise<void>;
  readonly kind: 'kafka' | 'embedded';
  ready(): boolean;
  /** What holds delivery up now (a message the broker will not take), one line each; none when all flows. */
  problems(): string[];
  /** The consumers subscribed (their names, which are also their groups and inbox keys). */
  consumerNames?(): readonly string[];
  /** Over Kafka: per consumer group and partition, the messages after its committed offset. */
  consumerLag?(): Promise<ConsumerLag[]>;
}

export interface ConsumerLag {
  group: string;
  topic: string;
  partition: number;
  lag: number;
}

/** The topic on which a consumer's poison messages are parked, owned by the consumer's schema. */
export function deadLetterTopic(schema: string): string {
  return `g2g.${schema.replaceAll('_', '-')}.dead-letters.v1`;
}

/**
 * The schema whose outbox carries a topic. Topic names are `g2g.{owner}.{message}.v{N}`, with the
 * owner written with dashes where the schema has underscores.
 */
export function ownerSchemaOf(topic: string): string {
  const m = /^g2g\.([a-z0-9-]+)\.[a-z0-9.-]+\.v\d+$/.exec(topic);
  if (!m) throw new Error(`topic ${topic} is not named g2g.{owner}.{message}.v{N}`);
  return m[1].replaceAll('-', '_');
}
