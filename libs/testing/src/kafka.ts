import { Admin, ITopicConfig, Kafka, logLevel } from 'kafkajs';

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

/**
 * Creates topics and waits until each partition has a leader. kafkajs's own `waitForLeaders` asks
 * one broker for metadata at once and gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker
 * answers for a moment after it created the topic; this asks again until the metadata is there.
 */
export async function createTopicsWithLeaders(admin: Admin, topics: ITopicConfig[], timeoutMs = 30_000): Promise<void> {
  await admin.createTopics({ waitForLeaders: false, topics });
  const names = topics.map((t) => t.topic);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await admin
      .fetchTopicMetadata({ topics: names })
      .then(({ topics: described }) => described.length === names.length && described.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)))
      .catch(() => false);
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`topics ${names.join(', ')} have no leader after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
