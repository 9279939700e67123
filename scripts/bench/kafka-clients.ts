import { Consumer as PlatformaticConsumer, ProduceAcks, Producer as PlatformaticProducer, stringDeserializer } from '@platformatic/kafka';
import type { Message as PlatformaticMessage } from '@platformatic/kafka';
import { EachBatchPayload, IHeaders, Kafka, logLevel } from 'kafkajs';
import { createTopicsWithLeaders } from '@g2g/testing';
import { Defer, brokersFromEnv, cpuMicrosSince, fmt, loadAverage, packageVersion, parseOptions, splitList, stamp, runMain, table, withCleanup } from './tool-kit';

/**
 * kafkajs (the platform's client) against @platformatic/kafka (1.x, the last line for Node 20) on
 * the same broker, with the same messages and the same settings: idempotent producer, acks all,
 * one send of up to 1,000 messages in flight; a consumer group in which offsets are committed
 * after each batch (not auto-committed), 1 MB per partition per fetch, 250 ms max wait.
 *
 * Two shapes of the same N loans:
 *   per-loan  one message of ~500 bytes (a loan as a JSON object) per loan
 *   chunk     one message of ~300 KB per 1,000 loans (a columnar JSON object: arrays of strings)
 *
 * Each client produces the messages to a fresh topic (4 partitions), then a new group of that
 * client consumes them. Printed: messages/s and loans/s of each phase, and the CPU microseconds
 * per loan this process spent in it (process.cpuUsage; the messages are made before the clock
 * starts). The consumer checks that every message arrives exactly once and, per key, in order
 * (headers g2g-index and g2g-seq), and that as many value bytes arrive as were sent.
 *
 *   npm run bench:kafka-clients -- [--loans N] [--brokers B] [--shapes per-loan,chunk] [--clients kafkajs,platformatic] [--json]
 */

export type ClientName = 'kafkajs' | 'platformatic';
export type Shape = 'per-loan' | 'chunk';

export const LOANS_PER_CHUNK = 1_000;
const KEYS = 16;
const SEND_MESSAGES = 1_000;
const MAX_BYTES_PER_PARTITION = 1 << 20;
const MAX_WAIT_MS = 250;

export interface PhaseFigures {
  seconds: number;
  messagesPerSecond: number;
  loansPerSecond: number;
  cpuMicrosPerLoan: number;
}

export interface ClientCase {
  client: ClientName;
  shape: Shape;
  loans: number;
  messages: number;
  avgMessageBytes: number;
  produce: PhaseFigures;
  /** from the first message to the last (joining the group left out) */
  consume: PhaseFigures & { joinSeconds: number };
  check: { received: number; duplicates: number; missing: number; outOfOrder: number; bytesMatch: boolean; ok: boolean };
}

export interface KafkaClientsComparison {
  brokers: string[];
  versions: { kafkajs: string; platformatic: string };
  cases: ClientCase[];
  loadAverage: { before: string; after: string };
}

// ------------------------------------------------------------------ the messages

const BANKS = ['ICBC', 'BOC', 'CCB', 'ABC'];
const NAMES = ['北京华信科技有限公司', '北京东方农业发展有限公司', '北京新程物流有限公司', '北京明德食品有限公司'];

/** The fields of loan n, as strings (the columnar chunk holds arrays of these). */
function loanFields(n: number): Record<string, string> {
  const bank = BANKS[n % BANKS.length];
  return {
    loanId: `${bank}-1-${String(n).padStart(8, '0')}`,
    bank,
    programme: 'NFGF-G2G-BJ-2025',
    borrowerId: `91110108${String(100_000_000 + ((n * 7_919) % 900_000_000)).padStart(9, '0')}X`,
    borrowerName: NAMES[n % NAMES.length],
    industry: 'CDEFG'[n % 5],
    principal: `${100_000 + ((n * 7_919) % 9_900_000)}.00`,
    rate: `${(3 + (n % 200) / 100).toFixed(2)}`,
    term: String(12 + (n % 25)),
    issuedOn: `2025-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`,
    maturesOn: `2026-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`,
    guaranteeRatio: '0.80',
    region: '110108',
    address: `北京市海淀区中关村大街${1 + (n % 99)}号`,
    contractNo: `HT-2025-${bank}-${String(n).padStart(8, '0')}`,
    accountNo: `62220202${String(10_000_000_000 + n).slice(-11)}`,
    officer: `E${String(n % 10_000).padStart(7, '0')}`,
    purpose: 'working capital',
  };
}

