import { ClaimHistory, RiskLoan, overdueWindows, sliceKeys } from '@g2g/domain';
import { Sql, joined } from '@g2g/event-store';

/**
 * The claim history the risk scoring reads, kept by a service as a projection of its own events:
 * per programme, the guarantees issued and claimed by bank, region and industry section, and the
 * bank's claims by the month their loans fell overdue. Compensation keeps it to label guarantees
 * (`c_` tables, ADR 0020), underwriting to gate the programmes that name `max_risk_score`.
 */
export interface ClaimHistoryTables {
  /** each guarantee counted as issued, with its region and industry section (the slices a claim on it counts in) */
  guarantees: string;
  tallies: string;
  overdue: string;
}

export function claimHistoryTables(schema: string, prefix: string): ClaimHistoryTables {
  return { guarantees: `${schema}.${prefix}risk_guarantees`, tallies: `${schema}.${prefix}risk_tallies`, overdue: `${schema}.${prefix}risk_overdue` };
}

/** The tables' names as a state projection lists them, with their columns. */
export function claimHistoryState(prefix: string) {
  return {
    [`${prefix}risk_guarantees`]: ['guarantee_id', 'programme', 'bank', 'region_code', 'industry_section'],
    [`${prefix}risk_tallies`]: ['slice', 'issued', 'claimed'],
    [`${prefix}risk_overdue`]: ['programme', 'bank', 'month', 'claims'],
  } as const;
}

/** The tables, for a migration (`{schema}` as migrations write it). */
export function claimHistorySql(prefix: string): string {
  return `
    create table {schema}.${prefix}risk_guarantees (
      guarantee_id text primary key,
      programme text not null,
      bank text not null,
      region_code text not null,
      industry_section text not null
    );
    create table {schema}.${prefix}risk_tallies (
      slice text primary key,
      issued int not null default 0,
      claimed int not null default 0
    );
    create table {schema}.${prefix}risk_overdue (
      programme text not null,
      bank text not null,
      month text not null,
      claims int not null default 0,
      primary key (programme, bank, month)
    );`;
}

/**
 * The slice keys of a guarantee row `g`, as SQL: the same keys as the domain's `sliceKeys` (the
 * programme, its bank, region and industry section; a region's key is its code), which the
 * tallies are looked up by. A test compares the tables with the pure fold, key for key.
 */
const SLICES_OF_G = `(values (g.programme || '|programme|'), (g.programme || '|bank|' || g.bank), (g.programme || '|region|' || g.region_code), (g.programme || '|industry|' || g.industry_section)) as s(slice)`;

/** Counts guarantees of one programme and bank as issued in their slices; one counted before counts nothing again. */
export async function countIssued(tx: Sql, t: ClaimHistoryTables, programme: string, bank: string, loans: readonly Pick<RiskLoan, 'guaranteeId' | 'regionCode' | 'industrySection'>[]): Promise<void> {
  if (loans.length === 0) return;
  await tx.query(
    `with g as (
       insert into ${t.guarantees} (guarantee_id, programme, bank, region_code, industry_section)
       select id, $1, $2, r, i from unnest(string_to_array($3, E'\\x1f'), string_to_array($4, E'\\x1f'), string_to_array($5, E'\\x1f')) as t(id, r, i)
       on conflict do nothing returning programme, bank, region_code, industry_section)
     insert into ${t.tallies} as t (slice, issued)
     select s.slice, count(*) from g cross join lateral ${SLICES_OF_G} group by s.slice
     on conflict (slice) do update set issued = t.issued + excluded.issued`,
    [programme, bank, joined(loans.map((l) => l.guaranteeId)), joined(loans.map((l) => l.regionCode)), joined(loans.map((l) => l.industrySection))],
  );
}

/** Counts claims as claimed in their guarantees' slices and in their bank's month of overdue (a guarantee never counted as issued counts nowhere). */
export async function countClaims(tx: Sql, t: ClaimHistoryTables, claims: readonly { guaranteeId: string; overdueSince: string }[]): Promise<void> {
  if (claims.length === 0) return;
  await tx.query(
    `with c as (select g.programme, g.bank, g.region_code, g.industry_section, x.m
                  from unnest(string_to_array($1, E'\\x1f'), string_to_array($2, E'\\x1f')) as x(id, m)
                  join ${t.guarantees} g on g.guarantee_id = x.id),
          tallies as (
            insert into ${t.tallies} as t (slice, claimed)
            select s.slice, count(*) from c as g cross join lateral ${SLICES_OF_G} group by s.slice
            on conflict (slice) do update set claimed = t.claimed + excluded.claimed)
     insert into ${t.overdue} as o (programme, bank, month, claims)
     select programme, bank, m, count(*) from c group by programme, bank, m
     on conflict (programme, bank, month) do update set claims = o.claims + excluded.claims`,
    [joined(claims.map((c) => c.guaranteeId)), joined(claims.map((c) => c.overdueSince.slice(0, 7)))],
  );
}

/**
 * The claim history of a chunk's loans (one programme and bank) as the tables hold it: two index
 * lookups for the chunk, then a function of each loan.
 */
export async function claimHistoryOf(
  tx: Sql,
  t: ClaimHistoryTables,
  programme: string,
  bank: string,
  loans: readonly Pick<RiskLoan, 'programme' | 'bank' | 'regionCode' | 'industrySection' | 'disbursedOn'>[],
): Promise<(loan: RiskLoan) => ClaimHistory> {
  const slices = [...new Set(loans.flatMap((l) => sliceKeys(l)))];
  const months = new Set<string>();
  for (const w of new Set(loans.map((l) => overdueWindows(l.disbursedOn)))) for (const m of [...w.recent, ...w.earlier]) months.add(m);
  const [tallyRows, overdueRows] = await Promise.all([
    slices.length === 0 ? [] : tx.query<{ slice: string; issued: number; claimed: number }>(`select slice, issued, claimed from ${t.tallies} where slice = any(string_to_array($1, E'\\x1f'))`, [joined(slices)]),
    months.size === 0 ? [] : tx.query<{ month: string; claims: number }>(`select month, claims from ${t.overdue} where programme = $1 and bank = $2 and month = any($3::text[])`, [programme, bank, [...months]]),
  ]);
  const tallies = new Map(tallyRows.map((r) => [r.slice, { issued: r.issued, claimed: r.claimed }]));
  const overdue = new Map(overdueRows.map((r) => [r.month, r.claims]));
  const tally = (k: string) => tallies.get(k) ?? { issued: 0, claimed: 0 };
  const count = (ms: readonly string[]) => ms.reduce((s, m) => s + (overdue.get(m) ?? 0), 0);
  return (l) => {
    const [p, b, r, i] = sliceKeys(l).map(tally);
    const w = overdueWindows(l.disbursedOn);
    return { programme: p, bank: b, region: r, industry: i, bankOverdueRecent: count(w.recent), bankOverdueEarlier: count(w.earlier) };
  };
}
