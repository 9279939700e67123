import { describeError, isConnectionError } from '@g2g/event-store';
import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';

// The outbox relay and the consumers' crash handler describe Kafka's errors for their log line.
// KafkaJS gives its protocol errors a numeric `code` (the broker's error code), unlike PostgreSQL's
// SQLSTATE strings: describing one must give a line, never throw (a throw there is an unhandled
// rejection, and the process dies on it).

// what the broker answers a produce request larger than it takes (error code 10), as KafkaJS throws it
const tooLarge = () =>
  new KafkaJSProtocolError({ message: 'The request included a message larger than the max message size the server will accept', type: 'MESSAGE_TOO_LARGE', code: 10, retriable: false } as unknown as Error);

describe('errors of the Kafka client', () => {
  it('are described without throwing', () => {
    expect(() => describeError(tooLarge())).not.toThrow();
    expect(describeError(tooLarge())).toEqual(expect.any(String));
    expect(() => describeError(new KafkaJSNumberOfRetriesExceeded(tooLarge(), { retryCount: 5, retryTime: 1000 }))).not.toThrow();
  });

  it('are not taken for a lost database connection', () => {
    expect(isConnectionError(tooLarge())).toBe(false);
    expect(isConnectionError({ code: 8 })).toBe(false);
  });
});
