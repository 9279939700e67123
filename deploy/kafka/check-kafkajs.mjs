#!/usr/bin/env node
// Proves that kafkajs works against the broker started by deploy/kafka/kafka.sh.
//
//   deploy/kafka/kafka.sh start
//   node deploy/kafka/check-kafkajs.mjs          # KAFKA_BROKERS=127.0.0.1:9092 by default
//
// kafkajs is resolved from this file's location (the repo's node_modules) or,
// failing that, from the current directory's node_modules.
// Each check prints one line; the run ends with "N passed, N failed" and exits
// non-zero when a check failed. Topics and groups get a unique suffix, and the
// topics are deleted at the end.
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

async function loadKafkajs() {
  try {
    return await import('kafkajs');
  } catch (e) {
    try {
      return createRequire(`${process.cwd()}/`)('kafkajs');
    } catch {
      console.error('kafkajs not found: install it in the repo (npm install) or run from a directory whose node_modules has it');
      process.exit(2);
    }
  }
}

const kafkajs = await loadKafkajs();
const { Kafka, logLevel, Partitioners, CompressionTypes } = kafkajs.default ?? kafkajs;
const kafkajsVersion = (() => {
  try {
    const req = createRequire(import.meta.url);
    return req('kafkajs/package.json').version;
  } catch {
    try {
      return createRequire(`${process.cwd()}/`)('kafkajs/package.json').version;
    } catch {
      return '?';
    }
  }
})();

const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',').map((s) => s.trim()).filter(Boolean);
const run = `${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`;
const TOPIC = `g2g-check-${run}`;
const TXN_TOPIC = `g2g-check-txn-${run}`;
const GROUP = `g2g-check-group-${run}`;
const TXN_GROUP = `g2g-check-txn-group-${run}`;
const PARTITIONS = 4;
const STEP_TIMEOUT_MS = Number(process.env.CHECK_STEP_TIMEOUT_MS || 30000);

const kafkaLogs = [];
const kafka = new Kafka({
  clientId: 'g2g-check-kafkajs',
  brokers,
  connectionTimeout: 3000,
  retry: { retries: 3, initialRetryTime: 200 },
  logLevel: logLevel.WARN,
  logCreator: () => ({ namespace, level, log }) => {
    const { message, error } = log;
    kafkaLogs.push(`[${namespace}] ${message}${error ? `: ${error}` : ''}`);
  },
});

