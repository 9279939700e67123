import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { MAX_REQUEST_BYTES, TOPIC_MAX_MESSAGE_BYTES, produceRequests, recordBytes, refusedForSize } from './produce-requests';

// The relay sends its messages in requests bounded by bytes: a broker takes no record batch above
// its topic's max.message.bytes (1,048,588 bytes unless set), and one request carries the messages
// of a partition as one batch.

const message = (i: number, valueBytes: number) => ({ key: 'P1', value: 'v'.repeat(valueBytes), headers: { 'g2g-message-id': `intake:${i}` } });

describe('produce requests of the outbox relay', () => {
  it('hold a thousand loan-filed messages of one programme in requests the broker takes, in their order', () => {
    const messages = Array.from({ length: 1_000 }, (_, i) => message(i, 1_400));
    const requests = produceRequests(messages);
    expect(requests.length).toBeGreaterThan(2);
    expect(requests.flat()).toEqual(messages);
    for (const r of requests) expect(r.reduce((n, m) => n + recordBytes(m), 0)).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    expect(MAX_REQUEST_BYTES).toBeLessThan(1_048_588);
  });

  it('send a message larger than a request alone, between the others', () => {
    const messages = [message(1, 10), message(2, 2 * MAX_REQUEST_BYTES), message(3, 10)];
    expect(produceRequests(messages).map((r) => r.map((m) => m.headers['g2g-message-id']))).toEqual([['intake:1'], ['intake:2'], ['intake:3']]);
  });

  it('give every topic room for the largest message the platform makes: a 2 MiB document on the dead letters', () => {
    expect(recordBytes({ key: 'P1', value: 'x'.repeat(2 * 1024 * 1024), headers: { 'g2g-dlq-error': 'e'.repeat(2_000), 'g2g-dlq-raw': 'r'.repeat(10_000) } })).toBeLessThan(TOPIC_MAX_MESSAGE_BYTES / 2);
  });

  it('know a refusal for size however the client wraps it', () => {
    const tooLarge = new KafkaJSProtocolError({ message: 'too large', type: 'MESSAGE_TOO_LARGE', code: 10, retriable: false } as unknown as Error);
    expect(refusedForSize(tooLarge)).toBe(true);
    expect(refusedForSize(new KafkaJSNumberOfRetriesExceeded(tooLarge, { retryCount: 1, retryTime: 1 }))).toBe(true);
    expect(refusedForSize(new Error('Connection error'))).toBe(false);
  });
});
