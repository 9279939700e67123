import { toJson } from '@g2g/event-store';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { writeBatchFile } from '../../apps/cli/src/generate/generate-batch';
import { ParsedRecord, parseBatchPieces } from '../../apps/intake/src/file-batch/batch-parser';
import { BatchHeader, batchKinds } from '../../apps/intake/src/file-batch/batch-kinds';
import { checkChunk, chunkEvents, digestOf, lengthOf, rerunnable } from '../../apps/intake/src/file-batch/file-batch';
import { fmt, parseOptions, runMain, stamp, table } from './tool-kit';

/**
 * The CPU intake spends on an upload's rows, without the database: the bytes of a generated loan
 * batch parsed as they stream in, each chunk of 1,000 rows checked and digested, its events built
 * and written as JSON, the same calls FileBatch.file makes in that order. Prints µs per row for
 * each stage, the garbage collection time, and the median of the runs; and a digest of every
 * event written, which must not change when only the speed does.
 *
 *   npm run bench:intake -- [--rows N] [--runs R] [--format csv|jsonl] [--invalid-every K] [--json]
 *
 * Run it under `node --cpu-prof dist/scripts/bench/intake-parse.js` for a profile.
 */

const CHUNK = 1000;
const CHUNK_CHARACTERS = 8 << 20;
/** about what an HTTP request body arrives in */
const BODY_CHUNK = 64 * 1024;

interface RunFigures {
  parse: number;
  check: number;
  digest: number;
  events: number;
  json: number;
  total: number;
  gc: number;
  outputDigest: string;
  valid: number;
  invalid: number;
}

const HEADER: BatchHeader = { bank: 'ICBC', kind: 'loans', batchRef: 'BENCH-1', programme: 'BJ-REG', format: 'csv' };

async function* body(bytes: Buffer): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += BODY_CHUNK) yield bytes.subarray(at, at + BODY_CHUNK);
}

/** One upload of the file, timed by stage (milliseconds; the parse is what the loop spends outside the other stages). */
async function run(bytes: Buffer, header: BatchHeader): Promise<Omit<RunFigures, 'gc'>> {
  const output = createHash('sha256');
  let check = 0;
  let digest = 0;
  let events = 0;
  let json = 0;
  let valid = 0;
  let invalid = 0;
  let pending: ParsedRecord[] = [];
  let characters = 0;
  const flush = () => {
    if (pending.length === 0) return;
    const t0 = performance.now();
    const chunk = checkChunk(header.kind, pending);
    const t1 = performance.now();
    // digestOf is part of checkChunk; computed once more alone, to show its share (left out of the total)
    digestOf(pending, batchKinds[header.kind].fields);
    const t2 = performance.now();
    // as FileBatch.fileChunk: the outcomes copied for a rerun, then the chunk's events
    const outcomes = chunk.outcomes.map(rerunnable);
    const built = chunkEvents(header, chunk, outcomes, '2026-12-02T00:00:00.000Z');
    const t3 = performance.now();
    // the event store writes each event's data once (a published event is its own outbox row)
    const written = built.map((e) => toJson(e.data ?? null));
    const t4 = performance.now();
    for (const text of written) output.update(text);
    for (const o of outcomes) o.candidate ? valid++ : invalid++;
    check += t1 - t0;
    digest += t2 - t1;
    events += t3 - t2;
    json += t4 - t3;
    pending = [];
    characters = 0;
  };
  const start = performance.now();
  for await (const records of parseBatchPieces(body(bytes), header.format)) {
    for (const record of records) {
      pending.push(record);
      characters += lengthOf(record);
      if (pending.length >= CHUNK || characters >= CHUNK_CHARACTERS) flush();
    }
  }
  flush();
  const total = performance.now() - start;
  return { parse: total - digest - check - events - json, check, digest, events, json, total: total - digest, outputDigest: output.digest('hex'), valid, invalid };
}

