import { Database } from '@g2g/event-store';
import { deadLetterTopic } from '@g2g/messaging';
import { ensureDatabase } from '@g2g/platform';
import { ServiceProcess, deleteKafkaNamespace, eventually, startServiceProcess } from '@g2g/testing';
import { Kafka, logLevel } from 'kafkajs';
import { join } from 'node:path';

// Two service processes (test/fixtures/tick-services.ts) over real Kafka and PostgreSQL.
const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
const producerSchema = `e2e_p_${run}`;
const consumerSchema = `e2e_c_${run}`;
const tickTopic = `g2g.${producerSchema.replaceAll('_', '-')}.tick.v1`;
const databaseUrl = process.env.E2E_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/g2g_e2e';
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const entry = join(__dirname, '../dist/test/fixtures/main.js');
const env = { E2E_RUN: run, DATABASE_URL: databaseUrl, KAFKA_BROKERS: brokers.join(','), PORT: '0' };

describe('messaging over Kafka between service processes', () => {
  let db: Database;
  let producer: ServiceProcess;
  let consumer: ServiceProcess | undefined;

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    db = await Database.connect({ url: databaseUrl, poolSize: 2 });
    [producer, consumer] = await Promise.all([
      startServiceProcess(entry, ['producer'], env),
      startServiceProcess(entry, ['consumer'], env),
    ]);
  }, 120_000);

  afterAll(async () => {
    await consumer?.stop();
    await producer?.stop();
    await db?.close();
    for (const schema of [producerSchema, consumerSchema]) await deleteKafkaNamespace(brokers, `g2g.${schema.replaceAll('_', '-')}.`).catch(() => undefined);
  });

  const count = async (sql: string) => Number((await db.query<{ n: string }>(sql))[0].n);
  const effects = () => count(`select count(*) as n from ${consumerSchema}.effects`);

  async function record(body: object) {
    const res = await fetch(`${producer.url}/ticks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(201);
  }

  it('gives each of 10,000 events exactly one effect although the consumer is killed mid-stream', async () => {
    const total = 10_000;
    await record({ from: 0, count: total });
    await eventually(async () => (await effects()) >= 1_500, 60_000, 'the consumer to be part-way');
    const before = await effects();
    await consumer!.kill(); // SIGKILL: whatever it had in hand is lost with it
    expect(before).toBeLessThan(total);

    consumer = await startServiceProcess(entry, ['consumer'], env);
    await eventually(async () => (await effects()) >= total, 120_000, 'all effects after restart');
    // let any redelivery land before counting duplicates: the consumer group has caught up
    await eventually(async () => (await lag()) === 0, 60_000, 'the consumer group to catch up');

    const [row] = await db.query<{ n: string; distinct_seq: string; min: number; max: number }>(
      `select count(*) as n, count(distinct seq) as distinct_seq, min(seq) as min, max(seq) as max from ${consumerSchema}.effects`,
    );
    expect(row).toEqual({ n: String(total), distinct_seq: String(total), min: 0, max: total - 1 });
    // and per key, in the order produced
    const [{ n: outOfOrder }] = await db.query<{ n: string }>(
      `select count(*) as n from (select seq < lag(seq) over (partition by key order by id) as back from ${consumerSchema}.effects) x where back`,
    );
    expect(outOfOrder).toBe('0');
  }, 300_000);

  it('parks a poison message and a message that is not JSON on the dead-letter topic, and keeps going', async () => {
    const start = await effects();
    const kafka = new Kafka({ brokers, clientId: 'e2e-test', logLevel: logLevel.ERROR });
    const raw = kafka.producer();
    await raw.connect();
    await raw.send({ topic: tickTopic, messages: [{ key: 'k1', value: '{"seq": 99999, oops' }] });
    await raw.disconnect();
    await record({ from: 20_000, count: 3, poison: [20_001] });

    const dead = await readTopic(kafka, deadLetterTopic(consumerSchema), 2);
    expect(dead.map((m) => m.headers['g2g-dlq-error']).sort()).toEqual([
      expect.stringContaining('malformed message'),
      'tick 20001 is poison',
    ].sort());
    expect(dead.every((m) => m.headers['g2g-dlq-consumer'] === `${consumerSchema}.ticks`)).toBe(true);

    await eventually(async () => (await effects()) === start + 2, 60_000, 'the good ticks');
    const seqs = await db.query<{ seq: number }>(`select seq from ${consumerSchema}.effects where seq >= 20000 order by seq`);
    expect(seqs.map((r) => r.seq)).toEqual([20_000, 20_002]);
  }, 120_000);

  async function lag(): Promise<number> {
    const kafka = new Kafka({ brokers, clientId: 'e2e-lag', logLevel: logLevel.ERROR });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(tickTopic);
      const [committed] = await admin.fetchOffsets({ groupId: `${consumerSchema}.ticks`, topics: [tickTopic] });
      let behind = 0;
      for (const p of ends) {
        const c = committed.partitions.find((x) => x.partition === p.partition);
        behind += Number(p.offset) - Math.max(0, Number(c?.offset ?? 0));
      }
      return behind;
    } finally {
      await admin.disconnect();
    }
  }
});

async function readTopic(kafka: Kafka, topic: string, want: number): Promise<{ value: string; headers: Record<string, string> }[]> {
  const got: { value: string; headers: Record<string, string> }[] = [];
  const consumer = kafka.consumer({ groupId: `e2e-reader-${run}-${topic}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      got.push({ value: message.value?.toString() ?? '', headers });
    },
  });
  try {
    await eventually(() => got.length >= want, 60_000, `${want} messages on ${topic}`);
    return got;
  } finally {
    await consumer.disconnect();
  }
}
