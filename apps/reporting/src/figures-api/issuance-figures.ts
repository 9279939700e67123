import { decimalRatio, formatYuan } from '@g2g/domain';
import { Sql } from '@g2g/event-store';
import { SCHEMA } from '../projections/issuance.projection';

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

export interface Period {
  from: string;
  to: string;
}

const RATIO_DECIMALS = 10;
const FIVE_MILLION_YUAN = 500_000_000n;

/** `where` conditions on r_guarantees g for a slice, with their parameters from $start on. */
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
    add((p) => `exists (select 1 from ${SCHEMA}.r_parties rp where rp.guarantee_id = g.guarantee_id and rp.participant = ${p} and rp.role not in ('bank', 'guarantor'))`, slice.reguarantor);
  }
  if (slice.province !== undefined) add((p) => `g.province = ${p}`, slice.province);
  if (slice.industrySection !== undefined) add((p) => `g.industry_section = ${p}`, slice.industrySection);
  if (slice.borrowerType !== undefined) add((p) => `g.borrower_type = ${p}`, slice.borrowerType);
  return { sql: conditions.length > 0 ? conditions.join(' and ') : 'true', params };
}

const big = (v: string | null | undefined) => BigInt(v ?? '0');

/**
 * The issuance figures of the domain specification (section 7) for a period of business dates
 * (inclusive) and a slice, computed from the reporting read model with exact integers.
 */
export async function issuanceFigures(sql: Sql, period: Period, slice: Slice) {
  const f = sliceFilter(slice, 3);
  const inPeriod = `g.issued_on between $1::date and $2::date and ${f.sql}`;
  const params = [period.from, period.to, ...f.params];

  const [n] = await sql.query<Record<string, string>>(
    `select count(*)::text as count,
            coalesce(sum(principal_fen), 0)::text as principal,
            count(distinct borrower_id)::text as borrowers,
            coalesce(sum(principal_fen) filter (where inclusive), 0)::text as inclusive,
            coalesce(sum(principal_fen) filter (where fund_backed), 0)::text as fund_backed,
            count(distinct borrower_id) filter (where sci_tech)::text as sci_borrowers,
            coalesce(sum(principal_fen) filter (where sci_tech), 0)::text as sci_principal,
            coalesce(sum(principal_fen * fee_rate_pct * 10000), 0)::numeric(40, 0)::text as fee_weighted,
            coalesce(sum(principal_fen * interest_rate_pct * 10000), 0)::numeric(40, 0)::text as interest_weighted,
            coalesce(sum(guarantee_fee_fen), 0)::text as fees
       from ${SCHEMA}.r_guarantees g where ${inPeriod}`,
    params,
  );
  const [small] = await sql.query<{ small: string }>(
    `select coalesce(sum(total) filter (where total <= $${params.length + 1}), 0)::text as small
       from (select borrower_id, sum(principal_fen) as total from ${SCHEMA}.r_guarantees g where ${inPeriod} group by borrower_id) b`,
    [...params, FIVE_MILLION_YUAN.toString()],
  );
  const reguaranteeFees = await sql.query<{ participant: string; fees: string }>(
    `select f.participant, sum(f.fee_fen)::text as fees
       from ${SCHEMA}.r_reguarantee_fees f join ${SCHEMA}.r_guarantees g using (guarantee_id)
      where ${inPeriod} group by f.participant order by f.participant`,
    params,
  );

  // At the end of `to`: guarantees issued by then and not released.
  const atEnd = `g.issued_on <= $1::date and (g.released_on is null or g.released_on > $1::date) and ${sliceFilter(slice, 2).sql}`;
  const endParams = [period.to, ...f.params];
  const [balance] = await sql.query<{ outstanding: string }>(
    `select coalesce(sum(principal_fen), 0)::text as outstanding from ${SCHEMA}.r_guarantees g where ${atEnd}`,
    endParams,
  );
  // risk borne: split(outstanding) per guarantee: floor for every party but the guarantor, who bears the rest
  const risk = await sql.query<{ participant: string; amount: string }>(
    `with g as (select g.guarantee_id, g.principal_fen as outstanding from ${SCHEMA}.r_guarantees g where ${atEnd}),
          parts as (
            select p.guarantee_id, p.participant, p.role, g.outstanding,
                   case when p.role = 'guarantor' then null else floor(g.outstanding * p.share_pct / 100) end as part
              from ${SCHEMA}.r_parties p join g using (guarantee_id)
          ),
          filled as (
            select participant,
                   coalesce(part, outstanding - coalesce(sum(part) over (partition by guarantee_id), 0)) as amount
              from parts
          )
     select participant, sum(amount)::numeric(40, 0)::text as amount from filled group by participant order by participant`,
    endParams,
  );

  const principal = big(n.principal);
  return {
    period: { from: period.from, to: period.to },
    slice,
    new_guarantees: { count: Number(n.count), principal: formatYuan(principal) },
    outstanding_balance: formatYuan(big(balance.outstanding)),
    borrowers_served: Number(n.borrowers),
    share_at_most_5m_per_borrower: decimalRatio(big(small.small), principal, RATIO_DECIMALS),
    inclusive_share: decimalRatio(big(n.inclusive), principal, RATIO_DECIMALS),
    fund_backed_share: decimalRatio(big(n.fund_backed), principal, RATIO_DECIMALS),
    sci_tech: { borrowers: Number(n.sci_borrowers), principal: formatYuan(big(n.sci_principal)) },
    average_guarantee_fee_rate_pct: decimalRatio(big(n.fee_weighted), principal * 10_000n, RATIO_DECIMALS),
    average_interest_rate_pct: decimalRatio(big(n.interest_weighted), principal * 10_000n, RATIO_DECIMALS),
    guarantee_fees: formatYuan(big(n.fees)),
    reguarantee_fees: Object.fromEntries(reguaranteeFees.map((r) => [r.participant, formatYuan(big(r.fees))])),
    risk_borne: Object.fromEntries(risk.map((r) => [r.participant, formatYuan(big(r.amount))])),
  };
}