/** A loan as one JSON object (~500 bytes). */
export function perLoanValue(n: number): Buffer {
  return Buffer.from(JSON.stringify({ type: 'loan-filed', v: 1, row: n, ...loanFields(n) }));
}

/** 1,000 loans as one columnar JSON object: { field: [value of loan 1, value of loan 2, ...] } (~300 KB). */
export function chunkValue(first: number, count: number): Buffer {
  const columns: Record<string, string[]> = {};
  for (let n = first; n < first + count; n++) {
    for (const [k, v] of Object.entries(loanFields(n))) (columns[k] ??= []).push(v);
  }
  return Buffer.from(JSON.stringify({ type: 'loans-filed', v: 1, first, count, columns }));
}

interface Prepared {
  shape: Shape;
  loans: number;
  messages: number;
  /** the value of message i: a few distinct values reused round-robin (building them is not what is measured) */
  valueOf: (i: number) => Buffer;
  /** value bytes of all the messages */
  bytes: number;
}

function prepare(shape: Shape, loans: number): Prepared {
  if (shape === 'per-loan') {
    const values = Array.from({ length: Math.min(loans, 1_000) }, (_, i) => perLoanValue(i + 1));
    const valueOf = (i: number) => values[i % values.length];
    return { shape, loans, messages: loans, valueOf, bytes: sumBytes(loans, valueOf) };
  }
  const messages = Math.ceil(loans / LOANS_PER_CHUNK);
  const full = Array.from({ length: Math.min(messages, 8) }, (_, i) => chunkValue(i * LOANS_PER_CHUNK + 1, LOANS_PER_CHUNK));
  const lastCount = loans - (messages - 1) * LOANS_PER_CHUNK;
  const last = lastCount < LOANS_PER_CHUNK ? chunkValue((messages - 1) * LOANS_PER_CHUNK + 1, lastCount) : null;
  const valueOf = (i: number) => (last && i === messages - 1 ? last : full[i % full.length]);
  return { shape, loans, messages, valueOf, bytes: sumBytes(messages, valueOf) };
}

function sumBytes(messages: number, valueOf: (i: number) => Buffer): number {
  let bytes = 0;
  for (let i = 0; i < messages; i++) bytes += valueOf(i).length;
  return bytes;
}

/** Message i: key k(i mod 16), its sequence number within the key, and its index. */
function keyOf(i: number): string {
  return `k${i % KEYS}`;
}
function seqOf(i: number): number {
  return Math.floor(i / KEYS);
}
/** Messages per send: 1,000 small ones; chunks one at a time (1 MB is the broker's batch limit). */
function perSend(p: Prepared): number {
  return p.shape === 'per-loan' ? SEND_MESSAGES : 1;
}

/** Receipt bookkeeping: once each, in order per key, all the bytes. */
class Checker {
  private readonly seen: Uint8Array;
  private readonly nextSeq = new Array<number>(KEYS).fill(0);
  received = 0;
  duplicates = 0;
  outOfOrder = 0;
  bytes = 0;
  constructor(private readonly p: Prepared) {
    this.seen = new Uint8Array(p.messages);
  }
  take(key: string, index: number, seq: number, valueBytes: number): void {
    this.received++;
    this.bytes += valueBytes;
    if (this.seen[index]++ > 0) this.duplicates++;
    const k = Number(key.slice(1));
    if (seq !== this.nextSeq[k]) this.outOfOrder++;
    this.nextSeq[k] = seq + 1;
  }
  get distinct(): number {
    let n = 0;
    for (const s of this.seen) if (s > 0) n++;
    return n;
  }
  result(): ClientCase['check'] {
    const missing = this.p.messages - this.distinct;
    const bytesMatch = this.duplicates === 0 ? this.bytes === this.p.bytes : false;
    return { received: this.received, duplicates: this.duplicates, missing, outOfOrder: this.outOfOrder, bytesMatch, ok: missing === 0 && this.duplicates === 0 && this.outOfOrder === 0 && bytesMatch };
  }
}

// ------------------------------------------------------------------ the two clients

