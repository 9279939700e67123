import { formatYuan } from '@g2g/domain';
import { LOOKUP, Sql } from '@g2g/event-store';
import { FiguresQuery } from '../figures-api/figures';
import { SCHEMA } from '../record-log/record-log.consumer';
import { Params, fenOf, knownBy, partyCondition, sliceCondition } from '../slices/slice-sql';

/** The figures a list of guarantees can stand behind, each with the guarantees it counts. */
export const BEHIND = ['new_guarantees', 'outstanding_balance', 'released', 'compensation'] as const;
export type Behind = (typeof BEHIND)[number];

export interface GuaranteesQuery extends FiguresQuery {
  behind: Behind;
  /** only the guarantees this participant is a party to (a guarantor, re-guarantor or the Fund reading its own) */
  party?: string;
  /** loan ids starting with this */
  loanIdPrefix?: string;
  /** the page: guarantee ids after this one, in order */
  after?: string;
  limit: number;
}

export interface GuaranteeLine {
  guarantee_id: string;
  bank: string;
  loan_id: string;
  programme: string;
  guarantor: string;
  province: string;
  industry_section: string;
  borrower_type: string;
  principal: string;
  /** at the end of `to` */
  outstanding: string;
  issued_on: string;
  matures_on: string;
  released_on: string | null;
  claimed_on: string | null;
  compensation: string | null;
}

/** Which guarantees each figure counts, as `GET /figures` counts them (r_guarantees g, its outstanding o.outstanding). */
const CONDITION: Record<Behind, string> = {
  new_guarantees: 'g.issued_on between $1::date and $2::date',
  outstanding_balance: 'g.issued_on <= $2::date and o.outstanding > 0',
  released: 'r.released_on between $1::date and $2::date',
  compensation: 'c.claimed_on between $1::date and $2::date',
};

/**
 * The guarantees the conditions pick (`with ... picked as (...)`), each with its outstanding
 * principal at the end of $2 as known at $3: from the principal changes of all guarantees summed at
 * once (`all`, for totals), or looked up guarantee by guarantee (`each`, for a page in id order).
 */
function picked(conditions: readonly string[], outstanding: 'all' | 'each'): string {
  const changes = `from ${SCHEMA}.r_principal_changes ch where ch.business_date <= $2::date and ${knownBy('ch', '$3')}`;
  const o =
    outstanding === 'all'
      ? `left join (select g.guarantee_id, g.principal_fen - coalesce(ch.changed, 0) as outstanding
                      from ${SCHEMA}.r_guarantees g
                      left join (select guarantee_id, sum(amount_fen) as changed ${changes} group by guarantee_id) ch using (guarantee_id)
                     where g.issued_on <= $2::date) o using (guarantee_id)`
      : `cross join lateral (select g.principal_fen - coalesce(sum(ch.amount_fen), 0) as outstanding ${changes} and ch.guarantee_id = g.guarantee_id and g.issued_on <= $2::date ${LOOKUP}) o`;
  return `
    with picked as (
      select g.*, coalesce(o.outstanding, g.principal_fen) as outstanding_fen,
             case when r.released_on <= $2::date then r.released_on end as released_on,
             case when c.claimed_on <= $2::date then c.claimed_on end as claimed_on,
             case when c.claimed_on <= $2::date then c.compensation_fen end as compensation_fen
        from ${SCHEMA}.r_guarantees g
        ${o}
        left join ${SCHEMA}.r_releases r on r.guarantee_id = g.guarantee_id and ${knownBy('r', '$3')}
        left join ${SCHEMA}.r_claims c on c.guarantee_id = g.guarantee_id and ${knownBy('c', '$3')}
       where ${conditions.join(' and ')} and $1::date <= $2::date)`;
}

interface Totals {
  count: number;
  principal: bigint;
  outstanding: bigint;
  compensation: bigint;
}

/** Every guarantee the conditions pick, read and summed (any figure, slice, party, loan id prefix and as-of time). */
async function totalsFromFacts(sql: Sql, conditions: readonly string[], p: Params): Promise<Totals> {
  const [t] = await sql.query<{ count: number; principal: string; outstanding: string; compensation: string }>(
    `${picked(conditions, 'all')}
     select count(*)::int as count, coalesce(sum(principal_fen), 0)::text as principal,
            coalesce(sum(outstanding_fen), 0)::text as outstanding, coalesce(sum(compensation_fen), 0)::text as compensation
       from picked`,
    p.values,
  );
  return { count: t.count, principal: fenOf(t.principal), outstanding: fenOf(t.outstanding), compensation: fenOf(t.compensation) };
}

/**
 * The figures whose guarantees are most of the book, by the issue date: which guarantees they
 * count before their principal changes are looked at, and which of the changed ones they keep.
 */
const FROM_CELLS: Partial<Record<Behind, { issued: string; keeps: string }>> = {
  new_guarantees: { issued: 'g.issued_on between $1::date and $2::date', keeps: 'true' },
  outstanding_balance: { issued: 'g.issued_on <= $2::date', keeps: 'o.principal_fen - o.changed > 0' },
};

/**
 * The totals of what is known now from the figure cells, and the facts of only the guarantees whose
 * principal changed by the end of the period: a guarantee that did not change counts once with its
 * principal outstanding and no compensation (a claim is a change), so the totals are the cells' count
 * and principal, less those of the changed guarantees, plus what the changed ones the figure keeps
 * add. The same numbers as reading every guarantee (a test compares them).
 */
