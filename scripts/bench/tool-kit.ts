import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';

/**
 * What the measurement commands (physical-ceiling, append-compare, kafka-clients) share: their
 * command-line options, a unique name for what they create, fresh databases that are dropped
 * afterwards, and number formatting.
 */

export const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432';

export function serverUrl(): string {
  return process.env.BENCH_DATABASE_SERVER ?? DEFAULT_SERVER_URL;
}

export function brokersFromEnv(): string[] {
  return splitList(process.env.KAFKA_BROKERS ?? '127.0.0.1:9092');
}

export function splitList(value: string): string[] {
  return value.split(',').map((b) => b.trim()).filter(Boolean);
}

/** yyyymmddhhmmss_xxxx: unique enough for topic, group and database names on a shared server. */
export function stamp(): string {
  return `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${randomBytes(2).toString('hex')}`;
}

export type OptionKind = 'number' | 'string' | 'flag';

export interface OptionSpec {
  kind: OptionKind;
  help: string;
}

/**
 * Parses `--name value`, `--name=value` and `--flag`; `--help` prints the usage and exits.
 * Numbers are whole numbers > 0 (underscores allowed: 1_000_000).
 */
export function parseOptions<T extends Record<string, string | number | boolean>>(
  command: string,
  argv: readonly string[],
  specs: Readonly<Record<keyof T & string, OptionSpec>>,
  defaults: T,
): T {
  const usage = [`usage: ${command} -- [options]`, ...Object.entries(specs).map(([name, s]) => `  --${name}${s.kind === 'flag' ? '' : ` ${s.kind === 'number' ? 'N' : 'VALUE'}`}`.padEnd(26) + s.help)].join('\n');
  const out: Record<string, string | number | boolean> = { ...defaults };
  const fail = (message: string): never => {
    process.stderr.write(`${command}: ${message}\n${usage}\n`);
    process.exit(2);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    }
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    const spec = m ? specs[m[1] as keyof T & string] : undefined;
    if (!m || !spec) fail(`unknown argument ${arg}`);
    const name = m![1];
    if (spec!.kind === 'flag') {
      if (m![2] !== undefined) fail(`--${name} takes no value`);
      out[name] = true;
      continue;
    }
    const raw = m![2] ?? argv[++i];
    if (raw === undefined) fail(`--${name} needs a value`);
    if (spec!.kind === 'number') {
      const n = Number(raw.replaceAll('_', ''));
      if (!Number.isSafeInteger(n) || n <= 0) fail(`--${name}: a whole number > 0, not ${raw}`);
      out[name] = n;
    } else out[name] = raw;
  }
  return out as T;
}

/** Creates a fresh database on the server; `drop` removes it (also when connections remain). */
export async function freshDatabase(server: string, name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  await onServer(server, (c) => c.query(`create database "${name}"`));
  return {
    url: `${server}/${name}`,
    drop: () => onServer(server, (c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}

async function onServer<R>(server: string, fn: (c: Client) => Promise<R>): Promise<R> {
  const c = new Client({ connectionString: `${server}/postgres`, application_name: 'g2g-bench-tools' });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Runs `fn` with cleanups that also run on Ctrl-C / SIGTERM (then the process exits 130). */
export async function withCleanup<R>(fn: (defer: Defer) => Promise<R>): Promise<R> {
  const cleanups: (() => Promise<unknown>)[] = [];
  let done: Promise<void> | undefined;
  const runAll = () =>
    (done ??= (async () => {
      for (const c of cleanups.reverse()) await c().catch((e) => process.stderr.write(`cleanup failed: ${(e as Error).message}\n`));
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`${signal}: cleaning up\n`);
    runAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await fn((c) => cleanups.push(c));
  } finally {
    await runAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function loadAverage(): string {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}

/** 12,345 (no decimals), or with `digits` decimals. */
export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A text table: the first column and the one headed `notes` left-aligned, the others right-aligned. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const left = (i: number) => i === 0 || head[i] === 'notes';
  const line = (r: readonly string[]) => r.map((c, i) => (left(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** User + system CPU microseconds this process has used since `from` (a process.cpuUsage()). */
export function cpuMicrosSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return d.user + d.system;
}

/** The installed version of a package, also when its `exports` hide package.json. */
export function packageVersion(name: string): string {
  for (let dir = dirname(require.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === name) return pkg.version ?? '?';
  }
  return '?';
}

/** Registers a cleanup with the caller's `withCleanup` (also run on Ctrl-C), when there is one. */
export type Defer = (cleanup: () => Promise<unknown>) => void;

/** Runs a command's main when the file is run rather than imported: errors print and exit 1. */
export function runMain(mod: NodeJS.Module, main: () => Promise<void>): void {
  if (require.main !== mod) return;
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