interface ClientUnderTest {
  produce(topic: string, p: Prepared): Promise<void>;
  /** consumes until `checker` has every message; resolves the time of the first message */
  consume(topic: string, group: string, p: Prepared, checker: Checker, timeoutMs: number): Promise<{ startedAt: number; firstAt: number; lastAt: number }>;
}

function kafkajsClient(brokers: string[]): ClientUnderTest {
  const kafka = new Kafka({ clientId: 'g2g-kafka-clients', brokers, logLevel: logLevel.ERROR });
  return {
    async produce(topic, p) {
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await producer.connect();
      try {
        const step = perSend(p);
        for (let from = 0; from < p.messages; from += step) {
          const messages = [];
          for (let i = from; i < Math.min(p.messages, from + step); i++) {
            messages.push({ key: keyOf(i), value: p.valueOf(i), headers: { 'g2g-index': String(i), 'g2g-seq': String(seqOf(i)) } });
          }
          await producer.send({ topic, acks: -1, messages });
        }
      } finally {
        await producer.disconnect();
      }
    },
    async consume(topic, group, p, checker, timeoutMs) {
      const consumer = kafka.consumer({ groupId: group, sessionTimeout: 30_000, heartbeatInterval: 3_000, allowAutoTopicCreation: false, maxBytesPerPartition: MAX_BYTES_PER_PARTITION, maxWaitTimeInMs: MAX_WAIT_MS });
      const startedAt = performance.now();
      let firstAt = 0;
      let lastAt = 0;
      let finish: () => void = () => undefined;
      const done = new Promise<void>((r) => (finish = r));
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: 1,
          eachBatch: async ({ batch, resolveOffset, heartbeat }: EachBatchPayload) => {
            if (batch.messages.length === 0) return;
            if (firstAt === 0) firstAt = performance.now();
            for (const m of batch.messages) {
              const h = m.headers as IHeaders;
              checker.take(m.key!.toString(), Number(h['g2g-index']!.toString()), Number(h['g2g-seq']!.toString()), m.value!.length);
              resolveOffset(m.offset);
            }
            const last = batch.messages[batch.messages.length - 1];
            await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
            await heartbeat();
            if (checker.received >= p.messages) {
              lastAt = performance.now();
              finish();
            }
          },
        });
        await withTimeout(done, timeoutMs, () => `kafkajs consumer: ${checker.received} of ${p.messages} messages after ${timeoutMs / 1000} s`);
        return { startedAt, firstAt, lastAt };
      } finally {
        await consumer.disconnect();
      }
    },
  };
}

function platformaticClient(brokers: string[]): ClientUnderTest {
  return {
    async produce(topic, p) {
      const producer = new PlatformaticProducer({ clientId: 'g2g-kafka-clients', bootstrapBrokers: brokers, idempotent: true, acks: ProduceAcks.ALL, autocreateTopics: false });
      try {
        const step = perSend(p);
        const keys = Array.from({ length: KEYS }, (_, k) => Buffer.from(`k${k}`));
        for (let from = 0; from < p.messages; from += step) {
          const messages = [];
          for (let i = from; i < Math.min(p.messages, from + step); i++) {
            messages.push({
              topic,
              key: keys[i % KEYS],
              value: p.valueOf(i),
              headers: new Map([
                [Buffer.from('g2g-index'), Buffer.from(String(i))],
                [Buffer.from('g2g-seq'), Buffer.from(String(seqOf(i)))],
              ]),
            });
          }
          await producer.send({ messages });
        }
      } finally {
        await producer.close();
      }
    },
    async consume(topic, group, p, checker, timeoutMs) {
      const consumer = new PlatformaticConsumer({
        clientId: 'g2g-kafka-clients',
        bootstrapBrokers: brokers,
        groupId: group,
        sessionTimeout: 30_000,
        heartbeatInterval: 3_000,
        deserializers: { key: stringDeserializer, headerKey: stringDeserializer, headerValue: stringDeserializer },
      });
      const startedAt = performance.now();
      let firstAt = 0;
      let lastAt = 0;
      try {
        // A new group starts at the end unless told otherwise (mode defaults to 'latest').
        const stream = await consumer.consume({
          topics: [topic],
          mode: 'committed',
          fallbackMode: 'earliest',
          autocommit: false,
          maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
          maxWaitTime: MAX_WAIT_MS,
        });
        const run = (async () => {
          // The stream hands out one message at a time; a fetch's messages are pushed into its
          // buffer at once, so "the buffer is empty" marks the end of a batch: commit then.
          const lastOfPartition = new Map<number, PlatformaticMessage<string, Buffer, string, string>>();
          for await (const m of stream as AsyncIterable<PlatformaticMessage<string, Buffer, string, string>>) {
            if (firstAt === 0) firstAt = performance.now();
            checker.take(m.key, Number(m.headers.get('g2g-index')), Number(m.headers.get('g2g-seq')), m.value.length);
            lastOfPartition.set(m.partition, m);
            if (stream.readableLength === 0 || checker.received >= p.messages) {
              await Promise.all([...lastOfPartition.values()].map((last) => last.commit()));
              lastOfPartition.clear();
            }
            if (checker.received >= p.messages) {
              lastAt = performance.now();
              break;
            }
          }
        })();
        await withTimeout(run, timeoutMs, () => `platformatic consumer: ${checker.received} of ${p.messages} messages after ${timeoutMs / 1000} s`);
        await stream.close().catch(() => undefined);
        return { startedAt, firstAt, lastAt };
      } finally {
        await consumer.close(true);
      }
    },
  };
}

