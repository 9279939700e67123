/**
 * How the outbox relay cuts what it sends into produce requests. A broker refuses a record batch
 * larger than its topic's `max.message.bytes` (1,048,588 bytes by default), and the messages of one
 * partition in one request travel as one record batch: a thousand loan-filed messages of one
 * programme (one key, so one partition) sent together were 1.4 MB, refused every time, and intake
 * sent nothing more. Requests are cut by bytes instead, in order.
 */

/** The bytes of messages in one produce request: well under any broker's default limit. */
export const MAX_REQUEST_BYTES = 512 * 1024;

/**
 * `max.message.bytes` of every topic the platform creates: room for the largest message it can
 * produce. That is an operator's document re-sent as a message (a programme, at most the 2 MiB an
 * HTTP JSON body may hold) parked on the dead letters, whose headers add at most 12 KB; every batch
 * row makes a message of a few kilobytes. Four times the largest, so nothing it sends is refused.
 */
export const TOPIC_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

export interface Producible {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** What a record takes in a record batch: key, value, headers and their framing (an upper bound). */
export function recordBytes(m: Producible): number {
  let bytes = 32 + Buffer.byteLength(m.key) + Buffer.byteLength(m.value);
  for (const [name, value] of Object.entries(m.headers)) bytes += 10 + Buffer.byteLength(name) + Buffer.byteLength(value);
  return bytes;
}

/** The record batch header of a request's batch (61 bytes in the v2 format), rounded up. */
const BATCH_OVERHEAD = 100;

/**
 * The messages in their order, cut into requests of at most `limit` bytes each; a message larger
 * than the limit goes alone. Order holds: requests are sent one after the other.
 */
export function produceRequests<M extends Producible>(messages: readonly M[], limit: number = MAX_REQUEST_BYTES): M[][] {
  const requests: M[][] = [];
  let current: M[] = [];
  let bytes = BATCH_OVERHEAD;
  for (const m of messages) {
    const size = recordBytes(m);
    if (current.length > 0 && bytes + size > limit) {
      requests.push(current);
      current = [];
      bytes = BATCH_OVERHEAD;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

/** The broker refused a request for its size (MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE), however KafkaJS wrapped that. */
export function refusedForSize(error: unknown): boolean {
  for (let e = error as Record<string, unknown> | undefined, depth = 0; e && depth < 5; depth++) {
    if (e.type === 'MESSAGE_TOO_LARGE' || e.type === 'RECORD_LIST_TOO_LARGE') return true;
    e = (e.originalError ?? e.cause) as Record<string, unknown> | undefined;
  }
  return false;
}

/** A message the broker will not take, whatever request it travels in: the relay waits on it. */
export class UnsendableMessage extends Error {
  constructor(
    readonly messageId: string,
    readonly topic: string,
    readonly bytes: number,
  ) {
    super(
      `message ${messageId} (topic ${topic}, ${bytes} bytes) is larger than the broker takes for that topic: nothing after it is sent until the topic's max.message.bytes is raised above its size`,
    );
    this.name = 'UnsendableMessage';
  }
}
