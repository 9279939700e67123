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
