import { logLevel } from 'kafkajs';
import { kafkajsLogLine } from './kafkajs-log';

const entry = (namespace: string, level: logLevel, message: string, error?: string) => ({ namespace, level, log: { timestamp: '2026-12-04T23:19:27.757Z', message, ...(error ? { error } : {}) } });

describe('kafkajsLogLine', () => {
  it('drops the broker error responses kafkajs retries itself (the start-up noise)', () => {
    expect(kafkajsLogLine(entry('Connection', logLevel.ERROR, 'Response Metadata(key: 3, version: 6)', 'This server does not host this topic-partition'))).toBeNull();
    expect(kafkajsLogLine(entry('Connection', logLevel.ERROR, 'Response CreateTopics(key: 19, version: 3)', 'Topic creation errors'))).toBeNull();
    expect(kafkajsLogLine(entry('Connection', logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)', 'The group coordinator is not available'))).toBeNull();
    expect(kafkajsLogLine(entry('Producer', logLevel.WARN, 'Limiting retries for the idempotent producer may invalidate EoS guarantees'))).toBeNull();
  });

  it('keeps what an operator must see, as one line', () => {
    expect(kafkajsLogLine(entry('BrokerPool', logLevel.ERROR, 'Failed to connect to seed broker, trying another broker from the list', 'Connection timeout'))).toBe(
      'kafkajs error: [BrokerPool] Failed to connect to seed broker, trying another broker from the list: Connection timeout',
    );
    expect(kafkajsLogLine(entry('Connection', logLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:9092'))).toBe('kafkajs error: [Connection] Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    expect(kafkajsLogLine(entry('Consumer', logLevel.WARN, 'Heartbeat failed'))).toBe('kafkajs warning: [Consumer] Heartbeat failed');
    expect(kafkajsLogLine(entry('Consumer', logLevel.INFO, 'Starting'))).toBeNull();
  });
});
