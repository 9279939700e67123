import { Database, EventStore, migrate, storeMigrations } from '@g2g/event-store';
import type { Event } from '@event-driven-io/emmett';
import { PostgreSQLEventStoreDefaultStreamVersion, getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import type { PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import { Client } from 'pg';
import { cpuSeconds } from './proc';
import { Defer, cpuMicrosSince, fmt, freshDatabase, loadAverage, packageVersion, parseOptions, serverUrl, splitList, stamp, runMain, table, withCleanup } from './tool-kit';

/**
 * Appends the same events to g2g's event store (libs/event-store) and to Emmett's PostgreSQL
 * event store (@event-driven-io/emmett-postgresql) on the same PostgreSQL server, each in a fresh
 * database of its own, through each library's public API only:
 *
 *   g2g:    db.transaction((tx) => store.append(tx, [{ streamId, expected, events }]))
 *   Emmett: eventStore.appendToStream(streamName, events, { expectedStreamVersion })
 *
 * Each case is E events per call (1, 10, 100), one stream per call, `inFlight` calls at once
 * (default 8), for a fixed time or a fixed number of calls, either on new streams (expected: no
 * stream) or on streams that already exist (expected: the version the writer knows). The sides run
 * one after the other, their order alternating from case to case.
 *
 * Printed per side and case: events/s, calls/s, call latency (p50, p99), CPU of this process and
 * of the side's PostgreSQL backends per event (from /proc: the server must be on this machine for
 * that column), and the database's growth per event; then the ratio g2g / Emmett of events/s.
 *
 *   npm run bench:append -- [--seconds S | --calls N] [--events 1,10,100] [--in-flight 8] [--streams new,existing] [--json]
 */

export type Side = 'g2g' | 'emmett';
export type StreamMode = 'new' | 'existing';

export interface AppendCase {
  side: Side;
  mode: StreamMode;
  eventsPerCall: number;
  inFlight: number;
  calls: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  callsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  clientCpuMicrosPerEvent: number;
  /** null when the backends' CPU could not be read (server on another machine) */
  serverCpuMicrosPerEvent: number | null;
  databaseBytesPerEvent: number;
}

export interface AppendComparison {
  server: string;
  postgres: string;
  emmett: string;
  cases: AppendCase[];
  ratios: { mode: StreamMode; eventsPerCall: number; g2gOverEmmett: number }[];
  loadAverage: { before: string; after: string };
}

export interface AppendCompareOptions {
  /** postgres://user@host:port (no database): the fresh databases are made and dropped there */
  server: string;
  eventsPerCall?: readonly number[];
  inFlight?: number;
  modes?: readonly StreamMode[];
  /** per side and case: run this long ... */
  seconds?: number;
  /** ... or exactly this many calls (wins over seconds) */
  calls?: number;
  /** warm-up calls per side and case before the clock starts (default 25 x inFlight) */
  warmupCalls?: number;
  log: (line: string) => void;
  /** also drop the databases on Ctrl-C (see withCleanup) */
  defer?: Defer;
}

/** The payload of every event, on both sides: a small JSON object. */
export function samplePayload(n: number): Record<string, string | number> {
  return {
    loanId: `ICBC-1-${String(n).padStart(8, '0')}`,
    bank: 'ICBC',
    programme: 'NFGF-G2G-BJ-2025',
    principalFen: 100_000_00 + ((n * 7_919) % 9_900_000_00),
    issuedOn: '2025-03-15',
    guaranteeRatio: 0.8,
  };
}

type GuaranteeIssued = Event<'GuaranteeIssued', Record<string, string | number>>;

/** One side under test: append E events to one stream, knowing its version. */
interface Target {
  side: Side;
  applicationName: string;
  databaseUrl: string;
  /** appends `events` to `streamId` whose current version is `version` (0: no stream) */
  append(streamId: string, version: number, events: readonly Record<string, string | number>[]): Promise<void>;
  close(): Promise<void>;
}

async function g2gTarget(databaseUrl: string, inFlight: number, applicationName: string): Promise<Target> {
  const db = await Database.connect({ url: databaseUrl, poolSize: inFlight, applicationName });
  await migrate(db, 'bench', storeMigrations);
  const store = new EventStore('bench');
  return {
    side: 'g2g',
    applicationName,
    databaseUrl,
    append: (streamId, version, payloads) =>
      db.transaction((tx) =>
        store.append(tx, [{ streamId, expected: version === 0 ? 'no_stream' : version, events: payloads.map((data) => ({ type: 'guarantee.issued.v1', data })) }]),
      ),
    close: () => db.close(),
  };
}

async function emmettTarget(databaseUrl: string, applicationName: string): Promise<Target> {
  // Emmett's pool is a pg.Pool (default max 10) made from the connection string.
  const url = `${databaseUrl}?application_name=${applicationName}`;
  const store: PostgresEventStore = getPostgreSQLEventStore(url, { schema: { autoMigration: 'CreateOrUpdate' } });
  await store.schema.migrate();
  return {
    side: 'emmett',
    applicationName,
    databaseUrl,
    append: async (streamId, version, payloads) => {
      const events: GuaranteeIssued[] = payloads.map((data) => ({ type: 'GuaranteeIssued', data }));
      // 0n, not STREAM_DOES_NOT_EXIST: Emmett 0.42 maps STREAM_DOES_NOT_EXIST to "no check" in SQL
      const expected = version === 0 ? PostgreSQLEventStoreDefaultStreamVersion : BigInt(version);
      const r = await store.appendToStream<GuaranteeIssued>(streamId, events, { expectedStreamVersion: expected });
      if (r.nextExpectedStreamVersion !== BigInt(version + payloads.length)) {
        throw new Error(`emmett: ${streamId} is at ${r.nextExpectedStreamVersion}, expected ${version + payloads.length}`);
      }
    },
    close: () => store.close(),
  };
}

/** CPU seconds of the backends whose application_name is `name`, by pid (from /proc). */
async function backendCpu(admin: Client, name: string): Promise<Map<number, number> | null> {
  const { rows } = await admin.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [name]);
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    const s = cpuSeconds(pid);
    if (s === null) return null; // not on this machine
    out.set(pid, s);
  }
  return out;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function runCase(
  t: Target,
  admin: Client,
  c: { mode: StreamMode; eventsPerCall: number; inFlight: number; seconds: number; calls: number | null; warmupCalls: number; caseId: string },
): Promise<AppendCase> {
  const payloads = Array.from({ length: c.eventsPerCall }, (_, i) => samplePayload(i + 1));
  // Each worker owns its streams, so there are no conflicts: a new stream per call, or in
  // "existing" mode a ring of streams made before the clock starts, whose versions it tracks.
  const ring = 64;
  const versions: number[][] = Array.from({ length: c.inFlight }, () => new Array<number>(ring).fill(0));
  const streamName = (w: number, n: number) => `guarantee-${c.caseId}-w${w}-${n}`;
  if (c.mode === 'existing') {
    await Promise.all(
      versions.map(async (v, w) => {
        for (let n = 0; n < ring; n++) {
          await t.append(streamName(w, n), 0, payloads.slice(0, 1));
          v[n] = 1;
        }
      }),
    );
  }
  let next = 0;
  const oneCall = async (w: number, k: number) => {
    if (c.mode === 'new') await t.append(streamName(w, ring + k), 0, payloads);
    else {
      const n = k % ring;
      await t.append(streamName(w, n), versions[w][n], payloads);
      versions[w][n] += payloads.length;
    }
  };
  // warm-up (not timed): connections open, statements planned
  await Promise.all(Array.from({ length: c.inFlight }, async (_, w) => {
    for (let i = 0; i < Math.ceil(c.warmupCalls / c.inFlight); i++) await oneCall(w, next++);
  }));

  const [{ bytes: bytesBefore }] = (await admin.query<{ bytes: string }>('select pg_database_size(current_database())::text as bytes')).rows;
  const serverBefore = await backendCpu(admin, t.applicationName);
  const cpu0 = process.cpuUsage();
  const latencies: number[] = [];
  let calls = 0;
  const t0 = performance.now();
  const deadline = t0 + c.seconds * 1000;
  await Promise.all(
    Array.from({ length: c.inFlight }, async (_, w) => {
      for (;;) {
        if (c.calls !== null ? calls >= c.calls : performance.now() >= deadline) return;
        calls++;
        const s = performance.now();
        await oneCall(w, next++);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const clientMicros = cpuMicrosSince(cpu0);
  const serverAfter = await backendCpu(admin, t.applicationName);
  const [{ bytes: bytesAfter }] = (await admin.query<{ bytes: string }>('select pg_database_size(current_database())::text as bytes')).rows;
  let serverMicros: number | null = null;
  if (serverBefore && serverAfter) {
    serverMicros = 0;
    for (const [pid, s] of serverAfter) serverMicros += (s - (serverBefore.get(pid) ?? 0)) * 1e6;
  }
  latencies.sort((a, b) => a - b);
  const events = calls * c.eventsPerCall;
  return {
    side: t.side,
    mode: c.mode,
    eventsPerCall: c.eventsPerCall,
    inFlight: c.inFlight,
    calls,
    events,
    seconds,
    eventsPerSecond: events / seconds,
    callsPerSecond: calls / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    clientCpuMicrosPerEvent: clientMicros / events,
    serverCpuMicrosPerEvent: serverMicros === null ? null : serverMicros / events,
    databaseBytesPerEvent: (Number(bytesAfter) - Number(bytesBefore)) / events,
  };
}

export async function appendCompare(o: AppendCompareOptions): Promise<AppendComparison> {
  const inFlight = o.inFlight ?? 8;
  const sizes = o.eventsPerCall ?? [1, 10, 100];
  const modes = o.modes ?? ['new', 'existing'];
  const seconds = o.seconds ?? 10;
  const id = stamp();
  const before = loadAverage();
  const g2gDb = await freshDatabase(o.server, `g2g_append_g2g_${id}`);
  o.defer?.(g2gDb.drop);
  const emmettDb = await freshDatabase(o.server, `g2g_append_emmett_${id}`).catch(async (e) => {
    await g2gDb.drop();
    throw e;
  });
  o.defer?.(emmettDb.drop);
  const targets: Target[] = [];
  const admins: Client[] = [];
  try {
    targets.push(await g2gTarget(g2gDb.url, inFlight, `g2g-append-g2g-${id}`));
    targets.push(await emmettTarget(emmettDb.url, `g2g-append-emmett-${id}`));
    for (const t of targets) {
      const a = new Client({ connectionString: t.databaseUrl, application_name: 'g2g-append-admin' });
      a.on('error', () => undefined);
      await a.connect();
      admins.push(a);
    }
    const [{ server_version: postgres }] = (await admins[0].query<{ server_version: string }>('show server_version')).rows;
    const cases: AppendCase[] = [];
    let k = 0;
    for (const mode of modes) {
      for (const eventsPerCall of sizes) {
        const order = k++ % 2 === 0 ? [0, 1] : [1, 0];
        for (const i of order) {
          const t = targets[i];
          o.log(`${t.side}: ${eventsPerCall} event(s) per call, ${mode} streams, ${inFlight} in flight, ${o.calls !== undefined ? `${fmt(o.calls)} calls` : `${seconds} s`}; load ${loadAverage()}`);
          cases.push(
            await runCase(t, admins[i], {
              mode,
              eventsPerCall,
              inFlight,
              seconds,
              calls: o.calls ?? null,
              warmupCalls: o.warmupCalls ?? 25 * inFlight,
              caseId: `${mode}${eventsPerCall}`,
            }),
          );
        }
      }
    }
    const ratios = modes.flatMap((mode) =>
      sizes.map((eventsPerCall) => {
        const find = (side: Side) => cases.find((c) => c.side === side && c.mode === mode && c.eventsPerCall === eventsPerCall)!;
        return { mode, eventsPerCall, g2gOverEmmett: find('g2g').eventsPerSecond / find('emmett').eventsPerSecond };
      }),
    );
    return {
      server: o.server,
      postgres,
      emmett: packageVersion('@event-driven-io/emmett-postgresql'),
      cases,
      ratios,
      loadAverage: { before, after: loadAverage() },
    };
  } finally {
    for (const a of admins) await a.end().catch(() => undefined);
    for (const t of targets) await t.close().catch(() => undefined);
    await g2gDb.drop().catch((e) => o.log(`could not drop the g2g database: ${(e as Error).message}`));
    await emmettDb.drop().catch((e) => o.log(`could not drop the Emmett database: ${(e as Error).message}`));
  }
}

export function appendComparisonReport(r: AppendComparison): string {
  const micros = (n: number | null) => (n === null ? '?' : fmt(n));
  const rows = r.cases.map((c) => [
    `${c.side} ${c.mode} x${c.eventsPerCall}`,
    fmt(c.eventsPerSecond),
    fmt(c.callsPerSecond),
    fmt(c.calls),
    c.p50Ms.toFixed(1),
    c.p99Ms.toFixed(1),
    micros(c.clientCpuMicrosPerEvent),
    micros(c.serverCpuMicrosPerEvent),
    fmt(c.databaseBytesPerEvent),
  ]);
  const ratioRows = r.ratios.map((x) => [`${x.mode} streams, ${x.eventsPerCall} event(s) per call`, x.g2gOverEmmett.toFixed(2)]);
  return [
    `Append: g2g EventStore vs Emmett ${r.emmett} (PostgreSQL ${r.postgres}), ${r.cases[0]?.inFlight ?? '?'} calls in flight, one stream per call`,
    table(['side, streams, events per call', 'events/s', 'calls/s', 'calls', 'p50 ms', 'p99 ms', 'client CPU µs/event', 'server CPU µs/event', 'DB bytes/event'], rows),
    '',
    table(['g2g / Emmett, events/s', 'ratio'], ratioRows),
    `load average before ${r.loadAverage.before}, after ${r.loadAverage.after}`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const args = parseOptions(
    'npm run bench:append',
    process.argv.slice(2),
    {
      seconds: { kind: 'number', help: 'per side and case (default 10)' },
      calls: { kind: 'number', help: 'a fixed number of calls per side and case instead of a time' },
      events: { kind: 'string', help: 'events per call, comma-separated (default 1,10,100)' },
      'in-flight': { kind: 'number', help: 'calls at once (default 8)' },
      streams: { kind: 'string', help: 'new, existing or new,existing (default)' },
      json: { kind: 'flag', help: 'print the figures as JSON' },
    },
    { seconds: 10, calls: 0, events: '1,10,100', 'in-flight': 8, streams: 'new,existing', json: false },
  );
  const sizes = splitList(args.events).map(Number);
  if (sizes.some((n) => !Number.isSafeInteger(n) || n <= 0)) throw new Error(`--events: whole numbers > 0, not ${args.events}`);
  const modes = splitList(args.streams) as StreamMode[];
  if (modes.some((m) => m !== 'new' && m !== 'existing')) throw new Error(`--streams: new and/or existing, not ${args.streams}`);
  const log = (line: string) => process.stderr.write(`append: ${line}\n`);
  const result = await withCleanup((defer) =>
    appendCompare({
      defer,
      server: serverUrl(),
      eventsPerCall: sizes,
      inFlight: args['in-flight'],
      modes,
      seconds: args.seconds,
      calls: args.calls > 0 ? args.calls : undefined,
      log,
    }),
  );
  process.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : appendComparisonReport(result));
}

runMain(module, main);
