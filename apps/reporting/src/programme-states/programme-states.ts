import { programmeResumedV1, programmeSuspendedV1 } from '@g2g/contracts';
import { decimalRatio, formatYuan } from '@g2g/domain';
import { Sql } from '@g2g/event-store';
import { issuedCellsAsOf } from '../figures-api/cells-as-of';
import { SCHEMA } from '../record-log/record-log.consumer';
import { fenOf } from '../slices/slice-sql';

/** A programme's breaker, as reporting knows it at the end of a date (and as of a time). */
export interface ProgrammeState {
  programme: string;
  /** the programme version in effect on that date: its Fund cap and breaker, in percent */
  fund_cap_pct: string | null;
  breaker_pct: string | null;
  /** every guarantee issued under it by then, and every compensation paid under it by then */
  principal_guaranteed: string;
  compensation: string;
  /** compensation / principal guaranteed, in percent (the loss ratio the cap and the breaker are set against); null before any issue */
  loss_ratio_pct: string | null;
  /** suspended by its breaker and not resumed since (by what reporting had recorded by the as-of time) */
  suspended: boolean;
  suspended_on: string | null;
}

/**
 * Each programme's loss ratio against its Fund cap and its breaker, and whether its breaker holds
 * it suspended: the cap and breaker from the programme version in effect at `to`, the loss ratio
 * from every issue and claim dated by then, the suspension from the last suspension or resumption
 * in reporting's log recorded by the as-of time. The platform itself counts the loss ratio in the
 * order it decided loans and claims (domain.md 5); by business date the two agree once the claims
 * of a date are all decided.
 */
export async function programmeStates(sql: Sql, programmes: readonly string[], to: string, asOf?: string): Promise<ProgrammeState[]> {
  if (programmes.length === 0) return [];
  const known = asOf ?? 'infinity';
  const documents = await sql.query<{ id: string; fund_cap_pct: string | null; breaker_pct: string | null }>(
    `select distinct on (id) id, document->>'fund_cap_pct' as fund_cap_pct, document->>'breaker_pct' as breaker_pct
       from ${SCHEMA}.ref_programmes where id = any($1::text[]) and effective_from <= $2::date order by id, effective_from desc`,
    [programmes, to],
  );
  // the principal from the figure cells, as known at the as-of time (docs/adr/0013, cells-as-of.ts)
  const totals = await sql.query<{ programme: string; principal: string; compensation: string }>(
    `with issued as (
       select t.programme, sum(c.principal_fen) as principal from ${issuedCellsAsOf(asOf === undefined ? undefined : '$3')} c join ${SCHEMA}.r_terms t using (terms_id)
        where t.programme = any($1::text[]) and c.issued_on <= $2::date group by t.programme),
     paid as (
       select g.programme, sum(c.compensation_fen) as compensation from ${SCHEMA}.r_claims c join ${SCHEMA}.r_guarantees g using (guarantee_id)
        where g.programme = any($1::text[]) and g.issued_on <= $2::date and c.claimed_on <= $2::date
          and c.recorded_at <= $3::timestamptz and g.recorded_at <= $3::timestamptz group by g.programme)
     select i.programme, i.principal::text as principal, coalesce(p.compensation, 0)::text as compensation from issued i left join paid p using (programme)`,
    [programmes, to, known],
  );
  const last = await sql.query<{ programme: string; type: string; business_date: string | null }>(
    `select distinct on (data->>'programme') data->>'programme' as programme, type, to_char(business_date, 'YYYY-MM-DD') as business_date
       from ${SCHEMA}.events
      where type in ($3, $4) and data->>'programme' = any($1::text[])
        and coalesce((metadata->>'recordedAt')::timestamptz, recorded_at) <= $2::timestamptz
      order by data->>'programme', global_position desc`,
    [programmes, known, programmeSuspendedV1.topic, programmeResumedV1.topic],
  );
  const docOf = new Map(documents.map((d) => [d.id, d]));
  const totalOf = new Map(totals.map((t) => [t.programme, t]));
  const lastOf = new Map(last.map((l) => [l.programme, l]));
  return [...programmes].sort().map((programme) => {
    const t = totalOf.get(programme);
    const principal = fenOf(t?.principal);
    const compensation = fenOf(t?.compensation);
    const l = lastOf.get(programme);
    const suspended = l?.type === programmeSuspendedV1.topic;
    return {
      programme,
      fund_cap_pct: docOf.get(programme)?.fund_cap_pct ?? null,
      breaker_pct: docOf.get(programme)?.breaker_pct ?? null,
      principal_guaranteed: formatYuan(principal),
      compensation: formatYuan(compensation),
      loss_ratio_pct: decimalRatio(compensation * 100n, principal, 10),
      suspended,
      suspended_on: suspended ? (l?.business_date ?? null) : null,
    };
  });
}
