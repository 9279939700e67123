import { formatYuan } from '@g2g/domain';
import { Sql } from '@g2g/event-store';
import { SCHEMA } from '../record-log/record-log.consumer';
import { programmeStates } from '../programme-states/programme-states';
import { fenOf } from '../slices/slice-sql';
import { partiesAtEndFromCells } from '../figures-api/figures';

export interface PositionQuery {
  participant: string;
  from: string;
  to: string;
  asOf?: string;
}

/** How many claim lines a position lists (the totals count them all). */
const CLAIM_LINES = 500;

interface InForce {
  count: number;
  outstanding: string;
  risk: string;
}

/** From the figure cells (as known at `q.asOf`) and the guarantees whose principal changed (as the figures' risk borne). */
async function inForceFromCells(sql: Sql, q: PositionQuery): Promise<InForce> {
  const [mine] = await partiesAtEndFromCells(sql, q.to, q.to, {}, q.participant, q.asOf);
  return mine ? { count: mine.in_force, outstanding: mine.outstanding, risk: mine.risk } : { count: 0, outstanding: '0', risk: '0' };
}

/** As the platform knew it at `q.asOf`: from every guarantee issued by the end of the period and recorded by then (what the cells must agree with). */
export async function inForceFromFacts(sql: Sql, q: PositionQuery): Promise<InForce> {
  const [inForce] = await sql.query<{ count: number; outstanding: string; risk: string }>(
    `with mine as (
       select t.terms_id, tp->>'role' as role, (tp->>'sharePct')::numeric as pct
         from ${SCHEMA}.r_terms t, jsonb_array_elements(t.parties) tp where tp->>'participant' = $1),
     ch as (
       select guarantee_id, sum(amount_fen) as changed from ${SCHEMA}.r_principal_changes ch
        where ch.business_date <= $2::date and ch.recorded_at <= $3::timestamptz group by guarantee_id),
     o as (
       select g.terms_id, mine.role, mine.pct, g.principal_fen - coalesce(ch.changed, 0) as outstanding
         from ${SCHEMA}.r_guarantees g join mine using (terms_id) left join ch using (guarantee_id)
        where g.issued_on <= $2::date and g.recorded_at <= $3::timestamptz)
     select count(*)::int as count, coalesce(sum(outstanding), 0)::text as outstanding,
            coalesce(sum(case when role = 'guarantor'
                              then outstanding - (select coalesce(sum(floor(outstanding * (tp->>'sharePct')::numeric / 100)), 0)
                                                    from ${SCHEMA}.r_terms t, jsonb_array_elements(t.parties) tp
                                                   where t.terms_id = o.terms_id and tp->>'role' <> 'guarantor')
                              else floor(outstanding * pct / 100) end), 0)::text as risk
       from o where outstanding > 0`,
    [q.participant, q.to, q.asOf ?? 'infinity'],
  );
  return inForce;
}

/**
 * A guarantor's, re-guarantor's or the Fund's position (`GET /positions/{participant}`): the
 * guarantees in force it is a party to at the end of `to` and the risk it bears in them (its part
 * of the split of each outstanding principal, as the figures' risk borne), the claims of the
 * period it is a party to with its part of each (what it owes under the shares), the support it
 * paid (re-guarantors and the Fund) or received (the guarantor), the compensation it paid (the
 * guarantor), the recoveries it got back, and the breaker state of its programmes.
 */
export async function positionOf(sql: Sql, q: PositionQuery) {
  const known = q.asOf ?? 'infinity';
  const inForce = await inForceFromCells(sql, q);
  const claimsIn = `
    from ${SCHEMA}.r_claims c join ${SCHEMA}.r_guarantees g using (guarantee_id)
    join ${SCHEMA}.r_claim_amounts part on part.guarantee_id = c.guarantee_id and part.kind = 'part' and part.participant = $1
    left join ${SCHEMA}.r_claim_amounts own on own.guarantee_id = c.guarantee_id and own.kind = 'support' and own.participant = $1
    left join ${SCHEMA}.r_claim_amounts loss on loss.guarantee_id = c.guarantee_id and loss.kind = 'loss' and loss.participant = $1
   where c.claimed_on between $2::date and $3::date and c.recorded_at <= $4::timestamptz`;
  const others = `(select coalesce(sum(a.amount_fen), 0) from ${SCHEMA}.r_claim_amounts a where a.guarantee_id = c.guarantee_id and a.kind = 'support' and a.participant <> $1)`;
  const claimParams = [q.participant, q.from, q.to, known];
  const [claims] = await sql.query<Record<string, string>>(
    `select count(*)::int as count,
            coalesce(sum(c.compensation_fen) filter (where part.role = 'guarantor'), 0)::text as compensation_paid,
            coalesce(sum(part.amount_fen), 0)::text as part, coalesce(sum(own.amount_fen), 0)::text as support_paid,
            coalesce(sum(${others}) filter (where part.role = 'guarantor'), 0)::text as support_received,
            coalesce(sum(loss.amount_fen), 0)::text as loss
       ${claimsIn}`,
    claimParams,
  );
  const lines = await sql.query<Record<string, string | boolean>>(
    `select c.guarantee_id, g.programme, to_char(c.claimed_on, 'YYYY-MM-DD') as claimed_on, part.role,
            c.unpaid_principal_fen::text as unpaid_principal, c.compensation_fen::text as compensation,
            part.amount_fen::text as part, coalesce(own.amount_fen, 0)::text as support_paid,
            (case when part.role = 'guarantor' then ${others} else 0 end)::text as support_received,
            coalesce(loss.amount_fen, 0)::text as loss, c.fund_paid
       ${claimsIn} order by c.claimed_on, c.guarantee_id limit ${CLAIM_LINES}`,
    claimParams,
  );
  const [recovered] = await sql.query<{ amount: string }>(
    `select coalesce(sum(amount_fen), 0)::text as amount from ${SCHEMA}.r_recoveries
      where participant = $1 and recovered_on between $2::date and $3::date and recorded_at <= $4::timestamptz`,
    claimParams,
  );
  const programmes = await sql.query<{ programme: string }>(
    `select distinct t.programme from ${SCHEMA}.r_terms t, jsonb_array_elements(t.parties) tp where tp->>'participant' = $1 order by 1`,
    [q.participant],
  );
  const yuan = (text: string) => formatYuan(fenOf(text));
  return {
    participant: q.participant,
    period: { from: q.from, to: q.to },
    as_of: q.asOf ?? null,
    in_force: { count: inForce.count, outstanding: yuan(inForce.outstanding), risk: yuan(inForce.risk) },
    claims: {
      count: Number(claims.count),
      compensation_paid: yuan(claims.compensation_paid),
      part: yuan(claims.part),
      support_paid: yuan(claims.support_paid),
      support_received: yuan(claims.support_received),
      loss: yuan(claims.loss),
    },
    claim_lines: lines.map((l) => ({
      guarantee_id: l.guarantee_id as string,
      programme: l.programme as string,
      claimed_on: l.claimed_on as string,
      role: l.role as string,
      unpaid_principal: yuan(l.unpaid_principal as string),
      compensation: yuan(l.compensation as string),
      part: yuan(l.part as string),
      support_paid: yuan(l.support_paid as string),
      support_received: yuan(l.support_received as string),
      loss: yuan(l.loss as string),
      fund_paid: l.fund_paid as boolean,
    })),
    recoveries: yuan(recovered.amount),
    programmes: await programmeStates(sql, programmes.map((r) => r.programme), q.to, q.asOf),
  };
}
