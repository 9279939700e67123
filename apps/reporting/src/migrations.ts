import { Migration } from '@g2g/event-store';
import { referenceDataMigrations } from '@g2g/platform';
import { riskLabelsMigration } from './risk-labels/risk-labels';

/**
 * Reporting keeps every message it receives as an event in its own log (the source its
 * projections are built from, and rebuilt from); the r_* tables are those projections. Every fact
 * carries its business date and the time the platform recorded it, for figures as of a past time.
 */
/** The columns that name a figure cell. */
export const CELL = 'issued_on, terms_id, bank, industry_section, borrower_type';
const PART = `case when p.party->>'role' = 'guarantor' then null else floor(g.principal_fen * (p.party->>'sharePct')::numeric / 100) end`;

/**
 * The figure cells of the guarantees in `source` (r_guarantees, or the rows an insert returned):
 * their sums per cell, and each party's part (the floor of its share, the guarantor the rest) summed
 * per cell in the order of the parties of the cell's terms.
 */
export const issuedCells = (source: string, schema: string) => `
  insert into ${schema}.r_issued_cells (${CELL}, loans, principal_fen, inclusive_fen, sci_loans, sci_fen, small_fen, fee_weighted, interest_weighted, fees_fen, parts_fen)
  select s.*, r.parts_fen from (
      select ${CELL}, count(*), sum(principal_fen), coalesce(sum(principal_fen) filter (where inclusive), 0), count(*) filter (where sci_tech),
             coalesce(sum(principal_fen) filter (where sci_tech), 0), coalesce(sum(principal_fen) filter (where principal_fen <= 500000000), 0),
             sum(principal_fen * fee_rate_pct * 10000), sum(principal_fen * interest_rate_pct * 10000), sum(guarantee_fee_fen)
        from ${source} group by ${CELL}) s
  join (
      select ${CELL}, array_agg(amount order by n) as parts_fen from (
        select ${CELL}, n, sum(amount) as amount from (
          select g.issued_on, g.terms_id, g.bank, g.industry_section, g.borrower_type, p.n,
                 coalesce(${PART}, g.principal_fen - coalesce(sum(${PART}) over (partition by g.guarantee_id), 0)) as amount
            from ${source} g join ${schema}.r_terms t using (terms_id), jsonb_array_elements(t.parties) with ordinality p(party, n)) x
        group by ${CELL}, n) y
      group by ${CELL}) r using (${CELL})`;

/** How many re-guarantee fees each fee cell sums, from the facts (the cells of a database from before version 106). */
export const FEE_COUNTS_FROM_FACTS = `
      update {schema}.r_fee_cells c set fees = n.fees
        from (select g.issued_on, g.terms_id, g.bank, g.industry_section, g.borrower_type, f.participant, count(*) as fees
                from {schema}.r_reguarantee_fees f join {schema}.r_guarantees g using (guarantee_id) group by 1, 2, 3, 4, 5, 6) n
       where (c.issued_on, c.terms_id, c.bank, c.industry_section, c.borrower_type, c.participant) = (n.issued_on, n.terms_id, n.bank, n.industry_section, n.borrower_type, n.participant);
`;

/** The figure cells and the repeat borrowers' guarantees, from the facts (a database that had facts before the cells). */
export const FIGURE_CELLS_FROM_FACTS = `
      ${issuedCells('{schema}.r_guarantees', '{schema}')};
      insert into {schema}.r_fee_cells
      select g.issued_on, g.terms_id, g.bank, g.industry_section, g.borrower_type, f.participant, sum(f.fee_fen)
        from {schema}.r_reguarantee_fees f join {schema}.r_guarantees g using (guarantee_id) group by 1, 2, 3, 4, 5, 6;
      insert into {schema}.r_borrowers
      select borrower_id, count(*), min(guarantee_id) from {schema}.r_guarantees group by borrower_id;
      insert into {schema}.r_repeat_loans
      select g.guarantee_id, g.borrower_id, g.issued_on, g.terms_id, g.bank, g.industry_section, g.borrower_type, g.principal_fen, g.sci_tech
        from {schema}.r_guarantees g join {schema}.r_borrowers b using (borrower_id) where b.loans > 1;
`;

