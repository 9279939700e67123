import { Migration } from '@g2g/event-store';
import { referenceDataMigrations } from '@g2g/platform';

export const intakeMigrations: readonly Migration[] = [
  ...referenceDataMigrations,
  {
    version: 101,
    name: 'batches of every kind, their rows, and the loans each bank filed',
    sql: `
      create table {schema}.batches (
        bank text not null,
        kind text not null check (kind in ('loans', 'repayments', 'claims', 'recoveries')),
        batch_ref text not null,
        programme text,
        format text not null,
        sha256 text,
        status text not null check (status in ('receiving', 'filed')),
        receiver text not null,
        heartbeat_at timestamptz not null,
        rows int not null default 0,
        invalid int not null default 0,
        approved int not null default 0,
        accepted int not null default 0,
        rejected int not null default 0,
        error jsonb,
        received_at timestamptz not null,
        filed_at timestamptz,
        primary key (bank, kind, batch_ref)
      );
      create table {schema}.batch_rows (
        bank text not null,
        kind text not null,
        batch_ref text not null,
        row int not null,
        loan_id text,
        outcome text not null check (outcome in ('invalid', 'pending', 'approved', 'accepted', 'rejected')),
        codes text[] not null default '{}',
        errors jsonb,
        primary key (bank, kind, batch_ref, row)
      );
      create table {schema}.filed_loans (
        bank text not null,
        loan_id text not null,
        batch_ref text not null,
        row int not null,
        primary key (bank, loan_id)
      );
    `,
  },
  {
    version: 102,
    name: 'uploads: incomplete batches, leases, the digest of each filed chunk',
    sql: `
      alter table {schema}.batches drop constraint batches_status_check;
      alter table {schema}.batches add constraint batches_status_check check (status in ('receiving', 'incomplete', 'filed'));
      alter table {schema}.batches alter column receiver drop not null;
      alter table {schema}.batches add column lease_until timestamptz;
      create table {schema}.batch_chunks (
        bank text not null,
        kind text not null,
        batch_ref text not null,
        first_row int not null,
        last_row int not null,
        digest text not null,
        primary key (bank, kind, batch_ref, first_row)
      );
    `,
  },
  {
    version: 103,
    name: 'a chunk keeps its rows packed: loan ids, outcomes, codes, errors; intake state rebuilt from its events',
    sql: `
      alter table {schema}.batch_chunks add column loan_ids text not null default '';
      alter table {schema}.batch_chunks add column outcomes text not null default '';
      alter table {schema}.batch_chunks add column codes text not null default '';
      alter table {schema}.batch_chunks add column errors jsonb;
      alter table {schema}.batch_chunks add column invalid int not null default 0;
      alter table {schema}.batch_chunks add column approved int not null default 0;
      alter table {schema}.batch_chunks add column accepted int not null default 0;
      alter table {schema}.batch_chunks add column rejected int not null default 0;
      alter table {schema}.batches drop column rows, drop column invalid, drop column approved, drop column accepted, drop column rejected;
      drop table {schema}.batch_rows;
    `,
  },
];
