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
];
