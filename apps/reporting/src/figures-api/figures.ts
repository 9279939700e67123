import { decimalRatio, formatYuan } from '@g2g/domain';
import { Sql } from '@g2g/event-store';
import { SCHEMA } from '../record-log/record-log.consumer';

/** A slice of the guarantees: every filter is optional; all given must hold. */
export interface Slice {
  programme?: string;
  bank?: string;
  fundBacked?: boolean;
  guarantor?: string;
  reguarantor?: string;
  province?: string;
  industrySection?: string;
  borrowerType?: string;
}

export interface FiguresQuery {
  from: string;
  to: string;
  slice: Slice;
  /** only what the platform had recorded by then (ISO time); default: everything known now */
  asOf?: string;
}

const RATIO_DECIMALS = 10;
const FIVE_MILLION_YUAN = 500_000_000n;
const big = (v: string | null | undefined) => BigInt(v ?? '0');
const byParticipant = (rows: { participant: string; amount: string }[]) => Object.fromEntries(rows.map((r) => [r.participant, formatYuan(big(r.amount))]));

/** `where` conditions on r_guarantees g for a slice; parameters numbered from `start`. */
function sliceFilter(slice: Slice, start: number): { sql: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (condition: (p: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(condition(`$${start + params.length - 1}`));
  };
  if (slice.programme !== undefined) add((p) => `g.programme = ${p}`, slice.programme);
  if (slice.bank !== undefined) add((p) => `g.bank = ${p}`, slice.bank);
  if (slice.fundBacked !== undefined) add((p) => `g.fund_backed = ${p}`, slice.fundBacked);
  if (slice.guarantor !== undefined) add((p) => `g.guarantor = ${p}`, slice.guarantor);
  if (slice.reguarantor !== undefined) {
    add((p) => `exists (select 1 from ${SCHEMA}.r_terms rt where rt.terms_id = g.terms_id and ${p} = any(rt.reguarantors))`, slice.reguarantor);
  }
  if (slice.province !== undefined) add((p) => `g.province = ${p}`, slice.province);
  if (slice.industrySection !== undefined) add((p) => `g.industry_section = ${p}`, slice.industrySection);
  if (slice.borrowerType !== undefined) add((p) => `g.borrower_type = ${p}`, slice.borrowerType);
  return { sql: conditions.length > 0 ? conditions.join(' and ') : 'true', params };
}

/**
 * Every figure of the domain specification (section 7) for a period of business dates (inclusive),
 * a slice, and optionally as the platform knew it at a past time. Exact integer arithmetic in the
 * database; ratios with 10 decimals.
 */
export async function figures(sql: Sql, q: FiguresQuery) {
  // $1 from, $2 to, $3 as of; slice from $4
  const f = sliceFilter(q.slice, 4);
  const params = [q.from, q.to, q.asOf ?? 'infinity', ...f.params];
  const known = (alias: string) => `${alias}.recorded_at <= $3::timestamptz`;
  const inSlice = `${f.sql} and ${known('g')}`;
  const issuedInPeriod = `g.issued_on between $1::date and $2::date and ${inSlice}`;

  const [n] = await sql.query<Record<string, string>>(
    `select count(*)::text as count,
            coalesce(sum(principal_fen), 0)::text as principal,
            count(distinct borrower_id)::text as borrowers,
            coalesce(sum(principal_fen) filter (where inclusive), 0)::text as inclusive,
            coalesce(sum(principal_fen) filter (where fund_backed), 0)::text as fund_backed,
            count(distinct borrower_id) filter (where sci_tech)::text as sci_borrowers,
            coalesce(sum(principal_fen) filter (where sci_tech), 0)::text as sci_principal,
            round(coalesce(sum(principal_fen * fee_rate_pct * 10000), 0))::text as fee_weighted,
            round(coalesce(sum(principal_fen * interest_rate_pct * 10000), 0))::text as interest_weighted,
            coalesce(sum(guarantee_fee_fen), 0)::text as fees
       from ${SCHEMA}.r_guarantees g where ${issuedInPeriod}`,
    params,
  );
  const [small] = await sql.query<{ small: string }>(
    `select coalesce(sum(total) filter (where total <= ${FIVE_MILLION_YUAN}), 0)::text as small
       from (select borrower_id, sum(principal_fen) as total from ${SCHEMA}.r_guarantees g where ${issuedInPeriod} group by borrower_id) b`,
    params,
  );
  const reguaranteeFees = await sql.query<{ participant: string; amount: string }>(
    `select f.participant, sum(f.fee_fen)::text as amount
       from ${SCHEMA}.r_reguarantee_fees f join ${SCHEMA}.r_guarantees g using (guarantee_id)
      where ${issuedInPeriod} and ${known('f')} group by f.participant order by f.participant`,
    params,
  );
  const [released] = await sql.query<{ count: string; principal: string }>(
    `select count(*)::text as count, coalesce(sum(g.principal_fen), 0)::text as principal
       from ${SCHEMA}.r_releases r join ${SCHEMA}.r_guarantees g using (guarantee_id)
      where r.released_on between $1::date and $2::date and ${known('r')} and ${inSlice}`,
    params,
  );
  const [compensation] = await sql.query<{ count: string; amount: string }>(
    `select count(*)::text as count, coalesce(sum(c.compensation_fen), 0)::text as amount
       from ${SCHEMA}.r_claims c join ${SCHEMA}.r_guarantees g using (guarantee_id)
      where c.claimed_on between $1::date and $2::date and ${known('c')} and ${inSlice}`,
    params,
  );
  const support = await sql.query<{ participant: string; amount: string }>(
    `select a.participant, sum(a.amount_fen)::text as amount
       from ${SCHEMA}.r_claim_amounts a join ${SCHEMA}.r_claims c using (guarantee_id) join ${SCHEMA}.r_guarantees g using (guarantee_id)
      where a.kind = 'support' and c.claimed_on between $1::date and $2::date and ${known('c')} and ${inSlice}
      group by a.participant order by a.participant`,
    params,
  );
  const recoveries = await sql.query<{ participant: string; amount: string }>(
    `select r.participant, sum(r.amount_fen)::text as amount
       from ${SCHEMA}.r_recoveries r join ${SCHEMA}.r_guarantees g using (guarantee_id)
      where r.recovered_on between $1::date and $2::date and ${known('r')} and ${inSlice}
      group by r.participant order by r.participant`,
    params,
  );

  // At the end of `to`: guarantees issued by then, less what was repaid or claimed by then.
  const outstanding = `with ch as (
      select guarantee_id, sum(amount_fen) as changed from ${SCHEMA}.r_principal_changes ch
       where ch.business_date <= $2::date and ${known('ch')} group by guarantee_id),
    o as (
      select g.guarantee_id, g.guarantor, g.terms_id, g.principal_fen - coalesce(ch.changed, 0) as outstanding
        from ${SCHEMA}.r_guarantees g left join ch using (guarantee_id)
       where $1::date <= $2::date and g.issued_on <= $2::date and ${inSlice})`;
  const [balance] = await sql.query<{ amount: string }>(`${outstanding} select coalesce(sum(outstanding), 0)::text as amount from o`, params);
  const risk = await sql.query<{ participant: string; amount: string }>(
    `${outstanding},
          parts as (
            select o.guarantee_id, p->>'participant' as participant, o.outstanding,
                   case when p->>'role' = 'guarantor' then null else floor(o.outstanding * (p->>'sharePct')::numeric / 100) end as part
              from o join ${SCHEMA}.r_terms t using (terms_id), jsonb_array_elements(t.parties) p where o.outstanding > 0
          ),
          filled as (
            select participant, coalesce(part, outstanding - coalesce(sum(part) over (partition by guarantee_id), 0)) as amount from parts
          )
     select participant, round(sum(amount))::text as amount from filled group by participant order by participant`,
    params,
  );
  const leverage = await sql.query<{ guarantor: string; outstanding: string; net_assets: string | null }>(
    `${outstanding}
     select o.guarantor, sum(o.outstanding)::text as outstanding,
            (select net_assets_fen::text from ${SCHEMA}.ref_participants rp
              where rp.code = o.guarantor and rp.effective_from <= $2::date order by rp.effective_from desc limit 1) as net_assets
       from o group by o.guarantor order by o.guarantor`,
    params,
  );

  const principal = big(n.principal);
  return {
    period: { from: q.from, to: q.to },
    as_of: q.asOf ?? null,
    slice: q.slice,
    new_guarantees: { count: Number(n.count), principal: formatYuan(principal) },
    outstanding_balance: formatYuan(big(balance.amount)),
    borrowers_served: Number(n.borrowers),
    share_at_most_5m_per_borrower: decimalRatio(big(small.small), principal, RATIO_DECIMALS),
    inclusive_share: decimalRatio(big(n.inclusive), principal, RATIO_DECIMALS),
    fund_backed_share: decimalRatio(big(n.fund_backed), principal, RATIO_DECIMALS),
    sci_tech: { borrowers: Number(n.sci_borrowers), principal: formatYuan(big(n.sci_principal)) },
    average_guarantee_fee_rate_pct: decimalRatio(big(n.fee_weighted), principal * 10_000n, RATIO_DECIMALS),
    average_interest_rate_pct: decimalRatio(big(n.interest_weighted), principal * 10_000n, RATIO_DECIMALS),
    guarantee_fees: formatYuan(big(n.fees)),
    reguarantee_fees: byParticipant(reguaranteeFees),
    released: { count: Number(released.count), principal: formatYuan(big(released.principal)) },
    compensation: {
      count: Number(compensation.count),
      amount: formatYuan(big(compensation.amount)),
      rate_pct: decimalRatio(big(compensation.amount) * 100n, big(released.principal), RATIO_DECIMALS),
    },
    support: byParticipant(support),
    recoveries: byParticipant(recoveries),
    risk_borne: byParticipant(risk),
    leverage: Object.fromEntries(
      leverage.map((l) => [l.guarantor, l.net_assets && big(l.net_assets) > 0n ? decimalRatio(big(l.outstanding), big(l.net_assets), RATIO_DECIMALS) : null]),
    ),
  };
}