const results = [];
async function check(name, fn) {
  const t0 = Date.now();
  let timer;
  try {
    const detail = await Promise.race([
      fn(),
      new Promise((_, rej) => {
        timer = setTimeout(() => rej(new Error(`timed out after ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
      }),
    ]);
    results.push({ name, ok: true });
    console.log(`PASS ${name} (${Date.now() - t0} ms)${detail ? `: ${detail}` : ''}`);
    return true;
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name} (${Date.now() - t0} ms): ${e?.name ?? 'Error'}: ${e?.message ?? e}`);
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Consume from `topic` in `groupId` until `want(collected)` is true; returns messages.
async function consumeUntil({ groupId, topic, want, autoCommit = false, readUncommitted = false, onMessage }) {
  const consumer = kafka.consumer({
    groupId,
    readUncommitted,
    sessionTimeout: 10000,
    heartbeatInterval: 1000,
    maxWaitTimeInMs: 200,
  });
  const got = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let done;
  const finished = new Promise((r) => (done = r));
  await consumer.run({
    autoCommit,
    eachMessage: async ({ topic: t, partition, message }) => {
      const m = { topic: t, partition, offset: Number(message.offset), key: message.key?.toString(), value: message.value?.toString() };
      got.push(m);
      if (onMessage) await onMessage(m, consumer);
      if (want(got)) done();
    },
  });
  return { consumer, got, finished };
}

async function main() {
  console.log(`kafkajs ${kafkajsVersion} against ${brokers.join(',')} (topic ${TOPIC})`);
  const admin = kafka.admin();

  // ---------------------------------------------------------------- admin
  const connected = await check('admin.connect + describeCluster', async () => {
    await admin.connect();
    const c = await admin.describeCluster();
    assert(c.brokers.length >= 1, 'no brokers');
    return `clusterId=${c.clusterId} brokers=${c.brokers.map((b) => `${b.nodeId}@${b.host}:${b.port}`).join(',')} controller=${c.controller}`;
  });
  if (!connected) return;

  await check(`admin.createTopics (${PARTITIONS} partitions) + fetchTopicMetadata`, async () => {
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1 },
        { topic: TXN_TOPIC, numPartitions: PARTITIONS, replicationFactor: 1 },
      ],
    });
    assert(created === true, `createTopics returned ${created}`);
    const md = await admin.fetchTopicMetadata({ topics: [TOPIC] });
    const n = md.topics[0].partitions.length;
    assert(n === PARTITIONS, `expected ${PARTITIONS} partitions, got ${n}`);
    return `${n} partitions, leaders ${md.topics[0].partitions.map((p) => p.leader).join(',')}`;
  });

  await check('admin.listTopics', async () => {
    const topics = await admin.listTopics();
    assert(topics.includes(TOPIC), `${TOPIC} not listed`);
    return `${topics.length} topics`;
  });

  // ---------------------------------------------------------------- produce
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const batchA = Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 8}`, value: `A${i}` }));
  const batchB = Array.from({ length: 12 }, (_, i) => ({ key: `k${i % 8}`, value: `B${i}` }));
  const keyPartition = new Map();
  let autoTopic = null;

  await check('idempotent producer send (acks=-1, keyed, 20 msgs)', async () => {
    await producer.connect();
    const res = await producer.send({ topic: TOPIC, acks: -1, messages: batchA });
    const parts = res.map((r) => `p${r.partition}@${r.baseOffset}`).join(' ');
    assert(res.every((r) => r.errorCode === 0), `errors: ${JSON.stringify(res)}`);
    return parts;
  });

  await check('producer send with gzip compression', async () => {
    // Not part of the consumer checks below: goes to the txn topic's partition 3 and is skipped there.
    const res = await producer.send({
      topic: TXN_TOPIC,
      acks: -1,
      compression: CompressionTypes.GZIP,
      messages: [{ key: 'gz', value: 'gzip-payload', partition: 3 }],
    });
    return `p${res[0].partition}@${res[0].baseOffset}`;
  });

  // ---------------------------------------------------------------- consume + manual commit
  let committedHoldBack = null; // the one message deliberately left uncommitted
  await check('consumer group (autoCommit=false) consumes all + keys stick to one partition', async () => {
    const { consumer, got, finished } = await consumeUntil({ groupId: GROUP, topic: TOPIC, want: (g) => g.length >= batchA.length });
    await finished;
    await sleep(200);
    try {
      for (const m of got) {
        const p = keyPartition.get(m.key);
        assert(p === undefined || p === m.partition, `key ${m.key} in partitions ${p} and ${m.partition}`);
        keyPartition.set(m.key, m.partition);
      }
      assert(got.length === batchA.length, `expected ${batchA.length} messages, got ${got.length}`);
      const values = new Set(got.map((m) => m.value));
      assert(batchA.every((m) => values.has(m.value)), 'missing messages');

      // consumer.commitOffsets: commit next offset per partition, except hold back the
      // last message of the busiest partition (commit its own offset, not +1).
      const last = new Map();
      for (const m of got) last.set(m.partition, Math.max(last.get(m.partition) ?? -1, m.offset));
      const busiest = [...last.entries()].sort((a, b) => b[1] - a[1])[0][0];
      const offsets = [...last.entries()].map(([partition, off]) => ({
        topic: TOPIC,
        partition,
        offset: String(partition === busiest ? off : off + 1),
      }));
      committedHoldBack = got.find((m) => m.partition === busiest && m.offset === last.get(busiest));
      await consumer.commitOffsets(offsets);
      return `${got.length} msgs over partitions ${[...last.keys()].sort().join(',')}; committed ${offsets.map((o) => `p${o.partition}=${o.offset}`).join(' ')}`;
    } finally {
      await consumer.disconnect();
    }
  });

  await check('admin.fetchOffsets returns the committed offsets', async () => {
    const res = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    const parts = res[0].partitions;
    assert(parts.length === PARTITIONS, `expected ${PARTITIONS} partitions, got ${parts.length}`);
    const hold = parts.find((p) => p.partition === committedHoldBack?.partition);
    assert(hold && Number(hold.offset) === committedHoldBack.offset, `held-back partition offset ${hold?.offset} != ${committedHoldBack?.offset}`);
    return parts.map((p) => `p${p.partition}=${p.offset}`).join(' ');
  });

  await check('restarted consumer resumes from committed offsets', async () => {
    await producer.send({ topic: TOPIC, acks: -1, messages: batchB });
    const expected = batchB.length + 1; // batch B + the held-back message
    const { consumer, got, finished } = await consumeUntil({ groupId: GROUP, topic: TOPIC, want: (g) => g.length >= expected });
    await finished;
    await sleep(1500); // anything extra (re-delivered batch A) would show up here
    try {
      const values = got.map((m) => m.value);
      assert(values.includes(committedHoldBack.value), `held-back ${committedHoldBack.value} not re-delivered`);
      const unexpected = values.filter((v) => v.startsWith('A') && v !== committedHoldBack.value);
      assert(unexpected.length === 0, `re-delivered already committed messages: ${unexpected.join(',')}`);
      assert(got.length === expected, `expected ${expected} messages, got ${got.length}`);
      return `got ${got.length}: held-back ${committedHoldBack.value} + ${batchB.length} new, no committed message re-delivered`;
    } finally {
      await consumer.disconnect();
    }
  });

  await check('two consumers in one group split the partitions (JoinGroup/SyncGroup rebalance)', async () => {
    const g = `${GROUP}-pair`;
    const mk = () => kafka.consumer({ groupId: g, sessionTimeout: 10000, heartbeatInterval: 500, rebalanceTimeout: 10000, maxWaitTimeInMs: 200 });
    const c1 = mk();
    const c2 = mk();
    const assigned = new Map();
    const track = (name, c) =>
      c.on(c.events.GROUP_JOIN, (e) => {
        assigned.set(name, e.payload.memberAssignment[TOPIC] ?? []);
      });
    track('c1', c1);
    track('c2', c2);
    try {
      for (const c of [c1, c2]) {
        await c.connect();
        await c.subscribe({ topics: [TOPIC], fromBeginning: true });
        await c.run({ autoCommit: false, eachMessage: async () => {} });
      }
      const deadline = Date.now() + 25000;
      while (Date.now() < deadline) {
        const a1 = assigned.get('c1') ?? [];
        const a2 = assigned.get('c2') ?? [];
        if (a1.length && a2.length && a1.length + a2.length === PARTITIONS) {
          return `c1=[${a1}] c2=[${a2}]`;
        }
        await sleep(200);
      }
      throw new Error(`assignment not split: ${JSON.stringify(Object.fromEntries(assigned))}`);
    } finally {
      await Promise.allSettled([c1.disconnect(), c2.disconnect()]);
    }
  });

  await check('admin.listGroups + describeGroups', async () => {
    const { groups } = await admin.listGroups();
    assert(groups.some((g) => g.groupId === GROUP), `${GROUP} not listed`);
    const d = await admin.describeGroups([GROUP]);
    return `${groups.length} groups; ${GROUP} state=${d.groups[0].state} protocolType=${d.groups[0].protocolType}`;
  });

  await check('admin.fetchTopicOffsets (ListOffsets)', async () => {
    const offs = await admin.fetchTopicOffsets(TOPIC);
    const total = offs.reduce((s, p) => s + Number(p.high) - Number(p.low), 0);
    assert(total === batchA.length + batchB.length, `expected ${batchA.length + batchB.length} records, got ${total}`);
    return offs.map((p) => `p${p.partition}=${p.low}..${p.high}`).join(' ');
  });

  await check('auto-created topic (producer to unknown topic) gets num.partitions', async () => {
    const auto = `${TOPIC}-auto`;
    autoTopic = auto;
    await producer.send({ topic: auto, acks: -1, messages: [{ key: 'a', value: 'auto' }] });
    const md = await admin.fetchTopicMetadata({ topics: [auto] });
    return `${auto}: ${md.topics[0].partitions.length} partitions`;
  });

  await producer.disconnect();

  // ---------------------------------------------------------------- transactions
  const txProducer = kafka.producer({
    transactionalId: `g2g-check-tx-${run}`,
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  let txConnected = false;
  await check('transactional producer: send + commit', async () => {
    await txProducer.connect();
    txConnected = true;
    const txn = await txProducer.transaction();
    try {
      await txn.send({ topic: TXN_TOPIC, messages: [0, 1, 2].map((i) => ({ key: `t${i}`, value: `committed-${i}`, partition: i % 3 })) });
      await txn.commit();
    } catch (e) {
      await txn.abort().catch(() => {});
      throw e;
    }
    return '3 msgs committed';
  });

  await check('transactional producer: send + abort', async () => {
    const txn = await txProducer.transaction();
    await txn.send({ topic: TXN_TOPIC, messages: [{ key: 'x', value: 'aborted-0', partition: 0 }] });
    await txn.abort();
    return 'aborted';
  });

  await check('read_committed consumer sees committed, not aborted', async () => {
    const { consumer, got, finished } = await consumeUntil({
      groupId: `${TXN_GROUP}-reader`,
      topic: TXN_TOPIC,
      autoCommit: true,
      want: (g) => g.filter((m) => m.value.startsWith('committed-')).length >= 3,
    });
    await finished;
    await sleep(1000);
    await consumer.disconnect();
    const values = got.map((m) => m.value);
    assert(!values.includes('aborted-0'), 'aborted message visible to read_committed consumer');
    return `saw ${values.filter((v) => v.startsWith('committed-')).length} committed, 0 aborted`;
  });

  await check('transaction.sendOffsets (consume-transform-produce) + commit', async () => {
    // Offsets for TOPIC committed to TXN_GROUP through the transaction coordinator.
    const offsets = [0, 1, 2, 3].map((partition) => ({ partition, offset: String(partition + 1) }));
    const txn = await txProducer.transaction();
    try {
      await txn.send({ topic: TXN_TOPIC, messages: [{ key: 'eos', value: 'transformed', partition: 1 }] });
      await txn.sendOffsets({ consumerGroupId: TXN_GROUP, topics: [{ topic: TOPIC, partitions: offsets }] });
      await txn.commit();
    } catch (e) {
      await txn.abort().catch(() => {});
      throw e;
    }
    // The commit is visible through admin.fetchOffsets once the markers are written.
    const deadline = Date.now() + 10000;
    let seen;
    while (Date.now() < deadline) {
      const res = await admin.fetchOffsets({ groupId: TXN_GROUP, topics: [TOPIC] });
      seen = res[0].partitions;
      if (offsets.every((o) => seen.find((p) => p.partition === o.partition)?.offset === o.offset)) {
        return `fetchOffsets(${TXN_GROUP}) = ${seen.map((p) => `p${p.partition}=${p.offset}`).join(' ')}`;
      }
      await sleep(300);
    }
    throw new Error(`offsets not committed: ${JSON.stringify(seen)}`);
  });

  if (txConnected) await txProducer.disconnect().catch(() => {});

  // ---------------------------------------------------------------- cleanup
  await check('admin.deleteGroups + deleteTopics (cleanup)', async () => {
    await admin.deleteGroups([GROUP, `${GROUP}-pair`, TXN_GROUP, `${TXN_GROUP}-reader`]).catch((e) => {
      throw new Error(`deleteGroups: ${e.message} ${JSON.stringify(e.groups ?? '')}`);
    });
    await admin.deleteTopics({ topics: [TOPIC, TXN_TOPIC, ...(autoTopic ? [autoTopic] : [])] });
    return 'deleted';
  });

  await admin.disconnect();
}

try {
  await main();
} catch (e) {
  results.push({ name: 'unexpected error', ok: false });
  console.log(`FAIL unexpected error: ${e?.stack ?? e}`);
}
const failed = results.filter((r) => !r.ok).length;
if (failed && kafkaLogs.length) {
  console.log('--- kafkajs warnings/errors ---');
  for (const l of kafkaLogs.slice(-30)) console.log(l);
}
console.log(`kafkajs: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
