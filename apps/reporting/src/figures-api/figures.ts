import { decimalRatio, formatYuan } from '@g2g/domain';
import { Sql } from '@g2g/event-store';
import { SCHEMA } from '../record-log/record-log.consumer';
import { feeCellsAsOf, issuedCellsAsOf, repeatLoansAsOf } from './cells-as-of';
import { FIVE_MILLION_YUAN_FEN, Params, knownBy, partyCondition, recordedAfter, sliceCondition, sliceConditions } from '../slices/slice-sql';

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
  /** a recommended list: the guarantees whose borrower was on it at disbursement */
  list?: string;
  /** a risk label: the guarantees the committed model gave it (GET /figures only; read from the facts) */
  riskLabel?: string;
}

export interface FiguresQuery {
  from: string;
  to: string;
  slice: Slice;
  /** only what the platform had recorded by then (ISO time); default: everything known now */
  asOf?: string;
}

const RATIO_DECIMALS = 10;
const big = (v: string | null | undefined) => BigInt(v ?? '0');
const byParticipant = (rows: { participant: string; amount: string }[]) => Object.fromEntries(rows.map((r) => [r.participant, formatYuan(big(r.amount))]));

const known = (alias: string) => knownBy(alias, '$3');
/** the principal changes (`ch`) of guarantees (`g`) recorded by the as-of time's placeholder; all of them without one */
const changesKnownBy = (asOf: string | undefined) => (asOf === undefined ? 'true' : `${knownBy('ch', asOf)} and ${knownBy('g', asOf)}`);
/** a cell `c` issued by the end of `$2` (none when `$1`, the period's start, is after it) */
const ISSUED_BY = '$1::date <= $2::date and c.issued_on <= $2::date';

type ByParticipant = { participant: string; amount: string }[];

/** What the figures are made of, as exact integers (text) from the database. */
interface Totals {
  newBusiness: {
    count: string;
    principal: string;
    borrowers: string;
    inclusive: string;
    fund_backed: string;
    /** the principal issued to borrowers on at least one recommended list at disbursement */
    listed: string;
    sci_borrowers: string;
    sci_principal: string;
    fee_weighted: string;
    interest_weighted: string;
    fees: string;
    /** the principal of the borrowers whose guarantees of the period total at most 5 million yuan */
    small: string;
  };
  reguaranteeFees: ByParticipant;
  released: { count: string; principal: string };
  compensation: { count: string; amount: string };
  support: ByParticipant;
  recoveries: ByParticipant;
  balance: string;
  risk: ByParticipant;
  leverage: { guarantor: string; outstanding: string; net_assets: string | null }[];
}

/**
 * Every figure of the domain specification (section 7) for a period of business dates (inclusive),
 * a slice, and optionally as the platform knew it at a past time. Exact integer arithmetic in the
 * database; ratios with 10 decimals. Read from the figure cells (sums per business date and slice
 * cell that the projection keeps, docs/adr/0013); as of a past time, from the cells less what was
 * recorded after it (cells-as-of.ts).
 */
export async function figures(sql: Sql, q: FiguresQuery) {
  // a label is no part of a figure cell: its guarantees are summed from their facts
  if (q.slice.riskLabel !== undefined) return figuresFromFacts(sql, q);
  return shape(q, await totalsFromCells(sql, q));
}

/** The figures from every fact recorded by `q.asOf` (or by now), whatever the cells say. */
export async function figuresFromFacts(sql: Sql, q: FiguresQuery) {
  return shape(q, await totalsFromFacts(sql, q));
}

/** Releases, claims, support and recoveries of the period: read from their facts (one row each) in both ways. */
async function servicingTotals(sql: Sql, q: FiguresQuery): Promise<Pick<Totals, 'released' | 'compensation' | 'support' | 'recoveries'>> {
  // $1 from, $2 to, $3 as of; slice from $4
  const p = new Params(q.from, q.to, q.asOf ?? 'infinity');
  const inSlice = `${sliceCondition(q.slice, p)} and ${known('g')}`;
  const params = p.values;
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
  return { released, compensation, support, recoveries };
}

