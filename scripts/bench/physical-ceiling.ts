import { Kafka, logLevel } from 'kafkajs';
import { createTopicsWithLeaders } from '@g2g/testing';
import { execFile, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Defer, brokersFromEnv, fmt, freshDatabase, loadAverage, parseOptions, serverUrl, splitList, stamp, runMain, table, withCleanup } from './tool-kit';

/**
 * The physical ceiling of a loan pipeline on this machine, measured with Kafka's own tools and
 * PostgreSQL's COPY, with none of the platform's code in the way:
 *
 *  - Kafka: `org.apache.kafka.tools.ProducerPerformance` produces N records of 300 bytes (acks=all,
 *    otherwise the Java producer's defaults: idempotent, linger 5 ms, 16 KB batches) to a fresh
 *    topic of 4 partitions, then `ConsumerPerformance` reads them back in a new group. The tools
 *    come from org.apache.kafka:kafka-tools of the broker's version (deploy/kafka/kafka.sh tool).
 *  - PostgreSQL: COPY FROM STDIN of one narrow row per loan (bigint, two short texts, numeric,
 *    date) into a fresh table without indexes, through pg-copy-streams and/or `psql \copy`.
 *
 *  ceiling (loans/s) = min( N / (produce seconds + consume seconds), COPY rows/s )
 *
 * Consume seconds are ConsumerPerformance's fetch time, which leaves out joining the group (paid
 * once per consumer, not per loan); the rate with the join is printed too.
 *
 *   npm run bench:ceiling -- [--rows N] [--brokers B] [--copy node|psql|both] [--database-url URL] [--json]
 */

export interface PhysicalCeilingOptions {
  /** messages produced and consumed, and rows copied */
  rows: number;
  brokers: string[];
  /** the database the COPY table is created in (and dropped from) */
  databaseUrl: string;
  /** prefix of the topic and group names, e.g. `bench-20261201_ab12.` */
  namespace: string;
  /** repository root (where deploy/kafka/kafka.sh is) */
  root: string;
  recordBytes?: number;
  partitions?: number;
  /** which COPY client(s): pg-copy-streams from Node (the default), psql's \copy, or both (the ceiling takes the faster) */
  copy?: 'node' | 'psql' | 'both';
  log: (line: string) => void;
  /** also delete the topic and group on Ctrl-C (see withCleanup) */
  defer?: Defer;
}

export interface ProducePerf {
  records: number;
  perSecond: number;
  seconds: number;
  mbPerSecond: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p99LatencyMs: number;
  /** the tool's wall time, JVM start-up included */
  wallSeconds: number;
  summaryLine: string;
}

export interface ConsumePerf {
  records: number;
  /** records / fetch time (group join left out): what the ceiling uses */
  perSecond: number;
  seconds: number;
  /** records / (fetch time + join), the tool's nMsg.sec */
  perSecondWithJoin: number;
  rebalanceMs: number;
  mbPerSecond: number;
  wallSeconds: number;
  summaryLine: string;
}

export interface CopyPerf {
  via: 'pg-copy-streams' | 'psql';
  rows: number;
  bytes: number;
  seconds: number;
  perSecond: number;
}

export interface PhysicalCeiling {
  rows: number;
  recordBytes: number;
  partitions: number;
  kafkaVersion: string;
  produce: ProducePerf;
  consume: ConsumePerf;
  /** N / (produce seconds + consume seconds) */
  kafkaLoansPerSecond: number;
  copies: CopyPerf[];
  copyLoansPerSecond: number;
  loansPerSecond: number;
  limitedBy: 'kafka' | 'copy';
  loadAverage: { before: string; after: string };
}

export async function physicalCeiling(o: PhysicalCeilingOptions): Promise<PhysicalCeiling> {
  const recordBytes = o.recordBytes ?? 300;
  const partitions = o.partitions ?? 4;
  const copyWith = o.copy ?? 'node';
  const before = loadAverage();
  const kafka = await kafkaToolsRun({ ...o, recordBytes, partitions });
  const copies: CopyPerf[] = [];
  if (copyWith !== 'psql') copies.push(await copyCeiling({ databaseUrl: o.databaseUrl, rows: o.rows, via: 'pg-copy-streams', log: o.log }));
  if (copyWith !== 'node') copies.push(await copyCeiling({ databaseUrl: o.databaseUrl, rows: o.rows, via: 'psql', log: o.log }));
  const kafkaLoansPerSecond = o.rows / (kafka.produce.seconds + kafka.consume.seconds);
  const copyLoansPerSecond = Math.max(...copies.map((c) => c.perSecond));
  return {
    rows: o.rows,
    recordBytes,
    partitions,
    kafkaVersion: kafka.version,
    produce: kafka.produce,
    consume: kafka.consume,
    kafkaLoansPerSecond,
    copies,
    copyLoansPerSecond,
    loansPerSecond: Math.min(kafkaLoansPerSecond, copyLoansPerSecond),
    limitedBy: kafkaLoansPerSecond <= copyLoansPerSecond ? 'kafka' : 'copy',
    loadAverage: { before, after: loadAverage() },
  };
}

