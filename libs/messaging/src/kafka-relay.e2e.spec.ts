import { enqueue, migrate, storeMigrations } from '@g2g/event-store';
import { TestDatabase, createTopicsWithLeaders, eventually, serverDatabase, uniqueSchema } from '@g2g/testing';
import { Admin, ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { KafkaTransport } from './kafka-transport';

// The outbox relay over the real broker, on a topic that takes less than the platform's messages
// may be (made by hand, or by an older version): what fits still goes, in order, whatever the size
// of the requests it had planned; a message the broker refuses even alone holds the relay up, and
// says so in the log and the readiness check, until the topic is raised and it goes too.

jest.setTimeout(120_000);

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const TOPIC_LIMIT = 64 * 1024;

describe('the outbox relay against a topic that takes less than its messages', () => {
  let t: TestDatabase;
  let admin: Admin;
  let transport: KafkaTransport;
  const schema = uniqueSchema('relay');
  const namespace = `${schema}.`;
  const topic = 'g2g.relay-test.filed.v1';
  const lines: string[] = [];

  beforeAll(async () => {
    t = await serverDatabase(4);
    await migrate(t.db, schema, storeMigrations);
    admin = new Kafka({ brokers, clientId: 'relay-test', logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await createTopicsWithLeaders(admin, [{ topic: namespace + topic, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'max.message.bytes', value: String(TOPIC_LIMIT) }] }]);
  });
  afterAll(async () => {
    await transport?.stop();
    await admin?.deleteTopics({ topics: [namespace + topic] }).catch(() => undefined);
    await admin?.disconnect();
    await t.db.query(`drop schema ${schema} cascade`).catch(() => undefined);
    await t?.close();
  });

  const delivered = async () => Number((await admin.fetchTopicOffsets(namespace + topic))[0].high);

  it('sends what fits in order, waits on what the broker refuses and says so, and goes on once the topic takes it', async () => {
    const small = Array.from({ length: 300 }, (_, i) => ({ topic, key: 'P1', value: { seq: i, text: 'x'.repeat(1_400) } }));
    const big = { topic, key: 'P1', value: { seq: 300, text: 'y'.repeat(200_000) } };
    await t.db.transaction(async (tx) => enqueue(tx, schema, [...small, big, { topic, key: 'P1', value: { seq: 301 } }]));

    transport = new KafkaTransport(t.db, { brokers, clientId: 'relay-test', relaySchemas: [schema], namespace, log: (line) => lines.push(line) });
    await transport.start();

    await eventually(async () => transport.problems().length > 0, 60_000, 'the relay to find the message it cannot send');
    expect(await delivered()).toBe(300);
    expect(transport.problems()).toEqual([expect.stringMatching(new RegExp(`^relay ${schema} outbox waits on message ${schema}:301 \\(topic ${topic.replaceAll('.', '\\.')}, \\d+ bytes\\)`))]);
    expect(lines.filter((l) => l.includes(`waits on message ${schema}:301`))).toHaveLength(1);
    expect(lines.some((l) => l.startsWith(`topic ${namespace}${topic} takes messages of at most ${TOPIC_LIMIT} bytes`))).toBe(true);

    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: namespace + topic, configEntries: [{ name: 'max.message.bytes', value: String(1 << 20) }] }] });
    await eventually(async () => (await delivered()) === 302, 60_000, 'the rest once the topic takes it');
    expect(transport.problems()).toEqual([]);
  });
});
