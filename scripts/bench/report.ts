import type { BenchSummary } from './bench';
import { ActivitySummary } from './activity';
import { PipelineSample } from './pipeline-probe';
import type { PlatformResult } from './run-steps';

/** The human-readable report of a benchmark run. */

const n0 = (n: number) => Math.round(n).toLocaleString('en-US');
const n1 = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const n2 = (n: number) => n.toFixed(2);
const mbText = (n: number | null) => (n === null ? '?' : n1(n));

export function table(header: string[], rows: (string | number)[][], rightAlign: boolean[] = []): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => '  ' + r.map((c, i) => (rightAlign[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

export function humanReport(s: BenchSummary): string {
  const out: string[] = [];
  const m = s.machine;
  out.push('');
  out.push(`g2g benchmark, ${s.date}`);
  out.push(`machine: ${m.nproc} cores (${m.cpu}), ${m.memoryGiB} GiB; Node ${m.node}; PostgreSQL ${m.postgres}; Kafka ${m.kafka} (kafkajs ${m.kafkajs}); load average at the start ${m.loadAverage.join(' ')}`);
  out.push(`code: build fingerprint ${s.code.fingerprint} (${s.code.files} files in dist/apps, dist/libs; newest ${s.code.newestFile})`);
  out.push(`batch: ${n0(s.rows)} rows of CSV, ${n1(s.batchFile.bytes / 1e6)} MB, seed ${s.seed} (generated in ${n1(s.batchFile.generateSeconds)} s, not timed)`);
  if (s.baseline !== undefined) {
    out.push('', '==== first: one process per service (--compare-instances) ====');
    out.push(s.baseline ? runReport(s, s.baseline) : '  (did not finish)');
    out.push('', `==== then: ${s.instances} processes per service ====`);
  }
  if (s.platform) out.push(runReport(s, s.platform));
  if (s.failedRun) {
    const f = s.failedRun;
    out.push('');
    out.push('the platform part FAILED (see below); milestones it reached:');
    out.push(table(['milestone', 'seconds', 'rows/s'], f.milestones.map((ms) => [ms.name, n1(ms.seconds), n0(s.rows / ms.seconds)]), [false, true, true]));
    if (f.quietSeconds !== null) {
      out.push(`  the pipeline went quiet (no lag, nothing to relay) at about ${n1(f.quietSeconds)} s (2 s samples) = ${n0(s.rows / f.quietSeconds)} loans/s, with ${n0(f.deadLetters)} messages parked as dead letters`);
    }
  }
  out.push(ceilingReport(s));
  if (s.backup) {
    const b = s.backup;
    out.push('');
    out.push(`backup of the run's database: ${n0(b.rows)} rows (logs, outboxes, inboxes, checkpoints), ${n1(b.bytes / 1e6)} MB gzip, in ${n1(b.backupSeconds)} s = ${n0(s.rows / b.backupSeconds)} loans/s`);
    out.push(`restore into a fresh database, every state replayed: ${n1(b.restoreSeconds)} s = ${n0(s.rows / b.restoreSeconds)} loans/s; events ${b.sameEvents ? 'the same' : 'DIFFERENT  <-- MISMATCH'} as backed up`);
  }
  if (s.comparison) {
    out.push('');
    out.push(`one process per service against ${s.instances}: ${s.comparison.same ? 'THE SAME' : 'DIFFERENT  <-- MISMATCH'}`);
    out.push(table(['compared', 'same', 'one process / several'], s.comparison.checks.map((c) => [c.what, c.same ? 'yes' : 'NO', c.detail]), [false, false, false]));
  }
  out.push(`  bench process peak RSS (VmHWM), whole run${s.ceilings.kafka ? ' incl. ceilings' : ''}: ${s.benchPeakRssMb === null ? '?' : n1(s.benchPeakRssMb)} MB (pid ${s.benchPid})`);
  if (s.error) {
    out.push('');
    out.push(`FAILED: ${s.error.split('\n')[0]}`);
  }
  out.push('');
  return out.join('\n');
}

/** One run of the batch: its milestones, memory, CPU, pipeline over time, consumers and verification. */
function runReport(s: BenchSummary, p: PlatformResult): string {
  const out: string[] = [];
  out.push('');
  out.push(
  `platform: ${p.mode === 'embedded' ? 'embedded: one process (the five services, delivery through the database) and its embedded PostgreSQL (PGlite) process' : `distributed: ${p.instances} process${p.instances === 1 ? '' : 'es'} of each service over Kafka and PostgreSQL`}`,
  );
  out.push(`end to end: upload start -> every projection caught up (${p.mode === 'embedded' ? 'platform' : 'services'} started in ${n1(p.startupSeconds)} s, not timed)`);

  out.push(
    table(
      ['milestone', 'seconds', 'rows/s'],
      p.milestones.map((ms) => [ms.name, n1(ms.seconds), n0(s.rows / ms.seconds)]),
      [false, true, true],
    ),
  );
  out.push(`  outcomes: ${n0(p.approved)} approved, ${n0(p.rejected)} rejected, ${n0(p.invalid)} invalid of ${n0(p.rows)} rows`);
  out.push(`  figures, re-guarantee fees and feed complete after ${n1(p.figuresCompleteSeconds)} s = ${n0(s.rows / p.figuresCompleteSeconds)} loans/s`);
  out.push(`  END TO END (all of the above and the whole pipeline quiet): ${n0(s.rows)} loans in ${n1(p.endToEndSeconds)} s = ${n0(p.loansPerSecond)} loans/s`);
  out.push('');
  out.push('memory, MB');
  const platformMemory = p.memory.filter((x) => !x.process.startsWith('bench'));
  const sumOfPeaks = platformMemory.reduce((a, x) => a + (x.peakRssMb ?? 0), 0);
  out.push(
    table(
      ['process', 'pid', 'peak RSS (VmHWM)', 'max VmRSS sampled every 500 ms', 'at the end: anonymous / files'],
      [
        ...p.memory.map((x) => [x.process, x.pid, mbText(x.peakRssMb), mbText(x.maxSampledRssMb), `${mbText(x.anonMb)} / ${mbText(x.fileMb)}`]),
        ['THE PLATFORM: sum of the peaks / the most held together at one sample', '', n1(sumOfPeaks), n1(p.peakTogetherMb), ''],
      ],
      [false, true, true, true, true],
    ),
  );
  const pg = p.embeddedPostgresMemory;
  if (pg) {
    out.push(`  inside the PGlite process, PostgreSQL holds ${n1(pg.sharedMemoryMb)} MB of shared memory (${n1(pg.sharedBuffersMb)} MB of it shared buffers) and ${n1(pg.backendContextsMb)} MB of backend memory contexts (pg_shmem_allocations, pg_backend_memory_contexts)`);
    const early = p.memory.filter((x) => x.peakRssMb !== null && x.maxSampledRssMb !== null && x.peakRssMb > x.maxSampledRssMb + 20 && !x.process.startsWith('bench'));
    if (early.length > 0) out.push(`  ${early.map((x) => x.process).join(', ')}: the peak (VmHWM) came before the samples began, at start-up (the new database is created then); the timed part is in the sampled column`);
  }
  if (p.mode === 'embedded') {
    // the embedded platform's target: 100,000 loans in 20 s or less, its processes together under 512 MB
    const rate = 100_000 / 20;
    out.push(
      `  target (100,000 loans in <= 20 s = ${n0(rate)} loans/s; the processes together < 512 MB): ${n0(p.loansPerSecond)} loans/s = ${n2(p.loansPerSecond / rate)} x the rate` +
        ` (${n0(s.rows)} loans in ${n1(p.endToEndSeconds)} s${s.rows === 100_000 ? '' : `, 100,000 at this rate in about ${n0(100_000 / p.loansPerSecond)} s`}); ` +
        `${n0(p.peakTogetherMb)} MB together at most (${n0(sumOfPeaks)} MB summing each process's peak): ${p.loansPerSecond >= rate ? 'rate met' : 'RATE NOT MET'}, ${sumOfPeaks < 512 ? 'memory met' : 'MEMORY NOT MET'}`,
    );
  }

  out.push('');
  const c = p.cpu;
  const known = Object.values(c.groups).reduce((a, b) => a + b, 0);
  out.push(`CPU during the timed window: ${n1(c.wallSeconds)} s wall x ${n1(c.machineCores)} cores = ${n1(c.wallSeconds * c.machineCores)} core-seconds; machine busy ${n1(c.machineBusySeconds)} (${n0((100 * c.machineBusySeconds) / Math.max(1e-9, c.wallSeconds * c.machineCores))} %)`);
  const groups = Object.entries(c.groups).sort((a, b) => b[1] - a[1]);
  const perLoan = (sec: number) => n0((1e6 * sec) / s.rows);
  const platform = groups.filter(([name]) => isPlatform(name));
  const platformSeconds = platform.reduce((a, [, sec]) => a + sec, 0);
  const platformSystem = platform.reduce((a, [name]) => a + (c.systemGroups[name] ?? 0), 0);
  const other = Math.max(0, c.machineBusySeconds - known);
  out.push(
    table(
      ['process group', 'CPU s', 'of it system', '% of one core', 'µs per loan'],
      [
        ...groups.map(([name, sec]) => [name, n1(sec), n1(c.systemGroups[name] ?? 0), n0((100 * sec) / c.wallSeconds), perLoan(sec)]),
        ['everything else on the machine', n1(other), '', n0((100 * other) / c.wallSeconds), ''],
        ['THE PLATFORM (services, their database backends, the broker)', n1(platformSeconds), n1(platformSystem), n0((100 * platformSeconds) / c.wallSeconds), perLoan(platformSeconds)],
      ],
      [false, true, true, true, true],
    ),
  );

  if (p.idle) {
    const rest = Object.entries(p.idle.groups).filter(([g]) => isPlatform(g)).sort((a, b) => b[1] - a[1]);
    const total = rest.reduce((a, [, v]) => a + v, 0);
    out.push(`at rest before the upload (${n1(p.idle.seconds)} s, nothing sent; the samplers above ran): the platform used ${n1(100 * total)} % of one core, = ${perLoan(total * c.wallSeconds)} µs per loan of this run`);
    out.push(`  ${rest.filter(([, v]) => v >= 0.001).map(([g, v]) => `${g} ${n1(100 * v)} %`).join(', ')}`);
  }

  out.push('');
  out.push('pipeline over time (filed/decided: intake batch counters; unrelayed: outbox rows behind the relay checkpoint;');
  out.push(
    p.mode === 'embedded'
      ? 'lag: rows behind each in-database follower\'s checkpoint, from GET /health/backlog; dead letters through the embedded database\'s socket)'
      : 'lag: Kafka consumer group lag in messages, or events behind an in-database log follower\'s checkpoint)',
  );
  out.push(timelineTable(p.timeline, 25));
  const slices = sliceRates(p.timeline, s.rows);
  if (slices.length > 1) {
    out.push('');
    out.push('throughput per slice of the batch (when the decided count crossed each boundary, from the samples above, interpolated)');
    out.push(table(['rows decided', 'from s', 'to s', 'loans/s'], slices.map((x) => [x.slice, n1(x.from), n1(x.to), n0(x.perSecond)]), [false, true, true, true]));
  }

  out.push('');
  out.push('consumer transactions (from each inbox: handled_at is the transaction start; seconds after the upload started)');
  out.push(
    table(
      ['consumer', 'messages', 'transactions', 'messages/tx', 'first s', 'last s', 'messages/s first->last'],
      p.consumers.map((c) => [
        c.consumer,
        n0(c.messages),
        n0(c.transactions),
        n0(c.messages / Math.max(1, c.transactions)),
        n1(c.firstSeconds),
        n1(c.lastSeconds),
        n0(c.messages / Math.max(1e-3, c.lastSeconds - c.firstSeconds)),
      ]),
      [false, true, true, true, true, true, true],
    ),
  );
  if (p.activity) out.push('', activityReport(p.activity));

  out.push('');
  const v = p.verification;
  out.push('verification (not timed)');
  out.push(
    `  figures new_guarantees.count ${n0(v.figuresCount)} (approved ${n0(p.approved)}); re-guarantee fees in the figures ${JSON.stringify(v.figuresReguaranteeFees)} ${v.feesAgree ? '=' : '!='} ` +
      `cession's monthly statements summed ${JSON.stringify(v.cessionReguaranteeFees)}, loans on them ${JSON.stringify(v.cessionStatementLoans)}${v.feesAgree ? '' : '  <-- MISMATCH'}`,
  );
  out.push(`  every row's outcome (GET .../rows page by page): ${n0(v.outcomes.rows)} rows, ${n0(v.outcomes.approved)} approved, ${n0(v.outcomes.rejected)} rejected, ${n0(v.outcomes.invalid)} invalid, sha256 ${v.outcomes.sha256.slice(0, 16)}`);
  if (v.feed) {
    const f = v.feed;
    const ok = f.returned === f.expected && f.distinct === f.expected;
    out.push(
      `  BJ-REG feed over HTTP (GET /feed?after=&limit=5000 page by page): ${n0(f.returned)} messages returned, ${n0(f.distinct)} distinct (${n0(f.issued)} issued, ${n0(f.ceded)} ceded), expected ${n0(f.expected)}; ${f.pages} pages, ${n1(f.seconds)} s${ok ? '' : '  <-- MISMATCH'}`,
    );
  }
  const rb = v.rebuild;
  out.push(`  rebuild of every read model from reporting's log: ${n0(rb.events)} events in ${n1(rb.seconds)} s; figures ${rb.sameFigures ? 'identical' : 'DIFFERENT  <-- MISMATCH'} before and after`);
  for (const r of v.stateRebuilds ?? []) {
    out.push(`  rebuild of ${r.service}'s state from its own log: ${n0(r.events)} events -> ${n0(r.rows)} rows in ${n1(r.seconds)} s = ${n0(r.loansPerSecond)} loans/s; ${r.identical ? 'the same as before' : 'DIFFERENT  <-- MISMATCH'}`);
  }
  if (v.reads?.length) {
    out.push(`  the reads behind the console's pages (GET as NFRA, three calls each, ms):`);
    for (const r of v.reads) out.push(`    ${r.read.padEnd(62)} ${r.ms.map((x) => x.toFixed(0).padStart(6)).join(' ')}`);
  }
  const au = v.audit;
  const clean = au.violations.length === 0 && au.differences === 0;
  out.push(
    `  audit from the events alone: ${n0(au.events)} events, ${n0(au.guarantees)} guarantees, ${n0(au.figuresCompared)} figures compared, ${au.violations.length} invariant violations, ${au.differences} differences (${n1(au.seconds)} s)${clean ? '' : '  <-- MISMATCH'}`,
  );
  const dead = p.deadLetters.reduce((a, d) => a + d.count, 0);
  out.push(`  dead letters: ${dead === 0 ? 'none' : p.deadLetters.map((d) => `${d.count} x ${d.schema} parked ${d.topic}: ${d.error}`).join('; ')}`);
  out.push(
    `  largest tables (with indexes): ${p.storage.largestTables.map((t) => `${t.table} ${n0(t.bytes / 1e6)} MB`).join(', ')}`,
  );
  out.push(`  database size${p.mode === 'embedded' ? ' (pg_database_size in PGlite)' : ''} ${n1(p.storage.databaseBytes / 1e6)} MB (${n1(p.storage.databaseBytes / s.rows / 1e3)} kB per row); outbox messages: ${p.storage.outbox.filter((o) => o.messages > 10).map((o) => `${o.topic} ${n0(o.messages)} x ${o.avgValueBytes} B`).join(', ')}`);
  return out.join('\n');
}

/** The pipeline samples as a table, at most about `maxRows` rows (evenly thinned, last one kept). */
export function timelineTable(samples: readonly PipelineSample[], maxRows: number): string {
  if (samples.length === 0) return '  (no samples)';
  const stride = Math.max(1, Math.ceil(samples.length / maxRows));
  const picked = samples.filter((_, i) => i % stride === 0 || i === samples.length - 1);
  const schemas = [...new Set(samples.flatMap((x) => Object.keys(x.unrelayed)))];
  const lagKeys = [...new Set(samples.flatMap((x) => Object.keys(x.lag)))].filter((k) => samples.some((x) => (x.lag[k] ?? 0) > 0));
  const label = (k: string) => (k.startsWith('kafka:') ? `lag ${k.slice(6)}` : `lag ${k.slice(4)} (db log)`);
  return table(
    ['t s', 'filed', 'decided', `unrelayed ${schemas.join('/')}`, 'produced filed/issued/rejected/ceded', 'dead letters', ...lagKeys.map(label)],
    picked.map((x) => [
      n1(x.t),
      n0(x.filed),
      n0(x.decided),
      schemas.map((sc) => n0(x.unrelayed[sc] ?? 0)).join('/'),
      `${n0(x.produced.loansFiled ?? 0)}/${n0(x.produced.loansDecided ?? 0)}/${n0(x.produced.ceded ?? 0)}`,
      n0(x.deadLetters ?? 0),
      ...lagKeys.map((k) => n0(x.lag[k] ?? 0)),
    ]),
    [true, true, true, true, true, true, ...lagKeys.map(() => true)],
  );
}

/** Average connections of each service in each state and statement (from pg_stat_activity samples). */
export function activityReport(a: ActivitySummary): string {
  const out: string[] = [];
  out.push(`database activity (pg_stat_activity every ${a.everyMs} ms, ${n0(a.samples)} samples): average connections of each service`);
  for (const svc of a.services) {
    out.push(`  ${svc.application}: running a statement ${n2(svc.active)}, idle in transaction ${n2(svc.idleInTransaction)}`);
    for (const st of svc.statements.slice(0, 5)) out.push(`    ${n2(st.active)}  ${st.statement}`);
    out.push(`    waits: ${svc.waits.map((w) => `${w.wait} ${n2(w.active)}`).join(', ')}`);
    const l = svc.longestTransaction;
    if (l) out.push(`    longest open transaction seen: ${n1(l.seconds)} s (${l.state}${l.wait ? `, waiting ${l.wait}` : ''}: ${l.statement})`);
  }
  return out.join('\n');
}

function ceilingReport(s: BenchSummary): string {
  const out: string[] = [];
  const k = s.ceilings.kafka;
  const g = s.ceilings.postgres;
  const e2e = s.platform?.loansPerSecond;
  const ratio = (ceiling: number) => (e2e === undefined ? 'n/a' : n2(e2e / ceiling));
  if (!k && !g) return '';
  out.push('');
  out.push(`ceilings, same broker and database, ${n0(s.rows)} messages/rows of ${k?.avgValueBytes ?? g?.avgValueBytes} bytes (real loan-filed messages)`);
  const rows: (string | number)[][] = [];
  if (k) {
    rows.push([`Kafka produce (idempotent, acks -1, 1,000 per request, ${k.partitions} partitions)`, n1(k.produce.seconds), n0(k.produce.perSecond), ratio(k.produce.perSecond)]);
    rows.push([`Kafka consume (group, commit per batch; join ${n1(k.consume.joinSeconds)} s not counted)`, n1(k.consume.seconds), n0(k.consume.perSecond), ratio(k.consume.perSecond)]);
    rows.push(['Kafka produce + consume at once', n1(k.together.seconds), n0(k.together.perSecond), ratio(k.together.perSecond)]);
  }
  if (g) rows.push(['PostgreSQL insert (unnest, 1,000 rows per statement and transaction)', n1(g.seconds), n0(g.perSecond), ratio(g.perSecond)]);
  out.push(table(['ceiling', 'seconds', 'per second', 'end to end / ceiling'], rows, [false, true, true, true]));
  if (e2e !== undefined) {
    const parts: string[] = [];
    if (s.ratios.kafkaTogether !== null) parts.push(`${n2(s.ratios.kafkaTogether)} x Kafka produce+consume ceiling`);
    if (s.ratios.postgres !== null) parts.push(`${n2(s.ratios.postgres)} x PostgreSQL insert ceiling`);
    out.push(`  end to end ${n0(e2e)} loans/s = ${parts.join(', ')}`);
  }
  return out.join('\n');
}

/** The platform's own processes in the CPU table: not the benchmark, nor the rest of the machine. */
function isPlatform(group: string): boolean {
  return group.startsWith('node: ') ? group !== 'node: bench (this process)' : group === 'kafka broker' || (group.startsWith('postgres: backends of ') && group !== 'postgres: backends of g2g-bench');
}

/**
 * Decided rows per second within each slice of the batch (100,000 rows, or a tenth of smaller
 * batches): the time each boundary was crossed, interpolated between the two samples around it.
 * A rate that falls from slice to slice is a cost that grows with the log.
 */
export function sliceRates(samples: readonly PipelineSample[], rows: number): { slice: string; from: number; to: number; perSecond: number }[] {
  const size = rows >= 200_000 ? 100_000 : Math.max(1, Math.round(rows / 10));
  const crossed = (n: number): number | null => {
    if (n === 0) return 0;
    for (let i = 1; i < samples.length; i++) {
      const a = samples[i - 1];
      const b = samples[i];
      if (b.decided >= n && a.decided < n) return a.t + ((b.t - a.t) * (n - a.decided)) / (b.decided - a.decided);
    }
    return null;
  };
  const out: { slice: string; from: number; to: number; perSecond: number }[] = [];
  for (let start = 0; start < rows; start += size) {
    const end = Math.min(rows, start + size);
    const from = crossed(start);
    const to = crossed(end);
    if (from === null || to === null || to <= from) continue;
    out.push({ slice: `${start.toLocaleString('en-US')}-${end.toLocaleString('en-US')}`, from, to, perSecond: (end - start) / (to - from) });
  }
  return out;
}
