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
}

/** Applies a batch of messages in the consumer's transaction; throw to refuse them. */
export type BatchHandler = (messages: IncomingMessage[], tx: Sql) => Promise<void>;

export interface ConsumerSpec {
  /** the consumer group; also the inbox key and the checkpoint name. No -server/-client suffixes. */
  consumer: string;
  /** the consumer's own schema: its inbox, checkpoints and outbox (for dead letters) */
  schema: string;
  topics: readonly string[];
  handle: BatchHandler;
  /** attempts for a message that fails alone before it is parked; default 3 */
  maxAttempts?: number;
}

export interface MessageTransport {
  subscribe(spec: ConsumerSpec): void;
  start(): Promise<void>;
  /** Finishes in-flight batches (their transactions commit or roll back), then stops. */
  stop(): Promise<void>;
  readonly kind: 'kafka' | 'embedded';
  ready(): boolean;
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