async function main(): Promise<void> {
  const args = parseOptions(
    'npm run bench:intake',
    process.argv.slice(2),
    {
      rows: { kind: 'number', help: 'rows in the batch (default 100000)' },
      runs: { kind: 'number', help: 'timed runs, after one not timed (default 5)' },
      format: { kind: 'string', help: 'csv or jsonl (default csv)' },
      'invalid-every': { kind: 'number', help: 'every k-th row invalid, as the generator makes them (default 0: none)' },
      seed: { kind: 'number', help: 'generator seed (default 7, as npm run bench)' },
      json: { kind: 'flag', help: 'print the figures as JSON' },
    },
    { rows: 100_000, runs: 5, format: 'csv', 'invalid-every': 0, seed: 7, json: false },
  );
  if (args.format !== 'csv' && args.format !== 'jsonl') throw new Error(`--format: csv or jsonl, not ${args.format}`);
  const format = args.format;
  const log = (line: string) => process.stderr.write(`intake-parse: ${line}\n`);
  const path = join(tmpdir(), `intake-parse-${stamp()}.${format}`);
  let bytes: Buffer;
  try {
    await writeBatchFile(path, { rows: args.rows, bank: HEADER.bank, seed: args.seed, format, ...(args['invalid-every'] > 0 ? { invalidEvery: args['invalid-every'] } : {}) });
    bytes = readFileSync(path);
  } finally {
    rmSync(path, { force: true });
  }
  log(`${fmt(args.rows)} ${format} rows, ${(bytes.length / 1e6).toFixed(1)} MB, in ${BODY_CHUNK / 1024} KiB pieces`);

  let gc = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gc += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

  const header: BatchHeader = { ...HEADER, format };
  const runs: RunFigures[] = [];
  for (let i = 0; i <= args.runs; i++) {
    await settle();
    gc = 0;
    const figures = await run(bytes, header);
    await settle(); // the gc entries of the run are delivered after it
    if (i === 0) {
      log(`warm-up run: ${fmt(figures.total, 0)} ms`);
      continue;
    }
    runs.push({ ...figures, gc });
    log(`run ${i}: ${fmt(figures.total, 0)} ms, gc ${fmt(gc, 0)} ms`);
  }
  observer.disconnect();

  const digests = new Set(runs.map((r) => r.outputDigest));
  if (digests.size !== 1) throw new Error('the runs wrote different events');
  const median = (pick: (r: RunFigures) => number) => {
    const sorted = runs.map(pick).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  };
  const perRow = (ms: number) => (ms * 1000) / args.rows;
  const stages: [string, (r: RunFigures) => number, string][] = [
    ['parse', (r) => r.parse, 'UTF-8, CSV/JSON Lines into records (parseBatch)'],
    ['check', (r) => r.check, 'the rows\' own checks and the chunk digest (checkChunk)'],
    ['  of which digest', (r) => r.digest, 'digestOf alone, timed again apart'],
    ['events', (r) => r.events, 'outcomes copied, rows-checked and loans-filed built (chunkEvents)'],
    ['json', (r) => r.json, 'toJson of each event (EventStore.append)'],
    ['total', (r) => r.total, ''],
    ['gc', (r) => r.gc, 'garbage collection, inside the total'],
  ];
  const figures = Object.fromEntries(stages.map(([name, pick]) => [name.trim(), perRow(median(pick))]));
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ rows: args.rows, runs: args.runs, format, usPerRow: figures, valid: runs[0].valid, invalid: runs[0].invalid, outputDigest: runs[0].outputDigest })}\n`);
    return;
  }
  process.stdout.write(`${table(['stage', 'µs/row (median)', 'min', 'max', 'notes'], stages.map(([name, pick, notes]) => {
    const values = runs.map(pick).map(perRow);
    return [name, fmt(perRow(median(pick)), 2), fmt(Math.min(...values), 2), fmt(Math.max(...values), 2), notes];
  }))}\n`);
  process.stdout.write(`${fmt(args.rows)} rows, ${runs.length} runs: ${fmt(runs[0].valid)} valid, ${fmt(runs[0].invalid)} invalid; events digest ${runs[0].outputDigest.slice(0, 16)}\n`);
}

runMain(module, main);
