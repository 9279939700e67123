import { addDays, isValidDate } from '@g2g/domain';
import { Sql } from '@g2g/event-store';
import { SCHEMA } from '../record-log/record-log.consumer';

/** A page of the audit trail: which way, from where, how many, which actions, which period. */
export interface AuditTrailQuery {
  order: 'newest' | 'oldest';
  /** the `seq` of the last entry read: the page continues after it, in the page's order */
  after: bigint | null;
  limit: number;
  actions: string[] | null;
  /** recorded at or after this instant */
  from: string | null;
  /** recorded before this instant */
  before: string | null;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/**
 * Reads the query string of `GET /audit-trail`: `order` newest (default) or oldest, `after` a seq,
 * `limit` 1-1000, `action` one or more action names (comma-separated), `from` and `to` dates
 * (China time, both days included).
 */
export function readAuditTrailQuery(q: Record<string, string | undefined>): { ok: true; query: AuditTrailQuery } | { ok: false; code: string; message: string } {
  const order = q.order ?? 'newest';
  if (order !== 'newest' && order !== 'oldest') return { ok: false, code: 'BAD_ORDER', message: 'order: newest or oldest' };
  if (q.after !== undefined && !/^\d{1,18}$/.test(q.after)) return { ok: false, code: 'BAD_CURSOR', message: 'after: the seq of the last entry read' };
  if (q.limit !== undefined && (!/^\d{1,4}$/.test(q.limit) || Number(q.limit) < 1 || Number(q.limit) > MAX_LIMIT)) {
    return { ok: false, code: 'BAD_LIMIT', message: `limit: 1 to ${MAX_LIMIT}` };
  }
  for (const [name, value] of [['from', q.from], ['to', q.to]] as const) {
    if (value !== undefined && !isValidDate(value)) return { ok: false, code: 'BAD_PERIOD', message: `${name}: a date YYYY-MM-DD (China time)` };
  }
  if (q.from !== undefined && q.to !== undefined && q.from > q.to) return { ok: false, code: 'BAD_PERIOD', message: 'from is after to' };
  const actions = q.action === undefined ? null : q.action.split(',').map((a) => a.trim()).filter(Boolean);
  if (actions !== null && actions.length === 0) return { ok: false, code: 'BAD_ACTION', message: 'action: one or more action names, comma-separated' };
  return {
    ok: true,
    query: {
      order,
      after: q.after === undefined ? null : BigInt(q.after),
      limit: q.limit === undefined ? DEFAULT_LIMIT : Number(q.limit),
      actions,
      from: q.from === undefined ? null : chinaMidnight(q.from),
      before: q.to === undefined ? null : chinaMidnight(addDays(q.to, 1)),
    },
  };
}

/** The instant a China-time day begins (UTC+8, no daylight saving). */
export function chinaMidnight(date: string): string {
  return new Date(`${date}T00:00:00+08:00`).toISOString();
}

/** One page of the trail; `next` is the `after` of the following page, null when this one reached the end. */
export async function auditTrail(sql: Sql, q: AuditTrailQuery) {
  const newest = q.order === 'newest';
  const rows = await sql.query<{ seq_text: string; action_id: string; recorded_at: Date; service: string; action: string; actor: string; actor_key_id: string; subject: string; details: Record<string, unknown> }>(
    // ordered by the bigint column itself (an alias seq of seq::text would sort as text: '10' < '9')
    `select seq::text as seq_text, action_id, recorded_at, service, action, actor, actor_key_id, subject, details
       from ${SCHEMA}.r_audit_trail
      where ($1::bigint is null or ${newest ? 'seq < $1::bigint' : 'seq > $1::bigint'})
        and ($2::text[] is null or action = any($2::text[]))
        and ($3::timestamptz is null or recorded_at >= $3::timestamptz)
        and ($4::timestamptz is null or recorded_at < $4::timestamptz)
      order by seq ${newest ? 'desc' : 'asc'}
      limit $5`,
    [q.after?.toString() ?? null, q.actions, q.from, q.before, q.limit + 1],
  );
  const page = rows.slice(0, q.limit);
  const entries = page.map((r) => ({
    seq: Number(r.seq_text),
    action_id: r.action_id,
    recorded_at: r.recorded_at.toISOString(),
    service: r.service,
    action: r.action,
    actor: r.actor,
    actor_key_id: r.actor_key_id,
    subject: r.subject,
    details: r.details,
  }));
  return { entries, next: rows.length > q.limit ? entries[entries.length - 1].seq : null };
}
