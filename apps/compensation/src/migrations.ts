import { Migration } from '@g2g/event-store';
import { referenceDataMigrations } from '@g2g/platform';
import { riskLabelsMigration, riskLabelsNarrowed } from './risk-labels/risk-labels';

export const compensationMigrations: readonly Migration[] = [
  ...referenceDataMigrations,
  {
    version: 101,
    name: 'guarantees as compensation sees them, programme losses, rows waiting for their loan',
    sql: `
      create table {schema}.c_guarantees (
        guarantee_id text primary key,
        programme text not null,
        programme_version date,
        bank text not null,
        borrower_id text,
        status text not null check (status in ('in_force', 'released', 'claimed', 'rejected')),
        principal_fen numeric(20, 0) not null,
        outstanding_fen numeric(20, 0) not null check (outstanding_fen >= 0 and outstanding_fen <= principal_fen),
        parties jsonb not null,
        claim jsonb,
        constraint released_have_none check (status = 'in_force' or outstanding_fen = 0)
      );
      create table {schema}.c_programmes (
        programme text primary key,
        principal_guaranteed_fen numeric(22, 0) not null default 0,
        compensation_paid_fen numeric(22, 0) not null default 0
      );
      create table {schema}.c_waiting (
        seq bigint generated always as identity primary key,
        guarantee_id text not null,
        message jsonb not null
      );
      create index c_waiting_guarantee_idx on {schema}.c_waiting (guarantee_id, seq);
    `,
  },
  {
    version: 102,
    name: 'guarantees as a projection of chunk events: the terms they were issued under kept once per version and bank',
    sql: `
      create table {schema}.c_terms (
        terms_id text primary key,
        programme text not null,
        document jsonb not null
      );
      alter table {schema}.c_guarantees drop column parties;
      alter table {schema}.c_guarantees drop column programme_version;
      alter table {schema}.c_guarantees add column terms_id text;
      alter table {schema}.c_guarantees add column events int not null default 0;
      drop table {schema}.c_waiting;
      create table {schema}.c_waiting (
        seq bigint generated always as identity primary key,
        guarantee_id text not null,
        chunk text not null,
        row int not null,
        filed jsonb not null
      );
      create index c_waiting_guarantee_idx on {schema}.c_waiting (guarantee_id, seq);
    `,
  },
  {
    version: 103,
    name: 'release reminders: each guarantee\'s maturity, the next date a reminder can fall due, the reminders sent',
    sql: `
      alter table {schema}.c_guarantees add column matures_on date;
      alter table {schema}.c_guarantees add column next_reminder_on date;
      alter table {schema}.c_guarantees add column last_reminder_on date;
      -- a run reads the guarantees in force whose next reminder is due, in id order (the order rows are locked in)
      create index c_guarantees_reminder_idx on {schema}.c_guarantees (next_reminder_on, guarantee_id) where status = 'in_force';
      -- one reminder per guarantee and schedule date, whatever runs, twice or side by side
      create table {schema}.c_reminders (
        guarantee_id text not null,
        due_on date not null,
        reminded_on date not null,
        primary key (guarantee_id, due_on)
      );
    `,
  },
  riskLabelsMigration,
  riskLabelsNarrowed,
];