// ------------------------------------------------------------------ Kafka's tools

const execFileAsync = promisify(execFile);

/** Runs `kafka.sh tool CLASS ARGS...`; resolves its stdout and wall time, rejects with its output. */
function runTool(root: string, cls: string, args: readonly string[]): Promise<{ stdout: string; wallSeconds: number }> {
  return new Promise((resolveRun, reject) => {
    const t0 = performance.now();
    const child = spawn('bash', [join(root, 'deploy/kafka/kafka.sh'), 'tool', cls, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolveRun({ stdout, wallSeconds: (performance.now() - t0) / 1000 });
      else reject(new Error(`${cls} exited with ${code}\n--- stdout ---\n${stdout.slice(-4000)}\n--- stderr ---\n${stderr.slice(-4000)}`));
    });
  });
}

/** The last line of ProducerPerformance: "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, ... ms 99th, ...". */
export function parseProducerPerformance(stdout: string, wallSeconds = 0): ProducePerf {
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => /records sent, .* ms 99\.9th/.test(l));
  const m = line && /^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, .*?(\d+) ms 99th/.exec(line.trim());
  if (!m) throw new Error(`ProducerPerformance printed no summary line:\n${stdout.slice(-2000)}`);
  const records = Number(m[1]);
  const perSecond = Number(m[2]);
  return {
    records,
    perSecond,
    seconds: records / perSecond,
    mbPerSecond: Number(m[3]),
    avgLatencyMs: Number(m[4]),
    maxLatencyMs: Number(m[5]),
    p99LatencyMs: Number(m[6]),
    wallSeconds,
    summaryLine: line!.trim(),
  };
}

/**
 * ConsumerPerformance's CSV: a header "start.time, end.time, data.consumed.in.MB, MB.sec,
 * data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec"
 * and one line of values.
 */
export function parseConsumerPerformance(stdout: string, wallSeconds = 0): ConsumePerf {
  const lines = stdout.split('\n').map((l) => l.trim());
  const h = lines.findIndex((l) => l.startsWith('start.time,'));
  const values = h >= 0 ? lines.slice(h + 1).find((l) => l.length > 0) : undefined;
  if (h < 0 || !values) throw new Error(`ConsumerPerformance printed no figures:\n${stdout.slice(-2000)}`);
  const head = lines[h].split(',').map((s) => s.trim());
  const cells = values.split(',').map((s) => s.trim());
  const get = (name: string) => {
    const i = head.indexOf(name);
    if (i < 0) throw new Error(`ConsumerPerformance: no column ${name} in "${lines[h]}"`);
    return Number(cells[i]);
  };
  const records = get('data.consumed.in.nMsg');
  const fetchMs = get('fetch.time.ms');
  return {
    records,
    perSecond: records / (fetchMs / 1000),
    seconds: fetchMs / 1000,
    perSecondWithJoin: get('nMsg.sec'),
    rebalanceMs: get('rebalance.time.ms'),
    mbPerSecond: get('fetch.MB.sec'),
    wallSeconds,
    summaryLine: values,
  };
}

