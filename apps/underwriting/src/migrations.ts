import { Migration } from '@g2g/event-store';
import { claimHistorySql, referenceDataMigrations } from '@g2g/platform';

export const underwritingMigrations: readonly Migration[] = [
  ...referenceDataMigrations,
  {
    version: 101,
    name: 'programme books, exposures, decided loans',
    sql: `
      create table {schema}.programme_books (
        programme text primary key,
        suspended boolean not null default false,
        outstanding_fen numeric(20, 0) not null default 0
      );
      create table {schema}.bank_exposure (
        programme text not null,
        bank text not null,
        outstanding_fen numeric(20, 0) not null,
        primary key (programme, bank)
      );
      create table {schema}.borrower_exposure (
        programme text not null,
        borrower_id text not null,
        outstanding_fen numeric(20, 0) not null,
        primary key (programme, borrower_id)
      );
      create table {schema}.loans (
        guarantee_id text primary key,
        programme text not null,
        bank text not null,
        borrower_id text not null,
        principal_fen numeric(20, 0) not null,
        outstanding_fen numeric(20, 0) not null,
        outcome text not null check (outcome in ('approved', 'rejected')),
        codes text[] not null default '{}',
        decided_at timestamptz not null
      );
    `,
  },
  {
    version: 102,
    name: 'the book as a projection of its stream: its version, the chunks decided',
    sql: `
      alter table {schema}.programme_books add column version int not null default 0;
      create table {schema}.decided_chunks (
        bank text not null,
        batch_ref text not null,
        first_row int not null,
        programme text not null,
        primary key (bank, batch_ref, first_row)
      );
    `,
  },
  {
    version: 103,
    name: 'recommended lists: each published version and its entries',
    sql: `
      create table {schema}.list_versions (
        list_id text not null,
        version int not null,
        name text not null,
        authority text not null,
        effective_from date not null,
        effective_to date,
        entries int not null,
        sha256 text not null,
        published_at timestamptz not null,
        published_by text not null,
        primary key (list_id, version)
      );
      create index list_versions_from on {schema}.list_versions (effective_from);
      -- one row per enterprise of a version: a check or a decision probes (list, version, borrower)
      create table {schema}.list_entries (
        list_id text not null,
        version int not null,
        borrower_id text not null,
        id_type text not null,
        primary key (list_id, version, borrower_id)
      );
    `,
  },
  {
    version: 104,
    // a platform upgraded with guarantees already decided fills them from the log: g2g rebuild --service underwriting
    name: 'the claim history by programme, bank, region and industry, for programmes that gate on the risk score',
    sql: claimHistorySql(''),
  },
];
