import { decimalRatio, formatYuan } from '@g2g/domain';
import { Sql } from '@g2g/event-store';
import { FiguresQuery } from '../figures-api/figures';
import { SCHEMA } from '../record-log/record-log.consumer';
import { programmeStates, ProgrammeState } from '../programme-states/programme-states';
import { FIVE_MILLION_YUAN_FEN, Params, fenOf, knownBy, sliceCondition } from '../slices/slice-sql';
import { issuedCellsAsOf, repeatLoansAsOf } from '../figures-api/cells-as-of';

const RATIO_DECIMALS = 10;

/**
 * The new business to sum, with the columns of r_guarantees that slices and breakdowns name: a row
 * per business date and figure cell (docs/adr/0013), as known at `asOf` (the placeholder of the
 * as-of time, or undefined for now: cells-as-of.ts). Its sums are already as known then, so every
 * row passes the known-by condition on `g` (recorded_at -infinity).
 */
const newBusiness = (asOf: string | undefined) =>
  `(select c.issued_on, c.terms_id, c.bank, c.industry_section, c.borrower_type, t.programme, t.guarantor, t.province, t.fund_backed,
           c.loans, c.principal_fen, c.inclusive_fen, c.small_fen, '-infinity'::timestamptz as recorded_at
      from ${issuedCellsAsOf(asOf)} c join ${SCHEMA}.r_terms t using (terms_id))`;

/** The guarantees of borrowers with more than one (now), with the columns slices name, as known at `asOf` (as newBusiness). */
const repeatLoans = (asOf: string | undefined) => `(select r.*, t.programme, t.guarantor, t.province, t.fund_backed, '-infinity'::timestamptz as recorded_at
   from ${repeatLoansAsOf(asOf)} r join ${SCHEMA}.r_terms t using (terms_id))`;

/** A month of the series: the figures of its days within the period, balances at its last day there. */
export interface MonthFigures {
  month: string;
  period: { from: string; to: string };
  new_guarantees: { count: number; principal: string };
  outstanding_balance: string;
  inclusive_share: string | null;
  share_at_most_5m_per_borrower: string | null;
  released: { count: number; principal: string };
  compensation: { count: number; amount: string };
}

