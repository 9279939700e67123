import { formatYuan } from '@g2g/domain';
import { Sql } from '@g2g/event-store';
import { FiguresQuery } from '../figures-api/figures';
import { SCHEMA } from '../record-log/record-log.consumer';
import { Params, fenOf, knownBy, sliceConditions } from '../slices/slice-sql';

export const ROLL_FORWARD_BY = ['guarantor', 'programme'] as const;
export type RollForwardBy = (typeof ROLL_FORWARD_BY)[number];

interface CountAmount {
  count: number;
  amount: string;
}

export interface RollForwardLine {
  key: string;
  /** in force at the end of the day before the period: guarantees not released, their outstanding principal */
  opening: CountAmount;
  /** issued in the period: count and principal */
  new_guarantees: CountAmount;
  /** released in the period (count), and every fall of outstanding principal in it, by repayment or claim (amount) */
  decreased: CountAmount;
  /** in force at the end of the period */
  closing: CountAmount;
  /** opening + new - decreased = closing, for the count and for the amount */
  balanced: boolean;
  /** claims paid in the period: count and compensation */
  compensation: CountAmount;
  /** support paid for those claims by the re-guarantors and the Fund */
  support: string;
  /** recovered in the period, every party's part */
  recoveries: string;
}

interface Tally {
  opening: [number, bigint];
  issued: [number, bigint];
  decreased: [number, bigint];
  closing: [number, bigint];
  compensation: [number, bigint];
  support: bigint;
  recoveries: bigint;
}

const emptyTally = (): Tally => ({ opening: [0, 0n], issued: [0, 0n], decreased: [0, 0n], closing: [0, 0n], compensation: [0, 0n], support: 0n, recoveries: 0n });

/**
 * The supervisory roll-forward of a period (`GET /roll-forward`), per guarantor or per programme,
 * in the shape of the regulators' statistical forms: the balance in force at the start (count and
 * amount), plus the guarantees issued, less the guarantees released and the principal repaid or
 * claimed, gives the balance at the end; with the compensation, support and recoveries of the
 * period. Each column is its own statement, so `balanced` checks the sum rather than restating it.
 * What is known now reads the balances and the new business from the figure cells (docs/adr/0013).
 */
