import { Kafka, logLevel } from 'kafkajs';

/**
 * Deletes every topic and consumer group whose name starts with `prefix` (a run's Kafka namespace):
 * a shared broker that keeps every test's topics gets slower with each run.
 */
export async function deleteKafkaNamespace(brokers: string[], prefix: string): Promise<void> {
  if (prefix.length < 4) throw new Error(`refusing to delete topics by the prefix "${prefix}"`);
  const admin = new Kafka({ clientId: 'g2g-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

export function kafkaBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
}