/** Every total from the facts: a pass over the guarantees of the period, and over all issued by its end. */
async function totalsFromFacts(sql: Sql, q: FiguresQuery): Promise<Totals> {
  // $1 from, $2 to, $3 as of; slice from $4
  const p = new Params(q.from, q.to, q.asOf ?? 'infinity');
  const inSlice = `${sliceCondition(q.slice, p)} and ${known('g')}`;
  const params = p.values;
  const issuedInPeriod = `g.issued_on between $1::date and $2::date and ${inSlice}`;

  const [n] = await sql.query<Omit<Totals['newBusiness'], 'small'>>(
    `select count(*)::text as count,
            coalesce(sum(principal_fen), 0)::text as principal,
            count(distinct borrower_id)::text as borrowers,
            coalesce(sum(principal_fen) filter (where inclusive), 0)::text as inclusive,
            coalesce(sum(principal_fen) filter (where fund_backed), 0)::text as fund_backed,
            coalesce(sum(principal_fen) filter (where exists (select 1 from ${SCHEMA}.r_terms rt where rt.terms_id = g.terms_id and rt.lists <> '{}')), 0)::text as listed,
            count(distinct borrower_id) filter (where sci_tech)::text as sci_borrowers,
            coalesce(sum(principal_fen) filter (where sci_tech), 0)::text as sci_principal,
            round(coalesce(sum(principal_fen * fee_rate_pct * 10000), 0))::text as fee_weighted,
            round(coalesce(sum(principal_fen * interest_rate_pct * 10000), 0))::text as interest_weighted,
            coalesce(sum(guarantee_fee_fen), 0)::text as fees
       from ${SCHEMA}.r_guarantees g where ${issuedInPeriod}`,
    params,
  );
  const [small] = await sql.query<{ small: string }>(
    `select coalesce(sum(total) filter (where total <= ${FIVE_MILLION_YUAN_FEN}), 0)::text as small
       from (select borrower_id, sum(principal_fen) as total from ${SCHEMA}.r_guarantees g where ${issuedInPeriod} group by borrower_id) b`,
    params,
  );
  const reguaranteeFees = await sql.query<{ participant: string; amount: string }>(
    `select f.participant, sum(f.fee_fen)::text as amount
       from ${SCHEMA}.r_reguarantee_fees f join ${SCHEMA}.r_guarantees g using (guarantee_id)
      where ${issuedInPeriod} and ${known('f')} group by f.participant order by f.participant`,
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
     select o.guarantor, sum(o.outstanding)::text as outstanding, ${netAssets('o.guarantor', '$2')} as net_assets
       from o group by o.guarantor order by o.guarantor`,
    params,
  );
  return {
    newBusiness: { ...n, small: small.small },
    reguaranteeFees,
    ...(await servicingTotals(sql, q)),
    balance: balance.amount,
    risk,
    leverage,
  };
}

const netAssets = (guarantor: string, date: string) =>
  `(select net_assets_fen::text from ${SCHEMA}.ref_participants rp where rp.code = ${guarantor} and rp.effective_from <= ${date}::date order by rp.effective_from desc limit 1)`;

/**
 * Every total from the figure cells (as known at `q.asOf`: cells-as-of.ts): the new business, fees and each party's
 * part when issued are summed per cell, so a figure reads a row per business date and cell, not
 * per guarantee. What is not a sum is worked out from the few facts it needs: distinct borrowers
 * and the amounts per borrower from the guarantees of borrowers with more than one (every other
 * borrower's total is its one loan); the balance and the parts at the end of the period from the
 * guarantees whose principal changed by then (and, as of a past time, the changes recorded by it).
 */
async function totalsFromCells(sql: Sql, q: FiguresQuery): Promise<Totals> {
  // $1 from, $2 to; the as-of time, when given, and the slice after them
  const p = new Params(q.from, q.to);
  const asOf = q.asOf === undefined ? undefined : p.add(q.asOf);
  const f = sliceConditions(q.slice, p);
  const params = p.values;
  const cells = (relation: string, dates: string) => `${relation} c join ${SCHEMA}.r_terms t using (terms_id) where ${dates} and ${f.cells}`;
  const inPeriod = 'c.issued_on between $1::date and $2::date';

  const [n] = await sql.query<Record<string, string>>(
    `select coalesce(sum(c.loans), 0)::text as count,
            coalesce(sum(c.principal_fen), 0)::text as principal,
            coalesce(sum(c.inclusive_fen), 0)::text as inclusive,
            coalesce(sum(c.principal_fen) filter (where t.fund_backed), 0)::text as fund_backed,
            coalesce(sum(c.principal_fen) filter (where t.lists <> '{}'), 0)::text as listed,
            coalesce(sum(c.sci_loans), 0)::text as sci_loans,
            coalesce(sum(c.sci_fen), 0)::text as sci_principal,
            coalesce(sum(c.small_fen), 0)::text as small,
            round(coalesce(sum(c.fee_weighted), 0))::text as fee_weighted,
            round(coalesce(sum(c.interest_weighted), 0))::text as interest_weighted,
            coalesce(sum(c.fees_fen), 0)::text as fees
       from ${cells(issuedCellsAsOf(asOf), inPeriod)}`,
    params,
  );
  // the loans of repeat borrowers: counted as loans in the cells, replaced here by their borrowers
  const [r] = await sql.query<Record<string, string>>(
    `with b as (
       select c.borrower_id, count(*) as loans, count(*) filter (where c.sci_tech) as sci_loans, sum(c.principal_fen) as total,
              coalesce(sum(c.principal_fen) filter (where c.principal_fen <= ${FIVE_MILLION_YUAN_FEN}), 0) as small_loans
         from ${cells(repeatLoansAsOf(asOf), inPeriod)} group by c.borrower_id)
     select coalesce(sum(loans), 0)::text as loans, count(*)::text as borrowers,
            coalesce(sum(sci_loans), 0)::text as sci_loans, count(*) filter (where sci_loans > 0)::text as sci_borrowers,
            coalesce(sum(small_loans), 0)::text as small_loans,
            coalesce(sum(total) filter (where total <= ${FIVE_MILLION_YUAN_FEN}), 0)::text as small_borrowers
       from b`,
    params,
  );
  const reguaranteeFees = await sql.query<{ participant: string; amount: string }>(
    `select c.participant, sum(c.fee_fen)::text as amount from ${cells(feeCellsAsOf(asOf), inPeriod)} group by c.participant having sum(c.fees) > 0 order by c.participant`,
    params,
  );

  // At the end of `to`: what was issued by then (cells), and the guarantees whose principal changed by then.
  const changed = `with changed as (
      select g.guarantee_id, g.guarantor, g.terms_id, g.principal_fen, sum(ch.amount_fen) as changed
        from ${SCHEMA}.r_principal_changes ch join ${SCHEMA}.r_guarantees g using (guarantee_id)
       where ch.business_date <= $2::date and g.issued_on <= $2::date and ${f.guarantees} and ${changesKnownBy(asOf)}
       group by g.guarantee_id)`;
  const byGuarantor = await sql.query<{ guarantor: string; outstanding: string; net_assets: string | null }>(
    `${changed},
          issued as (select t.guarantor, sum(c.principal_fen) as principal from ${cells(issuedCellsAsOf(asOf), ISSUED_BY)} group by t.guarantor having sum(c.loans) > 0),
          less as (select guarantor, sum(changed) as changed from changed group by guarantor)
     select i.guarantor, (i.principal - coalesce(l.changed, 0))::text as outstanding, ${netAssets('i.guarantor', '$2')} as net_assets
       from issued i left join less l using (guarantor) order by i.guarantor`,
    params,
  );
  const risk = (await partiesAtEndFromCells(sql, q.from, q.to, q.slice, undefined, q.asOf))
    .filter((p) => p.in_force > 0)
    .map((p) => ({ participant: p.participant, amount: p.risk }));
  const balance = byGuarantor.reduce((sum, l) => sum + big(l.outstanding), 0n);
  return {
    newBusiness: {
      count: n.count,
      principal: n.principal,
      borrowers: String(big(n.count) - big(r.loans) + big(r.borrowers)),
      inclusive: n.inclusive,
      fund_backed: n.fund_backed,
      listed: n.listed,
      sci_borrowers: String(big(n.sci_loans) - big(r.sci_loans) + big(r.sci_borrowers)),
      sci_principal: n.sci_principal,
      fee_weighted: n.fee_weighted,
      interest_weighted: n.interest_weighted,
      fees: n.fees,
      small: String(big(n.small) - big(r.small_loans) + big(r.small_borrowers)),
    },
    reguaranteeFees,
    ...(await servicingTotals(sql, q)),
    balance: String(balance),
    risk,
    leverage: byGuarantor,
  };
}

/** A party's guarantees at the end of a date, as exact integers (text): what it is a party to and still outstanding, and the risk it bears in them. */
export interface PartyAtEnd {
  participant: string;
  in_force: number;
  outstanding: string;
  risk: string;
}

/**
 * Each party's guarantees issued by the end of `to` (and not before `from`: an empty period has
 * none) in the slice, from the figure cells (what was issued, each party's part when issued) and
 * the guarantees whose principal changed by then (each party's part now less its part when issued;
 * how many have nothing outstanding any more): a party's risk borne is its part of each
 * outstanding principal, the guarantor the rest. `participant` narrows the answer to one party.
 */
export async function partiesAtEndFromCells(sql: Sql, from: string, to: string, slice: Slice, participant?: string, asOf?: string): Promise<PartyAtEnd[]> {
  // $1 from, $2 to; the as-of time, the slice and the participant, each when given, after them
  const p = new Params(from, to);
  const known = asOf === undefined ? undefined : p.add(asOf);
  const f = sliceConditions(slice, p);
  const theirs = participant === undefined ? 'true' : partyCondition(participant, p);
  const who = participant === undefined ? undefined : p.add(participant);
  const isTheirs = (column: string) => (who === undefined ? 'true' : `${column} = ${who}`);
  const params = p.values;
  return sql.query<PartyAtEnd>(
    `with changed as (
            select g.guarantee_id, g.terms_id, g.principal_fen, sum(ch.amount_fen) as changed
              from ${SCHEMA}.r_principal_changes ch join ${SCHEMA}.r_guarantees g using (guarantee_id)
             where ch.business_date <= $2::date and g.issued_on <= $2::date and ${f.guarantees} and ${theirs} and ${changesKnownBy(known)}
             group by g.guarantee_id),
          p as (
            select c.guarantee_id, q->>'participant' as participant, q->>'role' = 'guarantor' as guarantor, (q->>'sharePct')::numeric as share,
                   c.principal_fen as was, greatest(c.principal_fen - c.changed, 0) as now
              from changed c join ${SCHEMA}.r_terms t using (terms_id), jsonb_array_elements(t.parties) q),
          parts as (
            select guarantee_id, participant, now, was,
                   case when guarantor then null else floor(now * share / 100) end as part_now,
                   case when guarantor then null else floor(was * share / 100) end as part_was
              from p),
          filled as (
            select participant, now, was,
                   coalesce(part_now, now - coalesce(sum(part_now) over w, 0)) - coalesce(part_was, was - coalesce(sum(part_was) over w, 0)) as delta
              from parts window w as (partition by guarantee_id)),
          deltas as (
            select participant, sum(delta) as delta, sum(was - now) as less, count(*) filter (where now <= 0) as gone
              from filled where ${isTheirs('participant')} group by participant),
          ${known === undefined ? '' : laterParts(known, `${f.guarantees} and ${theirs}`)}
          issued as (
            select participant, sum(amount) as amount, sum(principal) as principal, sum(loans) as loans from (
              select q.party->>'participant' as participant, c.parts_fen[q.n] as amount, c.principal_fen as principal, c.loans
                from ${SCHEMA}.r_issued_cells c join ${SCHEMA}.r_terms t using (terms_id), jsonb_array_elements(t.parties) with ordinality q(party, n)
               where ${ISSUED_BY} and ${f.cells}
              ${known === undefined ? '' : 'union all select participant, -amount, -principal, -loans from later_parts'}) x
             where ${isTheirs('participant')} group by participant having sum(loans) > 0)
     select i.participant, (i.loans - coalesce(d.gone, 0))::int as in_force, (i.principal - coalesce(d.less, 0))::text as outstanding,
            (i.amount + coalesce(d.delta, 0))::text as risk
       from issued i left join deltas d using (participant)
      order by i.participant`,
    params,
  );
}

/**
 * `later_parts`: what the guarantees issued by the end of `$2` and recorded after `asOf` (in
 * `inSlice`, on `g`) added to each party's part, principal and loans in the figure cells: per terms,
 * a non-guarantor party's part is the sum of the floors of its share of each principal, the
 * guarantor's the rest (as each guarantee's parts, summed), the parties of each terms read once.
 */
const laterParts = (asOf: string, inSlice: string) => `
          later_terms as (
            select g.terms_id, pa.participant, pa.guarantor, sum(floor(g.principal_fen * pa.share / 100)) as part, sum(g.principal_fen) as principal, count(*) as loans
              from ${SCHEMA}.r_guarantees g
              join (select t.terms_id, q.party->>'participant' as participant, q.party->>'role' = 'guarantor' as guarantor, (q.party->>'sharePct')::numeric as share
                      from ${SCHEMA}.r_terms t, jsonb_array_elements(t.parties) q(party)) pa using (terms_id)
             where ${recordedAfter('g', asOf)} and $1::date <= $2::date and g.issued_on <= $2::date and ${inSlice}
             group by g.terms_id, pa.participant, pa.guarantor),
          later_parts as (
            select participant, principal, loans,
                   case when guarantor then principal - coalesce(sum(part) filter (where not guarantor) over (partition by terms_id), 0) else part end as amount
              from later_terms),`;

function shape(q: FiguresQuery, t: Totals) {
  const n = t.newBusiness;
  const principal = big(n.principal);
  return {
    period: { from: q.from, to: q.to },
    as_of: q.asOf ?? null,
    slice: q.slice,
    new_guarantees: { count: Number(n.count), principal: formatYuan(principal) },
    outstanding_balance: formatYuan(big(t.balance)),
    borrowers_served: Number(n.borrowers),
    share_at_most_5m_per_borrower: decimalRatio(big(n.small), principal, RATIO_DECIMALS),
    inclusive_share: decimalRatio(big(n.inclusive), principal, RATIO_DECIMALS),
    fund_backed_share: decimalRatio(big(n.fund_backed), principal, RATIO_DECIMALS),
    listed_share: decimalRatio(big(n.listed), principal, RATIO_DECIMALS),
    sci_tech: { borrowers: Number(n.sci_borrowers), principal: formatYuan(big(n.sci_principal)) },
    average_guarantee_fee_rate_pct: decimalRatio(big(n.fee_weighted), principal * 10_000n, RATIO_DECIMALS),
    average_interest_rate_pct: decimalRatio(big(n.interest_weighted), principal * 10_000n, RATIO_DECIMALS),
    guarantee_fees: formatYuan(big(n.fees)),
    reguarantee_fees: byParticipant(t.reguaranteeFees),
    released: { count: Number(t.released.count), principal: formatYuan(big(t.released.principal)) },
    compensation: {
      count: Number(t.compensation.count),
      amount: formatYuan(big(t.compensation.amount)),
      rate_pct: decimalRatio(big(t.compensation.amount) * 100n, big(t.released.principal), RATIO_DECIMALS),
    },
    support: byParticipant(t.support),
    recoveries: byParticipant(t.recoveries),
    risk_borne: byParticipant(t.risk),
    leverage: Object.fromEntries(
      t.leverage.map((l) => [l.guarantor, l.net_assets && big(l.net_assets) > 0n ? decimalRatio(big(l.outstanding), big(l.net_assets), RATIO_DECIMALS) : null]),
    ),
  };
}
