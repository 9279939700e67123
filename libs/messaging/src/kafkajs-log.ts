import { LogEntry, logLevel } from 'kafkajs';

/**
 * Which of kafkajs's log entries an operator sees, and how. kafkajs logs every error response of
 * the broker at ERROR from its connection ("[Connection] Response Metadata ... This server does not
 * host this topic-partition", "The group coordinator is not available") and then retries the
 * request itself: at start-up, while topics are being created and the group coordinator loads,
 * that is a screen of ERROR lines for nothing that failed. What does fail surfaces as an error the
 * transport handles and logs in its own words (a crashed consumer, a relay that cannot send). So
 * the connection's response errors are dropped, and so is kafkajs's warning about limited retries
 * of the idempotent producer: the limit is deliberate (the relay sends again from the outbox,
 * docs/adr/0004-kafka-delivery.md). Everything else at WARN or ERROR is kept, as one line.
 */
export function kafkajsLogLine(entry: Pick<LogEntry, 'namespace' | 'level' | 'log'>): string | null {
  if (entry.level !== logLevel.ERROR && entry.level !== logLevel.WARN) return null;
  const { message, error } = entry.log;
  if (entry.namespace === 'Connection' && /^Response /.test(message)) return null;
  if (entry.namespace === 'Producer' && message.startsWith('Limiting retries for the idempotent producer')) return null;
  const level = entry.level === logLevel.ERROR ? 'error' : 'warning';
  return `kafkajs ${level}: ${entry.namespace ? `[${entry.namespace}] ` : ''}${message}${error ? `: ${String(error)}` : ''}`;
}