export async function rollForward(sql: Sql, q: FiguresQuery, by: RollForwardBy) {
  const p = new Params(q.from, q.to, q.asOf ?? 'infinity');
  const slice = sliceConditions(q.slice, p);
  const inSlice = `${slice.guarantees} and ${knownBy('g', '$3')}`;
  const key = `g.${by}`;
  const now = q.asOf === undefined;
  /**
   * In force at the end of a date: issued by then, count of those not released by then, outstanding
   * principal. What is known now from the figure cells (issued by then), less the guarantees
   * released and the principal changed by then; as of a past time from every guarantee.
   */
  const inForceAt = (date: string) =>
    now
      ? sql.query<{ key: string; count: number; amount: string }>(
          `with issued as (
             select t.${by} as key, sum(c.loans) as loans, sum(c.principal_fen) as principal
               from ${SCHEMA}.r_issued_cells c join ${SCHEMA}.r_terms t using (terms_id)
              where c.issued_on <= ${date} and $1::date <= $2::date and ${slice.cells} and $3::timestamptz = 'infinity' group by 1),
           released as (
             select ${key} as key, count(*) as count from ${SCHEMA}.r_releases r join ${SCHEMA}.r_guarantees g using (guarantee_id)
              where r.released_on <= ${date} and g.issued_on <= ${date} and ${slice.guarantees} group by 1),
           changed as (
             select ${key} as key, sum(ch.amount_fen) as amount from ${SCHEMA}.r_principal_changes ch join ${SCHEMA}.r_guarantees g using (guarantee_id)
              where ch.business_date <= ${date} and g.issued_on <= ${date} and ${slice.guarantees} group by 1)
           select i.key, (i.loans - coalesce(r.count, 0))::int as count, (i.principal - coalesce(ch.amount, 0))::text as amount
             from issued i left join released r using (key) left join changed ch using (key)`,
          p.values,
        )
      : sql.query<{ key: string; count: number; amount: string }>(
          `with ch as (
             select guarantee_id, sum(amount_fen) as changed from ${SCHEMA}.r_principal_changes ch
              where ch.business_date <= ${date} and ${knownBy('ch', '$3')} group by guarantee_id)
           select ${key} as key, count(*) filter (where r.guarantee_id is null)::int as count,
                  sum(g.principal_fen - coalesce(ch.changed, 0))::text as amount
             from ${SCHEMA}.r_guarantees g left join ch using (guarantee_id)
             left join ${SCHEMA}.r_releases r on r.guarantee_id = g.guarantee_id and r.released_on <= ${date} and ${knownBy('r', '$3')}
            where g.issued_on <= ${date} and $1::date <= $2::date and ${inSlice} group by 1`,
          p.values,
        );
  const opening = await inForceAt('($1::date - 1)');
  const closing = await inForceAt('$2::date');
  const issued = await sql.query<{ key: string; count: number; amount: string }>(
    now
      ? `select t.${by} as key, sum(c.loans)::int as count, sum(c.principal_fen)::text as amount
           from ${SCHEMA}.r_issued_cells c join ${SCHEMA}.r_terms t using (terms_id)
          where c.issued_on between $1::date and $2::date and ${slice.cells} and $3::timestamptz = 'infinity' group by 1`
      : `select ${key} as key, count(*)::int as count, sum(g.principal_fen)::text as amount
           from ${SCHEMA}.r_guarantees g where g.issued_on between $1::date and $2::date and ${inSlice} group by 1`,
    p.values,
  );
  const released = await sql.query<{ key: string; count: number }>(
    `select ${key} as key, count(*)::int as count
       from ${SCHEMA}.r_releases r join ${SCHEMA}.r_guarantees g using (guarantee_id)
      where r.released_on between $1::date and $2::date and g.issued_on <= $2::date and ${knownBy('r', '$3')} and ${inSlice} group by 1`,
    p.values,
  );
  // a change counts in the balance from the later of its date and its guarantee's issue
  const decreased = await sql.query<{ key: string; amount: string }>(
    `select ${key} as key, sum(ch.amount_fen)::text as amount
       from ${SCHEMA}.r_principal_changes ch join ${SCHEMA}.r_guarantees g using (guarantee_id)
      where greatest(ch.business_date, g.issued_on) between $1::date and $2::date and ${knownBy('ch', '$3')} and ${inSlice} group by 1`,
    p.values,
  );
  const claims = await sql.query<{ key: string; count: number; amount: string; support: string }>(
    `select ${key} as key, count(*)::int as count, sum(c.compensation_fen)::text as amount,
            coalesce(sum((select sum(a.amount_fen) from ${SCHEMA}.r_claim_amounts a where a.guarantee_id = c.guarantee_id and a.kind = 'support')), 0)::text as support
       from ${SCHEMA}.r_claims c join ${SCHEMA}.r_guarantees g using (guarantee_id)
      where c.claimed_on between $1::date and $2::date and ${knownBy('c', '$3')} and ${inSlice} group by 1`,
    p.values,
  );
  const recoveries = await sql.query<{ key: string; amount: string }>(
    `select ${key} as key, sum(r.amount_fen)::text as amount
       from ${SCHEMA}.r_recoveries r join ${SCHEMA}.r_guarantees g using (guarantee_id)
      where r.recovered_on between $1::date and $2::date and ${knownBy('r', '$3')} and ${inSlice} group by 1`,
    p.values,
  );

  const tallies = new Map<string, Tally>();
  const at = (k: string) => {
    let t = tallies.get(k);
    if (!t) tallies.set(k, (t = emptyTally()));
    return t;
  };
  for (const r of opening) at(r.key).opening = [r.count, fenOf(r.amount)];
  for (const r of closing) at(r.key).closing = [r.count, fenOf(r.amount)];
  for (const r of issued) at(r.key).issued = [r.count, fenOf(r.amount)];
  for (const r of released) at(r.key).decreased[0] = r.count;
  for (const r of decreased) at(r.key).decreased[1] = fenOf(r.amount);
  for (const r of claims) Object.assign(at(r.key), { compensation: [r.count, fenOf(r.amount)], support: fenOf(r.support) });
  for (const r of recoveries) at(r.key).recoveries = fenOf(r.amount);

  const keys = [...tallies.keys()].sort();
  const total = emptyTally();
  for (const k of keys) {
    const t = tallies.get(k)!;
    for (const column of ['opening', 'issued', 'decreased', 'closing', 'compensation'] as const) {
      total[column] = [total[column][0] + t[column][0], total[column][1] + t[column][1]];
    }
    total.support += t.support;
    total.recoveries += t.recoveries;
  }
  return { by, lines: keys.map((k) => lineOf(k, tallies.get(k)!)), total: lineOf('total', total) };
}

function lineOf(key: string, t: Tally): RollForwardLine {
  const ca = ([count, amount]: [number, bigint]): CountAmount => ({ count, amount: formatYuan(amount) });
  const balanced = t.opening[0] + t.issued[0] - t.decreased[0] === t.closing[0] && t.opening[1] + t.issued[1] - t.decreased[1] === t.closing[1];
  return {
    key,
    opening: ca(t.opening),
    new_guarantees: ca(t.issued),
    decreased: ca(t.decreased),
    closing: ca(t.closing),
    balanced,
    compensation: ca(t.compensation),
    support: formatYuan(t.support),
    recoveries: formatYuan(t.recoveries),
  };
}
