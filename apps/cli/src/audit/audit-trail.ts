import { Command, Context } from '../context';
import { plural, table } from '../format';
import { ApiClient, Query } from '../http';

/** One entry of GET /audit-trail. */
export interface AuditTrailEntry {
  seq: number;
  action_id: string;
  recorded_at: string;
  service: string;
  action: string;
  actor: string;
  actor_key_id: string;
  subject: string;
  details: Record<string, unknown>;
}

export interface AuditTrailPage {
  entries: AuditTrailEntry[];
  /** the `after` of the following page; null when the page reached the end */
  next: number | null;
}

/** One page, or with `all` every page until the end. A cursor that does not move is a server fault. */
export async function readAuditTrail(client: ApiClient, query: Query, all: boolean): Promise<AuditTrailPage> {
  const entries: AuditTrailEntry[] = [];
  let after = query.after;
  for (;;) {
    const { body } = await client.get<AuditTrailPage>('/audit-trail', { ...query, after });
    entries.push(...body.entries);
    if (!all || body.next === null) return { entries, next: body.next };
    if (body.next === after) throw new Error(`the audit trail's cursor did not advance (after=${String(after)})`);
    after = body.next;
  }
}

/** Details for people: `keyIds=a,b all=false`. */
export function describeDetails(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') || '(none)' : String(v)}`)
    .join(' ');
}

export function renderAuditTrail(page: AuditTrailPage, order: string, more: string): string {
  if (page.entries.length === 0) return 'audit trail: no action recorded that fits\n';
  const rows = page.entries.map((e) => [String(e.seq), e.recorded_at, e.service, e.action, `${e.actor} (${e.actor_key_id})`, e.subject, describeDetails(e.details)]);
  return (
    `audit trail: ${plural(page.entries.length, 'action')}, ${order} first\n` +
    table(rows, { header: ['seq', 'recorded at', 'service', 'action', 'who (key id)', 'subject', 'details'], indent: '  ' }) +
    (page.next === null ? '' : `more: ${more} --after ${page.next}\n`)
  );
}

export const auditTrailCommand: Command = {
  name: 'audit-trail',
  summary: 'every operator action, with who did it and when (operator, regulator)',
  flags: ['order', 'after', 'limit', 'all', 'action', 'from', 'to'],
  help: `Usage: g2g audit-trail [--order newest|oldest] [--after SEQ] [--limit N] [--all]
                     [--action NAME[,NAME...]] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]

The operator actions of every service, as reporting keeps them: participants registered,
programmes published, API keys issued and revoked, programmes resumed, read models rebuilt. Each
says who (the participant code of the operator, OPERATOR for the bootstrap key, and the id of the
key used) and when. An operator or a regulator reads it (a regulator with --as CODE); others are
refused. Uses the operator key unless --key/--as.

Options:
  --order O     newest (default) or oldest first
  --after SEQ   continue after this entry (the cursor each page ends with)
  --limit N     entries per page (server default 100, at most 1000)
  --all         read page after page to the end
  --action A    only these actions (comma-separated): participant-registered, programme-published,
                api-key-issued, api-key-revoked, programme-resumed, projections-rebuilt
  --from D      recorded on or after this day (China time)
  --to D        recorded on or before this day (China time)
  --json        the server's answer {entries: [{seq, action_id, recorded_at, service, action, actor,
                actor_key_id, subject, details}], next} (with --all, every entry in one answer)`,
  async run(ctx: Context) {
    const { opts } = ctx;
    opts.positionals(0, '');
    const order = opts.choice('order', ['newest', 'oldest'] as const) ?? 'newest';
    const query: Query = {
      order,
      after: opts.integer('after', { min: 0 }),
      limit: opts.integer('limit', { min: 1 }),
      action: opts.string('action'),
      from: opts.date('from'),
      to: opts.date('to'),
    };
    const page = await readAuditTrail(ctx.client('reporting', { kind: 'operator' }), query, opts.switch('all'));
    if (ctx.json) await ctx.printJson(page);
    else {
      const flags = { as: opts.string('as'), order: order === 'oldest' ? order : undefined, limit: query.limit, action: query.action, from: query.from, to: query.to };
      const again = Object.entries(flags).flatMap(([name, value]) => (value === undefined ? [] : [`--${name} ${value}`]));
      await ctx.print(renderAuditTrail(page, order, ['g2g audit-trail', ...again].join(' ')));
    }
  },
};
