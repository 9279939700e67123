import { table } from '../bench/report';
import type { CampaignSummary, RunView } from './campaign';
import { redact } from './errors';

const s1 = (n: number | null | undefined) => (n === null || n === undefined ? '-' : `${n.toFixed(1)} s`);

function runRow(r: RunView | null, name: string): string[] {
  if (!r) return [name, '-', '-', '-', '-', '-', '-', 'not run'];
  const attempts = r.upload.attempts.length;
  return [
    name,
    s1(r.startupSeconds),
    r.upload.status !== null ? `${r.upload.status} after ${s1(r.upload.seconds)}` : 'never got through',
    String(attempts),
    s1(r.completeSeconds),
    s1(r.quietSeconds),
    s1(r.collected?.seconds),
    r.error ? `${r.error.kind === 'platform' ? 'platform failure' : 'tool error'}` : 'finished',
  ];
}

/** The faults table, the checks table and the verdict, for people. */
export function humanReport(s: CampaignSummary): string {
  const out: string[] = [''];
  out.push(`g2g fault campaign, ${s.date}`);
  out.push(
    `batch: ${s.batch.rows.toLocaleString('en-US')} rows of CSV (seed ${s.batch.seed}, every ${s.batch.invalidEvery || '-'}th row invalid); ` +
      `machine: ${s.machine.cores} cores, Node ${s.machine.node}, private PostgreSQL ${s.machine.postgres ?? '?'} on :${s.infra.postgresPort ?? '?'}, private Kafka on :${s.infra.kafkaPort ?? '?'}` +
      `${s.build ? `; build ${s.build.fingerprint}` : ''}`,
  );
  out.push('');
  out.push('runs (seconds after the upload started)');
  out.push(table(['run', 'services up', 'upload', 'PUTs', 'complete', 'quiet', 'collected in', 'result'], [runRow(s.clean, 'clean'), runRow(s.fault, 'fault')]));
  const attempts = s.fault?.upload?.attempts ?? [];
  if (attempts.length > 1) {
    out.push('');
    out.push('the fault run\'s PUTs');
    out.push(
      table(
        ['at', 'took', 'answer', 'Retry-After', 'then waited'],
        attempts.map((a) => [s1(a.at), s1(a.seconds), a.outcome, a.retryAfter ?? '-', a.waitedMs === null ? '-' : s1(a.waitedMs / 1000)]),
      ),
    );
  }
  if (s.faults.length > 0) {
    out.push('');
    out.push('faults injected');
    out.push(
      table(
        ['time', 'target', 'phase', 'progress', 'action'],
        s.faults.map((f) => [
          s1(f.at),
          f.target,
          f.phases.join(', '),
          f.progress === null ? '-' : `${Math.round(f.progress * 100)} %`,
          `${f.kind === 'unprompted' ? '(by itself) ' : ''}${f.action}`,
        ]),
      ),
    );
  }
  if (s.checks.length > 0) {
    out.push('');
    out.push('checks');
    out.push(table(['check', 'clean', 'fault run', 'ok'], s.checks.map((c) => [c.check, c.clean, c.fault, c.ok ? 'ok' : 'DIFFERS'])));
    const details = s.checks.filter((c) => !c.ok && c.detail);
    for (const c of details) out.push(`  ${c.check}: ${redact(c.detail!)}`);
  }
  for (const r of [s.clean, s.fault]) {
    if (r?.error && r.lastSample) out.push(`\n${r.name} run, the pipeline when it stopped: ${r.lastSample}`);
  }
  if (s.logs) out.push(`\nlogs (every service process, the broker, the server): ${s.logs}`);
  out.push('');
  out.push(`faults: ${s.verdict} - ${redact(s.reason)} (${s1(s.seconds)} in all)`);
  return `${out.join('\n')}\n`;
}