/** The months a period touches, each with the part of the period that falls in it. */
export function monthsOf(from: string, to: string): { month: string; from: string; to: string }[] {
  const out: { month: string; from: string; to: string }[] = [];
  let [y, m] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
  for (;;) {
    const month = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
    if (month > to.slice(0, 7)) return out;
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const start = `${month}-01` < from ? from : `${month}-01`;
    const end = `${month}-${String(last).padStart(2, '0')}` > to ? to : `${month}-${String(last).padStart(2, '0')}`;
    out.push({ month, from: start, to: end });
    [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
  }
}

/**
 * The figures month by month (`GET /figures/monthly`): what `GET /figures` answers for each month's
 * days within the period, in a handful of statements grouped by month rather than one request a
 * month. The outstanding balance at a month's end counts every guarantee issued by then less every
 * change of principal dated by then, as the figures do: a change counts from the later of its own
 * date and its guarantee's issue.
 */
export async function monthlyFigures(sql: Sql, q: FiguresQuery): Promise<MonthFigures[]> {
  const months = monthsOf(q.from, q.to);
  const p = new Params(q.from, q.to, q.asOf ?? 'infinity');
  const asOf = q.asOf === undefined ? undefined : '$3';
  const inSlice = `${sliceCondition(q.slice, p)} and ${knownBy('g', '$3')}`;
  const month = (column: string) => `to_char(${column}, 'YYYY-MM')`;
  const issuedInPeriod = `g.issued_on between $1::date and $2::date and ${inSlice}`;

  const source = newBusiness(asOf);
  const issued = await sql.query<{ month: string; count: number; principal: string; inclusive: string }>(
    `select ${month('g.issued_on')} as month, sum(g.loans)::int as count, sum(g.principal_fen)::text as principal,
            coalesce(sum(g.inclusive_fen), 0)::text as inclusive
       from ${source} g where ${issuedInPeriod} group by 1`,
    p.values,
  );
  // per borrower and month; from the cells, every borrower with one guarantee is its guarantee
  // (small_fen), and those with more are summed from their guarantees (docs/adr/0013); grouped by
  // the month's first day and named after (to_char on every guarantee cost a third of the read)
  const small = await sql.query<{ month: string; small: string }>(
    `with cells as (select ${month('g.issued_on')} as month, sum(g.small_fen) as small from ${source} g where ${issuedInPeriod} group by 1),
          repeat as (
            select ${month('b.first_day')} as month, sum(small_loans) as small_loans, coalesce(sum(total) filter (where total <= ${FIVE_MILLION_YUAN_FEN}), 0) as small_borrowers
              from (select date_trunc('month', g.issued_on) as first_day, g.borrower_id, sum(g.principal_fen) as total,
                           coalesce(sum(g.principal_fen) filter (where g.principal_fen <= ${FIVE_MILLION_YUAN_FEN}), 0) as small_loans
                      from ${repeatLoans(asOf)} g where ${issuedInPeriod} group by 1, 2) b
             group by b.first_day)
     select c.month, (c.small - coalesce(r.small_loans, 0) + coalesce(r.small_borrowers, 0))::text as small from cells c left join repeat r using (month)`,
    p.values,
  );
  // every month up to `to` (also before the period): the balance at a month's end is their running sum
  const issuedEver = await sql.query<{ month: string; principal: string }>(
    `select ${month('g.issued_on')} as month, sum(g.principal_fen)::text as principal
       from ${source} g where $1::date <= $2::date and g.issued_on <= $2::date and ${inSlice} group by 1`,
    p.values,
  );
  const changedEver = await sql.query<{ month: string; amount: string }>(
    `select ${month('greatest(ch.business_date, g.issued_on)')} as month, sum(ch.amount_fen)::text as amount
       from ${SCHEMA}.r_principal_changes ch join ${SCHEMA}.r_guarantees g using (guarantee_id)
      where $1::date <= $2::date and ch.business_date <= $2::date and ${knownBy('ch', '$3')} and g.issued_on <= $2::date and ${inSlice} group by 1`,
    p.values,
  );
  const released = await sql.query<{ month: string; count: number; principal: string }>(
    `select ${month('r.released_on')} as month, count(*)::int as count, sum(g.principal_fen)::text as principal
       from ${SCHEMA}.r_releases r join ${SCHEMA}.r_guarantees g using (guarantee_id)
      where r.released_on between $1::date and $2::date and ${knownBy('r', '$3')} and ${inSlice} group by 1`,
    p.values,
  );
  const claims = await sql.query<{ month: string; count: number; amount: string }>(
    `select ${month('c.claimed_on')} as month, count(*)::int as count, sum(c.compensation_fen)::text as amount
       from ${SCHEMA}.r_claims c join ${SCHEMA}.r_guarantees g using (guarantee_id)
      where c.claimed_on between $1::date and $2::date and ${knownBy('c', '$3')} and ${inSlice} group by 1`,
    p.values,
  );

  const byMonth = <T extends { month: string }>(rows: T[]) => new Map(rows.map((r) => [r.month, r]));
  const [issuedBy, smallBy, releasedBy, claimsBy] = [byMonth(issued), byMonth(small), byMonth(released), byMonth(claims)];
  const balanceAt = runningBalance(issuedEver, changedEver);
  return months.map(({ month: m, from, to }) => {
    const n = issuedBy.get(m);
    const principal = fenOf(n?.principal);
    const r = releasedBy.get(m);
    const c = claimsBy.get(m);
    return {
      month: m,
      period: { from, to },
      new_guarantees: { count: n?.count ?? 0, principal: formatYuan(principal) },
      outstanding_balance: formatYuan(balanceAt(m)),
      inclusive_share: decimalRatio(fenOf(n?.inclusive), principal, RATIO_DECIMALS),
      share_at_most_5m_per_borrower: decimalRatio(fenOf(smallBy.get(m)?.small), principal, RATIO_DECIMALS),
      released: { count: r?.count ?? 0, principal: formatYuan(fenOf(r?.principal)) },
      compensation: { count: c?.count ?? 0, amount: formatYuan(fenOf(c?.amount)) },
    };
  });
}

/** The balance at the end of a month: principal issued in every month up to it less every change counted by then. */
function runningBalance(issued: { month: string; principal: string }[], changed: { month: string; amount: string }[]): (month: string) => bigint {
  const deltas = new Map<string, bigint>();
  for (const i of issued) deltas.set(i.month, (deltas.get(i.month) ?? 0n) + fenOf(i.principal));
  for (const c of changed) deltas.set(c.month, (deltas.get(c.month) ?? 0n) - fenOf(c.amount));
  const ordered = [...deltas].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return (month) => ordered.reduce((sum, [m, d]) => (m <= month ? sum + d : sum), 0n);
}

/** What the figures can be broken down by: columns of the guarantees. */
export const DIMENSIONS = ['programme', 'bank', 'guarantor', 'province', 'industry_section'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface BreakdownRow {
  key: string;
  new_guarantees: { count: number; principal: string };
  outstanding_balance: string;
  released: { count: number; principal: string };
  compensation: { count: number; amount: string; rate_pct: string | null };
}

export type Breakdown = Partial<Record<Dimension, BreakdownRow[]>> & { programmes?: ProgrammeState[] };

/**
 * The figures of a period and slice broken down by one or more dimensions at once
 * (`GET /figures/breakdown`): one statement per figure, grouped by every dimension asked for
 * (grouping sets), so that a page with four breakdowns costs four statements, not one request
 * per bank, guarantor, province or industry. Broken down by programme, each programme's breaker
 * state comes with it.
 */
export async function breakdown(sql: Sql, q: FiguresQuery, dimensions: readonly Dimension[]): Promise<Breakdown> {
  const p = new Params(q.from, q.to, q.asOf ?? 'infinity');
  const inSlice = `${sliceCondition(q.slice, p)} and ${knownBy('g', '$3')}`;
  const sets = dimensions.map((d) => `(g.${d})`).join(', ');
  const keys = dimensions.map((d) => `g.${d}::text as ${d}`).join(', ');
  const grouped = `group by grouping sets (${sets})`;
  type Keyed = Record<Dimension, string | null>;

  const source = newBusiness(q.asOf === undefined ? undefined : '$3');
  const issued = await sql.query<Keyed & { count: number; principal: string }>(
    `select ${keys}, sum(g.loans)::int as count, sum(g.principal_fen)::text as principal
       from ${source} g where g.issued_on between $1::date and $2::date and ${inSlice} ${grouped} having sum(g.loans) > 0`,
    p.values,
  );
  // at the end of the period: what was issued by then, less the changes of principal dated by then
  const issuedBy = await sql.query<Keyed & { amount: string }>(
    `select ${keys}, sum(g.principal_fen)::text as amount
       from ${source} g where $1::date <= $2::date and g.issued_on <= $2::date and ${inSlice} ${grouped} having sum(g.loans) > 0`,
    p.values,
  );
  const changedBy = await sql.query<Keyed & { amount: string }>(
    `select ${keys}, sum(ch.amount_fen)::text as amount
       from ${SCHEMA}.r_principal_changes ch join ${SCHEMA}.r_guarantees g using (guarantee_id)
      where $1::date <= $2::date and ch.business_date <= $2::date and ${knownBy('ch', '$3')} and g.issued_on <= $2::date and ${inSlice} ${grouped}`,
    p.values,
  );
  const released = await sql.query<Keyed & { count: number; principal: string }>(
    `select ${keys}, count(*)::int as count, sum(g.principal_fen)::text as principal
       from ${SCHEMA}.r_releases r join ${SCHEMA}.r_guarantees g using (guarantee_id)
      where r.released_on between $1::date and $2::date and ${knownBy('r', '$3')} and ${inSlice} ${grouped}`,
    p.values,
  );
  const claims = await sql.query<Keyed & { count: number; amount: string }>(
    `select ${keys}, count(*)::int as count, sum(c.compensation_fen)::text as amount
       from ${SCHEMA}.r_claims c join ${SCHEMA}.r_guarantees g using (guarantee_id)
      where c.claimed_on between $1::date and $2::date and ${knownBy('c', '$3')} and ${inSlice} ${grouped}`,
    p.values,
  );

  const out: Breakdown = {};
  for (const d of dimensions) {
    const rows = new Map<string, { count: number; principal: bigint; outstanding: bigint; released: number; releasedPrincipal: bigint; claims: number; compensation: bigint }>();
    const at = (key: string) => {
      let r = rows.get(key);
      if (!r) rows.set(key, (r = { count: 0, principal: 0n, outstanding: 0n, released: 0, releasedPrincipal: 0n, claims: 0, compensation: 0n }));
      return r;
    };
    // a row of one grouping set has its own dimension set and every other one null
    const mine = <T extends Keyed>(list: T[]) => list.filter((r) => r[d] !== null && dimensions.every((o) => o === d || r[o] === null));
    for (const r of mine(issued)) Object.assign(at(r[d]!), { count: r.count, principal: fenOf(r.principal) });
    for (const r of mine(issuedBy)) at(r[d]!).outstanding += fenOf(r.amount);
    for (const r of mine(changedBy)) at(r[d]!).outstanding -= fenOf(r.amount);
    for (const r of mine(released)) Object.assign(at(r[d]!), { released: r.count, releasedPrincipal: fenOf(r.principal) });
    for (const r of mine(claims)) Object.assign(at(r[d]!), { claims: r.count, compensation: fenOf(r.amount) });
    out[d] = [...rows]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, r]) => ({
        key,
        new_guarantees: { count: r.count, principal: formatYuan(r.principal) },
        outstanding_balance: formatYuan(r.outstanding),
        released: { count: r.released, principal: formatYuan(r.releasedPrincipal) },
        compensation: { count: r.claims, amount: formatYuan(r.compensation), rate_pct: decimalRatio(r.compensation * 100n, r.releasedPrincipal, RATIO_DECIMALS) },
      }));
  }
  if (dimensions.includes('programme')) out.programmes = await programmeStates(sql, (out.programme ?? []).map((r) => r.key), q.to, q.asOf);
  return out;
}
