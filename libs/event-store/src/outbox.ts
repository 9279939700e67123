import { Sql, ident } from './database';
import { toJson } from './json';
import { currentTraceHeaders } from './trace-context';

/** An integration message, written in the same transaction as the state change it announces. */
export interface OutboxMessage {
  topic: string;
  /** the aggregate id: messages with one key keep their order */
  key: string;
  value: unknown;
  headers?: Record<string, string>;
}

export async function enqueue(tx: Sql, schema: string, messages: readonly OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const trace = currentTraceHeaders();
  await tx.query(
    `insert into ${ident(schema)}.outbox (topic, key, value, headers)
     select * from unnest($1::text[], $2::text[], $3::jsonb[], $4::jsonb[])`,
    [
      messages.map((m) => m.topic),
      messages.map((m) => m.key),
      messages.map((m) => toJson(m.value)),
      messages.map((m) => toJson({ ...trace, ...m.headers })),
    ],
  );
}

export interface OutboxRow {
  position: string;
  transaction_id: string;
  topic: string;
  key: string;
  value: unknown;
  headers: Record<string, string>;
  recorded_at: Date;
}

/** A message's identity across redelivery and republishing: its schema and outbox position. */
export function messageIdOf(schema: string, row: Pick<OutboxRow, 'position'>): string {
  return `${schema}:${row.position}`;
}

/** The identity of an event published from a log (it has a topic): its schema and log position. */
export function eventMessageIdOf(schema: string, row: { global_position: string }): string {
  return `${schema}:e${row.global_position}`;
}
