import { Migration } from '@g2g/event-store';
import { referenceDataMigrations } from '@g2g/platform';

export const cessionMigrations: readonly Migration[] = [
  ...referenceDataMigrations,
  {
    version: 101,
    name: 'cessions by re-guarantor and month',
    sql: `
      create table {schema}.cessions (
        guarantee_id text not null,
        participant text not null,
        role text not null,
        programme text not null,
        bank text not null,
        loan_id text not null,
        guarantor text not null,
        principal_fen numeric(20, 0) not null,
        risk_fen numeric(20, 0) not null,
        fee_pct numeric(9, 4) not null,
        fee_fen numeric(20, 0) not null,
        term_days int not null,
        ceded_on date not null,
        statement_month text not null,
        primary key (guarantee_id, participant)
      );
      create index cessions_statement_idx on {schema}.cessions (participant, statement_month);
    `,
  },
  {
    version: 102,
    name: 'cessions kept once, in their chunk events: an index of them by participant and month',
    sql: `
      create table {schema}.cession_chunks (
        stream_id text not null,
        participant text not null,
        statement_month text not null,
        loans int not null,
        risk_fen numeric(22, 0) not null,
        fee_fen numeric(22, 0) not null,
        primary key (participant, statement_month, stream_id)
      );
    `,
  },
];
