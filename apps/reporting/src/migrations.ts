import { Migration } from '@g2g/event-store';
import { referenceDataMigrations } from '@g2g/platform';

export const reportingMigrations: readonly Migration[] = [
  ...referenceDataMigrations,
  {
    version: 101,
    name: 'guarantees with their slices, parties, re-guarantee fees; participant feeds',
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
        released_on date
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
        primary key (guarantee_id, participant)
      );
      create table {schema}.r_feed (
        seq bigint generated always as identity primary key,
        participant text not null,
        topic text not null,
        key text not null,
        value jsonb not null,
        recorded_at timestamptz not null default now()
      );
      create index r_feed_participant_idx on {schema}.r_feed (participant, seq);
    `,
  },
];