async function totalsFromCells(sql: Sql, q: GuaranteesQuery): Promise<Totals> {
  const by = FROM_CELLS[q.behind]!;
  const p = new Params(q.from, q.to);
  const conditions = [by.issued, sliceCondition(q.slice, p), ...(q.party !== undefined ? [partyCondition(q.party, p)] : []), '$1::date <= $2::date'].join(' and ');
  // a cell with the columns of its terms, named as r_guarantees names them, for the same conditions
  const cells = `(select c.issued_on, c.terms_id, c.bank, c.industry_section, c.borrower_type, c.loans, c.principal_fen,
                         t.programme, t.fund_backed, t.guarantor, t.province
                    from ${SCHEMA}.r_issued_cells c join ${SCHEMA}.r_terms t using (terms_id)) g`;
  const [all] = await sql.query<{ count: string; principal: string }>(
    `select coalesce(sum(g.loans), 0)::text as count, coalesce(sum(g.principal_fen), 0)::text as principal from ${cells} where ${conditions}`,
    p.values,
  );
  const [changed] = await sql.query<Record<string, string>>(
    `with o as (
       select g.guarantee_id, g.principal_fen, sum(ch.amount_fen) as changed
         from ${SCHEMA}.r_principal_changes ch join ${SCHEMA}.r_guarantees g using (guarantee_id)
        where ch.business_date <= $2::date and ${conditions}
        group by g.guarantee_id, g.principal_fen)
     select count(*)::text as count, coalesce(sum(o.principal_fen), 0)::text as principal,
            count(*) filter (where ${by.keeps})::text as kept, coalesce(sum(o.principal_fen) filter (where ${by.keeps}), 0)::text as kept_principal,
            coalesce(sum(o.principal_fen - o.changed) filter (where ${by.keeps}), 0)::text as kept_outstanding,
            coalesce(sum(c.compensation_fen) filter (where ${by.keeps} and c.claimed_on <= $2::date), 0)::text as kept_compensation
       from o left join ${SCHEMA}.r_claims c using (guarantee_id)`,
    p.values,
  );
  const unchanged = { count: fenOf(all.count) - fenOf(changed.count), principal: fenOf(all.principal) - fenOf(changed.principal) };
  return {
    count: Number(unchanged.count + fenOf(changed.kept)),
    principal: unchanged.principal + fenOf(changed.kept_principal),
    outstanding: unchanged.principal + fenOf(changed.kept_outstanding),
    compensation: fenOf(changed.kept_compensation),
  };
}

/**
 * The guarantees behind a figure (`GET /guarantees`), in guarantee id order, a page at a time,
 * with the totals of all of them: the count and principal of new guarantees, the outstanding
 * balance, the released count and principal, the claims' count and compensation, each equal to
 * the figure of the same period, slice and as-of time.
 */
export async function guaranteesBehind(sql: Sql, q: GuaranteesQuery) {
  const p = new Params(q.from, q.to, q.asOf ?? 'infinity');
  const conditions = [CONDITION[q.behind], sliceCondition(q.slice, p), knownBy('g', '$3')];
  if (q.party !== undefined) conditions.push(partyCondition(q.party, p));
  if (q.loanIdPrefix) conditions.push(`substr(g.guarantee_id, length(g.bank) + 2) like ${p.add(`${q.loanIdPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
  const totals = q.asOf === undefined && !q.loanIdPrefix && q.behind in FROM_CELLS ? await totalsFromCells(sql, q) : await totalsFromFacts(sql, conditions, p);
  // a page reads the guarantees in id order and stops at the page's end: the outstanding of each one read
  const page = new Params(...p.values);
  const after = q.after !== undefined ? `where guarantee_id > ${page.add(q.after)}` : '';
  const rows = await sql.query<Record<string, string>>(
    `${picked(conditions, 'each')}
     select guarantee_id, bank, programme, guarantor, province, industry_section, borrower_type,
            principal_fen::text as principal, outstanding_fen::text as outstanding,
            to_char(issued_on, 'YYYY-MM-DD') as issued_on, to_char(matures_on, 'YYYY-MM-DD') as matures_on,
            to_char(released_on, 'YYYY-MM-DD') as released_on, to_char(claimed_on, 'YYYY-MM-DD') as claimed_on,
            compensation_fen::text as compensation
       from picked ${after} order by guarantee_id limit ${page.add(q.limit)}`,
    page.values,
  );
  const lines: GuaranteeLine[] = rows.map((r) => ({
    guarantee_id: r.guarantee_id,
    bank: r.bank,
    loan_id: r.guarantee_id.slice(r.bank.length + 1),
    programme: r.programme,
    guarantor: r.guarantor,
    province: r.province,
    industry_section: r.industry_section,
    borrower_type: r.borrower_type,
    principal: formatYuan(fenOf(r.principal)),
    outstanding: formatYuan(fenOf(r.outstanding)),
    issued_on: r.issued_on,
    matures_on: r.matures_on,
    released_on: r.released_on,
    claimed_on: r.claimed_on,
    compensation: r.compensation === null ? null : formatYuan(fenOf(r.compensation)),
  }));
  return {
    totals: { count: totals.count, principal: formatYuan(totals.principal), outstanding: formatYuan(totals.outstanding), compensation: formatYuan(totals.compensation) },
    guarantees: lines,
    next: lines.length === q.limit ? lines[lines.length - 1].guarantee_id : null,
  };
}
