import { UsageError } from '../args';
import { SERVICES, Service } from '../config';
import { Command, Context } from '../context';
import { formatCount, plural } from '../format';

/** A service's answer to `POST /projections/{service}/rebuild` and `GET .../verify`. */
export interface RebuildReport {
  service: string;
  events: number;
  rows: number;
  seconds: number;
  eventsPerSecond: number;
  identical: boolean;
  differences: { table: string; extra: number; missing: number }[];
  committed: boolean;
}

export function renderRebuild(r: RebuildReport): string {
  const what = r.committed ? 'rebuilt' : 'verified';
  const head = `${r.service}: ${what} ${plural(r.rows, 'row')} from ${plural(r.events, 'event')} in ${formatCount(Math.round(r.seconds * 1000))} ms (${formatCount(r.eventsPerSecond)} events/s)`;
  if (r.identical) return `${head}: the same as before\n`;
  const tables = r.differences.map((d) => `  ${d.table}: ${formatCount(d.extra)} rows the events do not give, ${formatCount(d.missing)} rows they give that were missing\n`).join('');
  return `${head}: DIFFERENT\n${tables}`;
}

/**
 * Each service's state replayed from its own events, one service after the other: rebuilt, or
 * verified (rolled back). Each answer is printed as it comes, unless --json.
 */
export async function replayStates(ctx: Context, services: readonly Service[], mode: 'rebuild' | 'verify'): Promise<RebuildReport[]> {
  const reports: RebuildReport[] = [];
  for (const service of services) {
    const client = ctx.client(service, { kind: 'operator' });
    const path = `/projections/${service}/${mode}`;
    const { body } = mode === 'verify' ? await client.get<RebuildReport>(path) : await client.post<RebuildReport>(path);
    reports.push(body);
    if (!ctx.json) await ctx.print(renderRebuild(body));
  }
  return reports;
}

export function servicesNamed(name: string | undefined): readonly Service[] {
  if (name === undefined) return ['reporting'];
  if (name === 'all') return SERVICES;
  if (!SERVICES.includes(name as Service)) throw new UsageError(`--service must be one of ${SERVICES.join(', ')} or all, not ${name}`);
  return [name as Service];
}

export const rebuildCommand: Command = {
  name: 'rebuild',
  summary: "rebuild a service's state from its own events, while it runs (operator)",
  flags: ['service', 'verify'],
  help: `Usage: g2g rebuild [--service NAME|all] [--verify] [--json]

Empties a service's state (reporting: its read models; intake: its batches, rows and filed loans;
underwriting: the programmes' books; cession: the cessions; compensation: its guarantees, claims and
waiting rows; every service: its reference data) and replays every event of its own log into it, in
one transaction: writers wait, readers see the old state until the new one is complete. It says
whether the state came out the same; a difference is a bug. Exits 1 when any service differs.
Uses the operator key unless --key/--as.

Options:
  --service NAME   intake, underwriting, cession, compensation, reporting (the default), or all
  --verify         replay and compare, then roll back: changes nothing (a regulator may run it)
  --json           the services' answers, an array of {service, events, rows, seconds,
                   eventsPerSecond, identical, differences, committed}`,
  async run(ctx: Context) {
    ctx.opts.positionals(0, '');
    const reports = await replayStates(ctx, servicesNamed(ctx.opts.string('service')), ctx.opts.switch('verify') ? 'verify' : 'rebuild');
    if (ctx.json) await ctx.printJson(reports);
    return reports.every((r) => r.identical) ? 0 : 1;
  },
};
