import { Command, Context } from '../context';
import { SERVICES } from '../config';
import { formatCount, plural, table } from '../format';
import { replayStates } from './rebuild';

/** GET /audit */
export interface AuditReport {
  events: number;
  guarantees: number;
  violations: string[];
  differences: { figure: string; slice: Record<string, unknown>; period: { from: string; to: string }; projection: unknown; events: unknown }[];
  checked: { slices: number; figures: number };
}

/** Violations and differences listed in the human form unless --all. */
export const FINDINGS_SHOWN = 20;

/** The audit passes when no invariant is broken and every figure agrees with the events. */
export function auditPassed(r: Pick<AuditReport, 'violations' | 'differences'>): boolean {
  return (r.violations?.length ?? 0) === 0 && (r.differences?.length ?? 0) === 0;
}

const compact = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

function sliceText(slice: Record<string, unknown>): string {
  const entries = Object.entries(slice ?? {});
  return entries.length === 0 ? 'everything' : entries.map(([k, v]) => `${k}=${String(v)}`).join(', ');
}

/** A readable verdict: counts, then the broken invariants and the figures that differ. */
export function renderAudit(r: AuditReport, limit = FINDINGS_SHOWN): string {
  const violations = r.violations ?? [];
  const differences = r.differences ?? [];
  const scope =
    `checked ${plural(r.events, 'event')} and ${plural(r.guarantees, 'guarantee')}; ` +
    `compared ${plural(r.checked?.figures ?? 0, 'figure')} in ${plural(r.checked?.slices ?? 0, 'slice')} with the projections`;
  if (auditPassed(r)) return `audit passed: every invariant holds and the projections agree with the events\n${scope}\n`;
  let text = `audit FAILED: ${plural(violations.length, 'violation')}, ${plural(differences.length, 'difference')}\n${scope}\n`;
  if (violations.length > 0) {
    text += `\ninvariants broken (${formatCount(violations.length)}):\n`;
    text += violations.slice(0, limit).map((v) => `  - ${v}\n`).join('');
    if (violations.length > limit) text += `  ... and ${formatCount(violations.length - limit)} more (--all lists them)\n`;
  }
  if (differences.length > 0) {
    text += `\nfigures where the projections differ from the events (${formatCount(differences.length)}):\n`;
    const rows = differences.slice(0, limit).map((d) => [d.figure, sliceText(d.slice), d.period ? `${d.period.from}..${d.period.to}` : '', compact(d.projection), compact(d.events)]);
    text += table(rows, { header: ['figure', 'slice', 'period', 'projection', 'events'], indent: '  ' });
    if (differences.length > limit) text += `  ... and ${formatCount(differences.length - limit)} more (--all lists them)\n`;
    text += '  (g2g rebuild replays the events into the projections; a difference that survives it is a bug)\n';
  }
  return text;
}

export const auditCommand: Command = {
  name: 'audit',
  summary: 'check the invariants and recompute the figures from the events; exit 1 on any finding',
  flags: ['all', 'figures-only'],
  help: `Usage: g2g audit [--all] [--figures-only] [--json]

Asks reporting to fold its event log alone (not the projections): every invariant of domain.md 7
(parts sum to their amounts for risk, compensation, support and recovery; outstanding principal
within bounds; nothing issued, claimed or recovered twice; recoveries within what was lost; quotas
kept), and the figures recomputed for the whole period, in total and per programme and bank,
compared with what the projections answer. Then every service's state is replayed from its own
events and compared, and rolled back (g2g rebuild --service all --verify): each service holds its
writers for as long as that takes. Exits 0 when all is well, 1 when anything is wrong.
Uses the operator key unless --key or --as (e.g. --as NFRA) names another.

Options:
  --all            list every violation and difference (default: the first ${FINDINGS_SHOWN} of each)
  --figures-only   only reporting's invariants and figures, not the services' state
  --json           the server's answer {events, guarantees, violations, differences, checked}, with
                   state: [each service's verification] (exit code as above)`,
  async run(ctx: Context) {
    ctx.opts.positionals(0, '');
    const client = ctx.client('reporting', { kind: 'operator' });
    const { body } = await client.get<AuditReport>('/audit');
    if (!ctx.json) await ctx.print(renderAudit(body, ctx.opts.switch('all') ? Infinity : FINDINGS_SHOWN));
    const state = ctx.opts.switch('figures-only') ? [] : await replayStates(ctx, SERVICES, 'verify');
    if (ctx.json) await ctx.printJson(ctx.opts.switch('figures-only') ? body : { ...body, state });
    return auditPassed(body) && state.every((r) => r.identical) ? 0 : 1;
  },
};