function withTimeout<T>(work: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message())), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

// ------------------------------------------------------------------ the comparison

export interface KafkaClientsOptions {
  brokers: string[];
  /** loans per case (default 100,000) */
  loans?: number;
  shapes?: readonly Shape[];
  clients?: readonly ClientName[];
  /** prefix of topic and group names, e.g. `bench-20261201_ab12.` */
  namespace: string;
  partitions?: number;
  log: (line: string) => void;
  /** also delete the topics and groups on Ctrl-C (see withCleanup) */
  defer?: Defer;
}

export async function kafkaClientsCompare(o: KafkaClientsOptions): Promise<KafkaClientsComparison> {
  const loans = o.loans ?? 100_000;
  const shapes = o.shapes ?? ['per-loan', 'chunk'];
  const names = o.clients ?? ['kafkajs', 'platformatic'];
  const partitions = o.partitions ?? 4;
  const before = loadAverage();
  const admin = new Kafka({ clientId: 'g2g-kafka-clients-admin', brokers: o.brokers, logLevel: logLevel.ERROR }).admin();
  await admin.connect();
  const topics: string[] = [];
  const groups: string[] = [];
  let removed = false;
  const remove = async () => {
    if (removed) return;
    removed = true;
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch((e) => o.log(`could not delete the topics: ${(e as Error).message}`));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
  };
  o.defer?.(remove);
  const clients: Record<ClientName, ClientUnderTest> = { kafkajs: kafkajsClient(o.brokers), platformatic: platformaticClient(o.brokers) };
  const cases: ClientCase[] = [];
  try {
    let k = 0;
    for (const shape of shapes) {
      const p = prepare(shape, loans);
      const order = k++ % 2 === 0 ? names : [...names].reverse();
      for (const name of order) {
        const topic = `${o.namespace}kafka-clients.${name}.${shape}`;
        const group = `${topic}.consume`;
        topics.push(topic);
        groups.push(group);
        await createTopicsWithLeaders(admin, [{ topic, numPartitions: partitions, replicationFactor: 1 }]);

        o.log(`${name}, ${shape}: producing ${fmt(p.messages)} messages (${fmt(loans)} loans, ${fmt(p.bytes / p.messages)} B each); load ${loadAverage()}`);
        const cpuP = process.cpuUsage();
        const p0 = performance.now();
        await clients[name].produce(topic, p);
        const produceSeconds = (performance.now() - p0) / 1000;
        const produceCpu = cpuMicrosSince(cpuP);

        o.log(`${name}, ${shape}: consuming them in group ${group}; load ${loadAverage()}`);
        const checker = new Checker(p);
        const cpuC = process.cpuUsage();
        const t = await clients[name].consume(topic, group, p, checker, Math.max(120_000, loans));
        const consumeCpu = cpuMicrosSince(cpuC);
        const consumeSeconds = (t.lastAt - t.firstAt) / 1000;
        const check = checker.result();
        if (!check.ok) o.log(`${name}, ${shape}: CHECK FAILED ${JSON.stringify(check)}`);
        cases.push({
          client: name,
          shape,
          loans,
          messages: p.messages,
          avgMessageBytes: p.bytes / p.messages,
          produce: figures(produceSeconds, p.messages, loans, produceCpu),
          consume: { ...figures(consumeSeconds, p.messages, loans, consumeCpu), joinSeconds: (t.firstAt - t.startedAt) / 1000 },
          check,
        });
      }
    }
    return {
      brokers: o.brokers,
      versions: { kafkajs: packageVersion('kafkajs'), platformatic: packageVersion('@platformatic/kafka') },
      cases,
      loadAverage: { before, after: loadAverage() },
    };
  } finally {
    await remove();
    await admin.disconnect().catch(() => undefined);
  }
}