async function kafkaToolsRun(o: PhysicalCeilingOptions & { recordBytes: number; partitions: number }): Promise<{ version: string; produce: ProducePerf; consume: ConsumePerf }> {
  const kafka = new Kafka({ clientId: 'g2g-physical-ceiling', brokers: o.brokers, logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  const topic = `${o.namespace}physical-ceiling`;
  const group = `${o.namespace}physical-ceiling.consume`;
  const bootstrap = o.brokers.join(',');
  let removed = false;
  const remove = async () => {
    if (removed) return;
    removed = true;
    await admin.deleteTopics({ topics: [topic] }).catch((e) => o.log(`could not delete ${topic}: ${(e as Error).message}`));
    await admin.deleteGroups([group]).catch(() => undefined);
  };
  o.defer?.(remove);
  try {
    await createTopicsWithLeaders(admin, [{ topic, numPartitions: o.partitions, replicationFactor: 1 }]);
    const { stdout: versionOut } = await execFileAsync('bash', [join(o.root, 'deploy/kafka/kafka.sh'), 'status'], { cwd: o.root }).catch(() => ({ stdout: '' }));
    const version = /Kafka (\d[\w.-]*)/.exec(versionOut)?.[1] ?? '?';

    o.log(`ProducerPerformance: ${fmt(o.rows)} records of ${o.recordBytes} B to ${topic} (${o.partitions} partitions, acks=all); load ${loadAverage()}`);
    const p = await runTool(o.root, 'org.apache.kafka.tools.ProducerPerformance', [
      '--bootstrap-server', bootstrap,
      '--topic', topic,
      '--num-records', String(o.rows),
      '--record-size', String(o.recordBytes),
      '--throughput', '-1',
      '--command-property', 'acks=all', `client.id=${o.namespace}perf-producer`,
    ]);
    const produce = parseProducerPerformance(p.stdout, p.wallSeconds);
    if (produce.records !== o.rows) throw new Error(`ProducerPerformance sent ${produce.records} of ${o.rows} records`);

    o.log(`ConsumerPerformance: reading them back in group ${group}; load ${loadAverage()}`);
    const c = await runTool(o.root, 'org.apache.kafka.tools.ConsumerPerformance', [
      '--bootstrap-server', bootstrap,
      '--topic', topic,
      '--num-records', String(o.rows),
      '--group', group,
      '--timeout', '60000',
    ]);
    const consume = parseConsumerPerformance(c.stdout, c.wallSeconds);
    if (consume.records < o.rows) throw new Error(`ConsumerPerformance read ${consume.records} of ${o.rows} records`);
    return { version, produce, consume };
  } finally {
    await remove();
    await admin.disconnect().catch(() => undefined);
  }
}

// ------------------------------------------------------------------ COPY

const TEXT_ROW_CHUNK = 10_000;

/** One narrow row per loan as COPY text: id bigint, bank text, loan_ref text, amount numeric, issued_on date. */
export function* narrowRowChunks(rows: number): Generator<Buffer> {
  for (let from = 0; from < rows; from += TEXT_ROW_CHUNK) {
    let text = '';
    for (let i = from; i < Math.min(rows, from + TEXT_ROW_CHUNK); i++) {
      const amount = 100_000 + ((i * 7_919) % 9_900_000);
      const day = 1 + (i % 28);
      text += `${i + 1}\tICBC\tICBC-1-${String(i + 1).padStart(8, '0')}\t${amount}.${String(i % 100).padStart(2, '0')}\t2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(day).padStart(2, '0')}\n`;
    }
    yield Buffer.from(text);
  }
}

/**
 * COPY FROM STDIN of `rows` narrow rows into a fresh table of the database, in one statement; the
 * rows are made before the clock starts. The table is dropped afterwards.
 */
export async function copyCeiling(o: { databaseUrl: string; rows: number; via: 'pg-copy-streams' | 'psql'; log: (line: string) => void }): Promise<CopyPerf> {
  const chunks = [...narrowRowChunks(o.rows)];
  const bytes = chunks.reduce((s, b) => s + b.length, 0);
  const tableName = `copy_ceiling_${stamp()}`;
  const sql = new Client({ connectionString: o.databaseUrl, application_name: 'g2g-physical-ceiling' });
  sql.on('error', () => undefined);
  await sql.connect();
  const file = join(tmpdir(), `${tableName}.tsv`);
  try {
    await sql.query(`create table ${tableName} (id bigint not null, bank text not null, loan_ref text not null, amount numeric(18,2) not null, issued_on date not null)`);
    const columns = `${tableName} (id, bank, loan_ref, amount, issued_on)`;
    o.log(`COPY (${o.via}): ${fmt(o.rows)} narrow rows, ${(bytes / 1e6).toFixed(1)} MB of text, into ${tableName}; load ${loadAverage()}`);
    let seconds: number;
    if (o.via === 'pg-copy-streams') {
      const t0 = performance.now();
      await pipeline(Readable.from(chunks), sql.query(copyFrom(`copy ${columns} from stdin`)));
      seconds = (performance.now() - t0) / 1000;
    } else {
      writeFileSync(file, Buffer.concat(chunks));
      const t0 = performance.now();
      await execFileAsync('psql', [o.databaseUrl, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `\\copy ${columns} from '${file}'`]);
      seconds = (performance.now() - t0) / 1000;
    }
    const [{ n }] = (await sql.query<{ n: string }>(`select count(*)::text as n from ${tableName}`)).rows;
    if (Number(n) !== o.rows) throw new Error(`COPY wrote ${n} of ${o.rows} rows`);
    return { via: o.via, rows: o.rows, bytes, seconds, perSecond: o.rows / seconds };
  } finally {
    rmSync(file, { force: true });
    await sql.query(`drop table if exists ${tableName}`).catch(() => undefined);
    await sql.end().catch(() => undefined);
  }
}

// ------------------------------------------------------------------ report

export function physicalCeilingReport(r: PhysicalCeiling): string {
  const rows: string[][] = [
    ['Kafka produce (ProducerPerformance, acks=all)', fmt(r.produce.perSecond), fmt(r.produce.seconds, 2), `${r.produce.mbPerSecond.toFixed(1)} MB/s, latency avg ${r.produce.avgLatencyMs.toFixed(0)} ms, p99 ${r.produce.p99LatencyMs} ms`],
    ['Kafka consume (ConsumerPerformance, fetch time)', fmt(r.consume.perSecond), fmt(r.consume.seconds, 2), `${fmt(r.consume.perSecondWithJoin)}/s with the group join (${fmt(r.consume.rebalanceMs)} ms)`],
    ['Kafka: produce then consume, 1 message per loan', fmt(r.kafkaLoansPerSecond), fmt(r.produce.seconds + r.consume.seconds, 2), 'N / (produce s + consume s)'],
    ...r.copies.map((c) => [`COPY, 1 narrow row per loan (${c.via})`, fmt(c.perSecond), fmt(c.seconds, 2), `${(c.bytes / c.seconds / 1e6).toFixed(1)} MB/s of text`]),
  ];
  return [
    `Physical ceiling: ${fmt(r.rows)} loans, ${r.recordBytes}-byte records, ${r.partitions} partitions, Kafka ${r.kafkaVersion}`,
    table(['measurement', 'per second', 'seconds', 'notes'], rows),
    '',
    `ceiling: ${fmt(r.loansPerSecond)} loans/s (limited by ${r.limitedBy === 'kafka' ? 'Kafka produce + consume' : 'COPY'})`,
    `load average before ${r.loadAverage.before}, after ${r.loadAverage.after}`,
    '',
  ].join('\n');
}

// ------------------------------------------------------------------ command

async function main(): Promise<void> {
  const args = parseOptions(
    'npm run bench:ceiling',
    process.argv.slice(2),
    {
      rows: { kind: 'number', help: 'messages and rows (default 1000000, the benchmark\'s --rows)' },
      brokers: { kind: 'string', help: 'Kafka brokers (default $KAFKA_BROKERS or 127.0.0.1:9092)' },
      'record-size': { kind: 'number', help: 'bytes per Kafka record (default 300)' },
      partitions: { kind: 'number', help: 'partitions of the fresh topic (default 4)' },
      copy: { kind: 'string', help: 'COPY client: node (pg-copy-streams), psql, or both (default both)' },
      'database-url': { kind: 'string', help: 'an existing database for the COPY table (default: a fresh database, dropped afterwards)' },
      json: { kind: 'flag', help: 'print the figures as JSON' },
    },
    { rows: 1_000_000, brokers: brokersFromEnv().join(','), 'record-size': 300, partitions: 4, copy: 'both', 'database-url': '', json: false },
  );
  if (!['node', 'psql', 'both'].includes(args.copy)) throw new Error(`--copy: node, psql or both, not ${args.copy}`);
  const root = join(__dirname, '..', '..', '..');
  const id = stamp();
  const log = (line: string) => process.stderr.write(`ceiling: ${line}\n`);
  const result = await withCleanup(async (defer) => {
    let databaseUrl = args['database-url'];
    if (!databaseUrl) {
      const db = await freshDatabase(serverUrl(), `g2g_ceiling_${id}`);
      defer(db.drop);
      databaseUrl = db.url;
    }
    return physicalCeiling({
      rows: args.rows,
      brokers: splitList(args.brokers),
      databaseUrl,
      namespace: `ceiling-${id}.`,
      root,
      recordBytes: args['record-size'],
      partitions: args.partitions,
      copy: args.copy as 'node' | 'psql' | 'both',
      log,
      defer,
    });
  });
  process.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : physicalCeilingReport(result));
}

runMain(module, main);
