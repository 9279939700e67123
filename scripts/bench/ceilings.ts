import { Consumer, EachBatchPayload, Kafka, logLevel } from 'kafkajs';
import { createTopicsWithLeaders } from '@g2g/testing';
import { Client } from 'pg';
import { SampleMessage } from './sample-messages';

/**
 * What the broker and the database do with the platform's own message shape when nothing else is
 * in the way: the ceiling the end-to-end figure is compared with.
 */

export const BATCH = 1000;

export interface KafkaCeiling {
  messages: number;
  partitions: number;
  avgValueBytes: number;
  produce: { seconds: number; perSecond: number };
  consume: { seconds: number; perSecond: number; joinSeconds: number };
  together: { seconds: number; perSecond: number };
}

export interface PostgresCeiling {
  rows: number;
  avgValueBytes: number;
  seconds: number;
  perSecond: number;
}

/**
 * Kafka with the platform's client settings: idempotent producer (acks -1, one request in flight)
 * sending 1,000 messages per request, as the outbox relay does; a consumer group with the
 * platform's consumer settings, no auto-commit, offsets committed after every batch.
 * Three measurements: produce alone, then consume those messages alone, then both at once on a
 * second topic (the consumer already in its group) until the consumer has every message.
 */
export async function kafkaCeiling(o: {
  brokers: string[];
  namespace: string;
  count: number;
  samples: readonly SampleMessage[];
  partitions?: number;
  log: (line: string) => void;
}): Promise<KafkaCeiling> {
  const partitions = o.partitions ?? 4;
  const kafka = new Kafka({ clientId: 'g2g-bench-ceiling', brokers: o.brokers, logLevel: logLevel.ERROR, retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5_000 } });
  const admin = kafka.admin();
  await admin.connect();
  const topicA = `${o.namespace}ceiling.produce-then-consume`;
  const topicB = `${o.namespace}ceiling.together`;
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  const consumers: Consumer[] = [];
  try {
    await createTopicsWithLeaders(admin, [topicA, topicB].map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })));
    await producer.connect();

    const produceAll = async (topic: string) => {
      for (let from = 0; from < o.count; from += BATCH) {
        const messages = [];
        for (let i = from; i < Math.min(o.count, from + BATCH); i++) {
          const s = o.samples[i % o.samples.length];
          messages.push({ key: `${s.key}#${i}`, value: s.value, headers: { 'g2g-message-id': `ceiling:${i}` } });
        }
        await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
      }
    };

    /** A consumer in its own group; resolves `done` when it has seen `count` messages. */
    const startConsumer = async (topic: string, group: string) => {
      const consumer = kafka.consumer({
        groupId: group,
        sessionTimeout: 30_000,
        heartbeatInterval: 3_000,
        allowAutoTopicCreation: false,
        maxBytesPerPartition: 1 << 20,
        maxWaitTimeInMs: 250,
      });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      let seen = 0;
      let firstAt = 0;
      let finish: (at: number) => void = () => undefined;
      const done = new Promise<number>((r) => (finish = r));
      const joined = new Promise<number>((r) => consumer.on(consumer.events.GROUP_JOIN, () => r(performance.now())));
      const runAt = performance.now();
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 2,
        eachBatch: async ({ batch, resolveOffset, heartbeat }: EachBatchPayload) => {
          if (batch.messages.length === 0) return;
          if (firstAt === 0) firstAt = performance.now();
          const last = batch.messages[batch.messages.length - 1];
          resolveOffset(last.offset);
          await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
          await heartbeat();
          seen += batch.messages.length;
          if (seen >= o.count) finish(performance.now());
        },
      });
      return { done, joined, runAt, firstAt: () => firstAt };
    };

    o.log(`Kafka ceiling: producing ${o.count.toLocaleString('en-US')} messages to ${topicA}`);
    const p0 = performance.now();
    await produceAll(topicA);
    const produceSeconds = (performance.now() - p0) / 1000;

    o.log('Kafka ceiling: consuming them in a new group');
    const c = await startConsumer(topicA, `${o.namespace}ceiling.consume`);
    const consumedAt = await c.done;
    const joinSeconds = (c.firstAt() - c.runAt) / 1000;
    const consumeSeconds = (consumedAt - c.firstAt()) / 1000;

    o.log('Kafka ceiling: producing and consuming at once');
    const t = await startConsumer(topicB, `${o.namespace}ceiling.together`);
    await t.joined;
    await new Promise((r) => setTimeout(r, 500)); // partitions assigned, first fetch outstanding
    const b0 = performance.now();
    await produceAll(topicB);
    const togetherSeconds = ((await t.done) - b0) / 1000;

    return {
      messages: o.count,
      partitions,
      avgValueBytes: Math.round(o.samples.reduce((s, m) => s + Buffer.byteLength(m.value), 0) / o.samples.length),
      produce: { seconds: produceSeconds, perSecond: o.count / produceSeconds },
      consume: { seconds: consumeSeconds, perSecond: o.count / consumeSeconds, joinSeconds },
      together: { seconds: togetherSeconds, perSecond: o.count / togetherSeconds },
    };
  } finally {
    await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)));
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [topicA, topicB] }).catch(() => undefined);
    await admin.deleteGroups([`${o.namespace}ceiling.consume`, `${o.namespace}ceiling.together`]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * PostgreSQL inserts of rows shaped like the platform's outbox (an identity key, two text columns,
 * the message as jsonb, a timestamp), 1,000 rows per `insert ... select * from unnest(...)`, one
 * transaction per statement, on one connection.
 */
export async function postgresCeiling(o: { databaseUrl: string; count: number; samples: readonly SampleMessage[]; log: (line: string) => void }): Promise<PostgresCeiling> {
  const sql = new Client({ connectionString: o.databaseUrl, application_name: 'g2g-bench-ceiling' });
  sql.on('error', () => undefined); // the database is dropped under it on Ctrl-C
  await sql.connect();
  try {
    await sql.query(`create schema if not exists bench_ceiling`);
    await sql.query(`drop table if exists bench_ceiling.messages`);
    await sql.query(`
      create table bench_ceiling.messages (
        position bigint generated always as identity primary key,
        seq bigint not null,
        topic text not null,
        key text not null,
        value jsonb not null,
        recorded_at timestamptz not null default now()
      )`);
    o.log(`PostgreSQL ceiling: inserting ${o.count.toLocaleString('en-US')} rows`);
    const t0 = performance.now();
    for (let from = 0; from < o.count; from += BATCH) {
      const seq: string[] = [];
      const keys: string[] = [];
      const values: string[] = [];
      for (let i = from; i < Math.min(o.count, from + BATCH); i++) {
        const s = o.samples[i % o.samples.length];
        seq.push(String(i));
        keys.push(`${s.key}#${i}`);
        values.push(s.value);
      }
      await sql.query('begin');
      await sql.query(
        `insert into bench_ceiling.messages (seq, topic, key, value)
         select s, 'g2g.intake.loan-filed.v1', k, v from unnest($1::bigint[], $2::text[], $3::jsonb[]) as t(s, k, v)`,
        [seq, keys, values],
      );
      await sql.query('commit');
    }
    const seconds = (performance.now() - t0) / 1000;
    await sql.query(`drop schema bench_ceiling cascade`);
    return {
      rows: o.count,
      avgValueBytes: Math.round(o.samples.reduce((s, m) => s + Buffer.byteLength(m.value), 0) / o.samples.length),
      seconds,
      perSecond: o.count / seconds,
    };
  } finally {
    await sql.end().catch(() => undefined);
  }
}