function figures(seconds: number, messages: number, loans: number, cpuMicros: number): PhaseFigures {
  return { seconds, messagesPerSecond: messages / seconds, loansPerSecond: loans / seconds, cpuMicrosPerLoan: cpuMicros / loans };
}

export function kafkaClientsReport(r: KafkaClientsComparison): string {
  const rows = r.cases.flatMap((c) => [
    [`${c.client} ${c.shape} produce`, fmt(c.produce.messagesPerSecond), fmt(c.produce.loansPerSecond), c.produce.cpuMicrosPerLoan.toFixed(1), fmt(c.produce.seconds, 2), ''],
    [`${c.client} ${c.shape} consume`, fmt(c.consume.messagesPerSecond), fmt(c.consume.loansPerSecond), c.consume.cpuMicrosPerLoan.toFixed(1), fmt(c.consume.seconds, 2), `join ${c.consume.joinSeconds.toFixed(2)} s; ${c.check.ok ? 'all once, in order' : `CHECK FAILED: ${c.check.missing} missing, ${c.check.duplicates} duplicates, ${c.check.outOfOrder} out of order${c.check.bytesMatch ? '' : ', bytes differ'}`}`],
  ]);
  return [
    `Kafka clients: kafkajs ${r.versions.kafkajs} vs @platformatic/kafka ${r.versions.platformatic}, ${fmt(r.cases[0]?.loans ?? 0)} loans per case`,
    ...[...new Set(r.cases.map((c) => c.shape))].map((s) => {
      const c = r.cases.find((x) => x.shape === s)!;
      return `  ${s}: ${fmt(c.messages)} messages of ${fmt(c.avgMessageBytes)} B`;
    }),
    table(['client, shape, phase', 'messages/s', 'loans/s', 'CPU µs/loan', 'seconds', 'notes'], rows),
    `load average before ${r.loadAverage.before}, after ${r.loadAverage.after}`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const args = parseOptions(
    'npm run bench:kafka-clients',
    process.argv.slice(2),
    {
      loans: { kind: 'number', help: 'loans per client and shape (default 100000)' },
      brokers: { kind: 'string', help: 'Kafka brokers (default $KAFKA_BROKERS or 127.0.0.1:9092)' },
      shapes: { kind: 'string', help: 'per-loan, chunk or both (default per-loan,chunk)' },
      clients: { kind: 'string', help: 'kafkajs, platformatic or both (default kafkajs,platformatic)' },
      json: { kind: 'flag', help: 'print the figures as JSON' },
    },
    { loans: 100_000, brokers: brokersFromEnv().join(','), shapes: 'per-loan,chunk', clients: 'kafkajs,platformatic', json: false },
  );
  const shapes = splitList(args.shapes) as Shape[];
  if (shapes.some((s) => s !== 'per-loan' && s !== 'chunk')) throw new Error(`--shapes: per-loan and/or chunk, not ${args.shapes}`);
  const clients = splitList(args.clients) as ClientName[];
  if (clients.some((c) => c !== 'kafkajs' && c !== 'platformatic')) throw new Error(`--clients: kafkajs and/or platformatic, not ${args.clients}`);
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  const log = (line: string) => process.stderr.write(`kafka-clients: ${line}\n`);
  const result = await withCleanup((defer) =>
    kafkaClientsCompare({ brokers: splitList(args.brokers), loans: args.loans, shapes, clients, namespace: `kafka-clients-${stamp()}.`, log, defer }),
  );
  process.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : kafkaClientsReport(result));
  if (result.cases.some((c) => !c.check.ok)) process.exitCode = 1;
}

runMain(module, main);
