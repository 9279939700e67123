import { Migration } from './migrations';

/**
 * The tables every service schema has: its event log, its outbox of integration messages, the
 * checkpoints of its subscriptions and the inbox of messages it has handled.
 *
 * transaction_id is the writing transaction's id; readers of the global order only read rows
 * whose transaction is older than every transaction still running (see log.ts), so a row that
 * commits late with a lower position is never skipped.
 */
export const storeMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'event log, outbox, checkpoints, inbox',
    sql: `
      create table {schema}.events (
        global_position bigint generated always as identity primary key,
        transaction_id xid8 not null default pg_current_xact_id(),
        stream_id text not null,
        stream_position int not null check (stream_position > 0),
        type text not null,
        data jsonb not null,
        metadata jsonb not null default '{}'::jsonb,
        business_date date,
        recorded_at timestamptz not null default now(),
        constraint events_stream_position_key unique (stream_id, stream_position)
      );
      create index events_fence_idx on {schema}.events (transaction_id, global_position);

      create table {schema}.outbox (
        position bigint generated always as identity primary key,
        transaction_id xid8 not null default pg_current_xact_id(),
        topic text not null,
        key text not null,
        value jsonb not null,
        headers jsonb not null default '{}'::jsonb,
        recorded_at timestamptz not null default now()
      );
      create index outbox_fence_idx on {schema}.outbox (transaction_id, position);
      create index outbox_topic_fence_idx on {schema}.outbox (topic, transaction_id, position);

      create table {schema}.checkpoints (
        name text primary key,
        transaction_id xid8 not null,
        position bigint not null,
        updated_at timestamptz not null default now()
      );

      create table {schema}.inbox (
        consumer text not null,
        message_id text not null,
        outcome text not null default 'handled' check (outcome in ('handled', 'dead-lettered')),
        handled_at timestamptz not null default now(),
        primary key (consumer, message_id)
      );
    `,
  },
  {
    version: 2,
    name: 'events kept as JSON text, and published: the log doubles as the outbox',
    sql: `
      alter table {schema}.events alter column data type json using data::json;
      alter table {schema}.events add column topic text;
      alter table {schema}.events add column key text;
      create index events_published_idx on {schema}.events (transaction_id, global_position) where topic is not null;
      create index events_topic_idx on {schema}.events (topic, transaction_id, global_position) where topic is not null;
    `,
  },
  {
    version: 3,
    name: 'event data compressed by lz4, not pglz: a chunk event is a few hundred kB, and pglz spent 4-6 ms of the server on each',
    sql: `
      do $$ begin
        alter table {schema}.events alter column data set compression lz4;
      exception when feature_not_supported then
        -- a server built without lz4 (the embedded one): kept out of line, uncompressed
        alter table {schema}.events alter column data set storage external;
      end $$;
    `,
  },
  {
    version: 4,
    name: "the inbox's dead letters indexed: /metrics counts them per consumer at every scrape, the inbox has a row per message ever handled",
    sql: `create index inbox_dead_lettered_idx on {schema}.inbox (consumer) where outcome = 'dead-lettered';`,
  },
];