export const reportingMigrations: readonly Migration[] = [
  ...referenceDataMigrations,
  {
    version: 101,
    name: 'read models: guarantees and their parties, fees, principal changes, releases, claims, recoveries, feeds',
    sql: `
      create table {schema}.r_guarantees (
        guarantee_id text primary key,
        programme text not null,
        bank text not null,
        guarantor text not null,
        province text not null,
        fund_backed boolean not null,
        industry_section text not null,
        borrower_type text not null,
        borrower_id text not null,
        sci_tech boolean not null,
        inclusive boolean not null,
        principal_fen numeric(20, 0) not null,
        interest_rate_pct numeric(9, 4) not null,
        fee_rate_pct numeric(9, 4) not null,
        guarantee_fee_fen numeric(20, 0) not null,
        issued_on date not null,
        matures_on date not null,
        recorded_at timestamptz not null
      );
      create index r_guarantees_issued_idx on {schema}.r_guarantees (issued_on);
      create table {schema}.r_parties (
        guarantee_id text not null,
        participant text not null,
        role text not null,
        share_pct numeric(9, 4) not null,
        primary key (guarantee_id, participant)
      );
      create index r_parties_participant_idx on {schema}.r_parties (participant, role);
      create table {schema}.r_reguarantee_fees (
        guarantee_id text not null,
        participant text not null,
        fee_fen numeric(20, 0) not null,
        recorded_at timestamptz not null,
        primary key (guarantee_id, participant)
      );
      create table {schema}.r_principal_changes (
        position bigint primary key,
        guarantee_id text not null,
        kind text not null check (kind in ('repayment', 'claim')),
        business_date date not null,
        amount_fen numeric(20, 0) not null,
        recorded_at timestamptz not null
      );
      create index r_principal_changes_guarantee_idx on {schema}.r_principal_changes (guarantee_id, business_date);
      create table {schema}.r_releases (
        guarantee_id text primary key,
        kind text not null check (kind in ('repaid', 'claimed')),
        released_on date not null,
        recorded_at timestamptz not null
      );
      create table {schema}.r_claims (
        guarantee_id text primary key,
        claimed_on date not null,
        unpaid_principal_fen numeric(20, 0) not null,
        compensation_fen numeric(20, 0) not null,
        fund_paid boolean not null,
        recorded_at timestamptz not null
      );
      create table {schema}.r_claim_amounts (
        guarantee_id text not null,
        kind text not null check (kind in ('part', 'support', 'loss')),
        participant text not null,
        role text not null,
        amount_fen numeric(20, 0) not null,
        primary key (guarantee_id, kind, participant)
      );
      create table {schema}.r_recoveries (
        position bigint not null,
        guarantee_id text not null,
        participant text not null,
        role text not null,
        recovered_on date not null,
        amount_fen numeric(20, 0) not null,
        recorded_at timestamptz not null,
        primary key (position, participant)
      );
      create table {schema}.r_feed (
        participant text not null,
        seq bigint not null,
        topic text not null,
        key text not null,
        value jsonb not null,
        recorded_at timestamptz not null,
        primary key (participant, seq)
      );
    `,
  },
  {
    version: 102,
    name: 'read model: the audit trail of operator actions',
    sql: `
      create table {schema}.r_audit_trail (
        seq bigint primary key,
        action_id text not null unique,
        service text not null,
        action text not null,
        actor text not null,
        actor_key_id text not null,
        subject text not null,
        details jsonb not null,
        recorded_at timestamptz not null
      );
      create index r_audit_trail_action_idx on {schema}.r_audit_trail (action, seq);
      create index r_audit_trail_recorded_idx on {schema}.r_audit_trail (recorded_at);
    `,
  },
  {
    version: 103,
    name: 'read models: amounts and rates of any size an event carries',
    // No column is narrower than what a decided event can carry: numeric(20, 0) stopped at 10^20
    // fen, and a claim under claim_covers_interest with 2e18 yuan of interest (2e20 fen), accepted
    // before amounts were bounded, failed its projection (22003) and held every later event back.
    // Dropping a numeric's precision rewrites no table.
    sql: `
      alter table {schema}.r_guarantees
        alter column principal_fen type numeric, alter column interest_rate_pct type numeric,
        alter column fee_rate_pct type numeric, alter column guarantee_fee_fen type numeric;
      alter table {schema}.r_parties alter column share_pct type numeric;
      alter table {schema}.r_reguarantee_fees alter column fee_fen type numeric;
      alter table {schema}.r_principal_changes alter column amount_fen type numeric;
      alter table {schema}.r_claims alter column unpaid_principal_fen type numeric, alter column compensation_fen type numeric;
      alter table {schema}.r_claim_amounts alter column amount_fen type numeric;
      alter table {schema}.r_recoveries alter column amount_fen type numeric;
      `,
  },
  {
    version: 104,
    name: 'read models of chunk events: each fact once and narrow, party sets per programme version and bank, feeds pointing into the log',
    sql: `
      drop table {schema}.r_guarantees, {schema}.r_parties, {schema}.r_reguarantee_fees, {schema}.r_principal_changes,
                 {schema}.r_releases, {schema}.r_claims, {schema}.r_claim_amounts, {schema}.r_recoveries, {schema}.r_feed;
      create table {schema}.r_terms (
        terms_id text primary key,
        programme text not null,
        programme_version date not null,
        province text not null,
        fund_backed boolean not null,
        guarantor text not null,
        reguarantors text[] not null,
        parties jsonb not null
      );
      create table {schema}.r_guarantees (
        guarantee_id text primary key,
        programme text not null,
        bank text not null,
        terms_id text not null,
        guarantor text not null,
        province text not null,
        fund_backed boolean not null,
        industry_section text not null,
        borrower_type text not null,
        borrower_id text not null,
        sci_tech boolean not null,
        inclusive boolean not null,
        principal_fen numeric not null,
        interest_rate_pct numeric not null,
        fee_rate_pct numeric not null,
        guarantee_fee_fen numeric not null,
        issued_on date not null,
        matures_on date not null,
        recorded_at timestamptz not null,
        position bigint not null,
        idx int not null
      );
      create index r_guarantees_issued_idx on {schema}.r_guarantees (issued_on);
      create table {schema}.r_rejections (
        guarantee_id text primary key,
        position bigint not null,
        idx int not null
      );
      -- two rows a loan, read whole by the figures: no index to keep up (the projection applies a page once)
      create table {schema}.r_reguarantee_fees (
        guarantee_id text not null,
        participant text not null,
        fee_fen numeric not null,
        recorded_at timestamptz not null,
        position bigint not null
      );
      create table {schema}.r_principal_changes (
        position bigint not null,
        idx int not null,
        guarantee_id text not null,
        kind text not null check (kind in ('repayment', 'claim')),
        business_date date not null,
        amount_fen numeric not null,
        recorded_at timestamptz not null,
        primary key (position, idx)
      );
      create index r_principal_changes_guarantee_idx on {schema}.r_principal_changes (guarantee_id, business_date);
      create table {schema}.r_releases (
        guarantee_id text primary key,
        kind text not null check (kind in ('repaid', 'claimed')),
        released_on date not null,
        recorded_at timestamptz not null
      );
      create table {schema}.r_claims (
        guarantee_id text primary key,
        claimed_on date not null,
        unpaid_principal_fen numeric not null,
        compensation_fen numeric not null,
        fund_paid boolean not null,
        recorded_at timestamptz not null,
        position bigint not null,
        idx int not null
      );
      create table {schema}.r_claim_amounts (
        guarantee_id text not null,
        kind text not null check (kind in ('part', 'support', 'loss')),
        participant text not null,
        role text not null,
        amount_fen numeric not null,
        primary key (guarantee_id, kind, participant)
      );
      create table {schema}.r_recoveries (
        position bigint not null,
        idx int not null,
        participant text not null,
        guarantee_id text not null,
        role text not null,
        recovered_on date not null,
        amount_fen numeric not null,
        recorded_at timestamptz not null,
        primary key (position, idx, participant)
      );
      create index r_recoveries_guarantee_idx on {schema}.r_recoveries (guarantee_id);
      create table {schema}.r_feed (
        participant text not null,
        position bigint not null,
        primary key (participant, position)
      );
      -- where each chunk's decision and cession are in the log (a loan's history finds them here)
      create table {schema}.r_chunks (
        kind text not null,
        bank text not null,
        batch_ref text not null,
        first_row int not null,
        position bigint not null,
        primary key (kind, bank, batch_ref, first_row)
      );
    `,
  },
  {
    version: 105,
    name: 'figure cells: new business, risk and re-guarantee fees summed per business date and slice cell; the loans of borrowers with more than one',
    sql: `
      -- a cell: one business date, one set of terms (programme version, province, parties, bank), one
      -- industry section, one borrower type; every slice of the figures is a set of cells
      create table {schema}.r_issued_cells (
        issued_on date not null,
        terms_id text not null,
        bank text not null,
        industry_section text not null,
        borrower_type text not null,
        loans bigint not null,
        principal_fen numeric not null,
        inclusive_fen numeric not null,
        sci_loans bigint not null,
        sci_fen numeric not null,
        -- the principal of the loans of at most 5 million yuan each
        small_fen numeric not null,
        -- sums of principal x rate x 10,000, exact
        fee_weighted numeric not null,
        interest_weighted numeric not null,
        fees_fen numeric not null,
        -- each party's part when issued (the floor of its share; the guarantor the rest), in the order of the terms' parties
        parts_fen numeric[] not null,
        primary key (issued_on, terms_id, bank, industry_section, borrower_type)
      );
      -- re-guarantee fees by the cell of their guarantee, counted once both are known
      create table {schema}.r_fee_cells (
        issued_on date not null,
        terms_id text not null,
        bank text not null,
        industry_section text not null,
        borrower_type text not null,
        participant text not null,
        fee_fen numeric not null,
        primary key (issued_on, terms_id, bank, industry_section, borrower_type, participant)
      );
      create table {schema}.r_borrowers (
        borrower_id text primary key,
        loans int not null,
        -- the least guarantee id of the borrower's (while it has one, that one)
        first_guarantee text not null
      );
      -- every guarantee of a borrower with more than one: distinct borrowers are counted from here
      create table {schema}.r_repeat_loans (
        guarantee_id text primary key,
        borrower_id text not null,
        issued_on date not null,
        terms_id text not null,
        bank text not null,
        industry_section text not null,
        borrower_type text not null,
        principal_fen numeric not null,
        sci_tech boolean not null
      );
      create index r_repeat_loans_issued_idx on {schema}.r_repeat_loans (issued_on);
      alter table {schema}.r_reguarantee_fees add primary key (guarantee_id, participant);

      ${FIGURE_CELLS_FROM_FACTS}
    `,
  },
  {
    version: 106,
    name: 'figures as of a past time from the cells: the guarantees and re-guarantee fees by the time they were recorded, and how many fees each fee cell sums',
    sql: `
      create index r_guarantees_recorded_idx on {schema}.r_guarantees (recorded_at);
      create index r_reguarantee_fees_recorded_idx on {schema}.r_reguarantee_fees (recorded_at);
      -- a participant's fees of a period are listed (even when they total zero) while one is known
      alter table {schema}.r_fee_cells add column fees bigint not null default 0;
      ${FEE_COUNTS_FROM_FACTS}
    `,
  },
  {
    version: 107,
    name: 'the recommended lists of a set of terms: a slice of every figure, as the other sets of terms are',
    sql: `
      -- a guarantee's terms now say the lists its borrower was on when it was issued; terms made
      -- before lists existed are on none, and keep their ids
      alter table {schema}.r_terms add column lists text[] not null default '{}';
    `,
  },
  riskLabelsMigration,
];
