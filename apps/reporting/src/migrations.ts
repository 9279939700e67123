import { Migration } from '@g2g/event-store';
import { referenceDataMigrations } from '@g2g/platform';

/**
 * Reporting keeps every message it receives as an event in its own log (the source its
 * projections are built from, and rebuilt from); the r_* tables are those projections. Every fact
 * carries its business date and the time the platform recorded it, for figures as of a past time.
 */
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
];
