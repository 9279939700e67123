import { RetryableConflict, Sql, ident } from './database';
import { toJson } from './json';
import { currentTraceHeaders } from './trace-context';
import { Checkpoint, EVENT_COLUMNS, checkpointOf, readLogAfter } from './log';

export interface NewEvent {
  /** a persisted contract: a string literal with a version, e.g. `guarantee.issued.v1` */
  type: string;
  /** the event's data; or, with `json`, left out */
  data?: unknown;
  /** the data already as JSON text (a received message kept as it came): stored as it is */
  json?: string;
  metadata?: Record<string, unknown>;
  /** when it happened in the world (YYYY-MM-DD, China time); null when it has none */
  businessDate?: string | null;
  /**
   * Publish the event itself as an integration message on this topic with this key: the log
   * doubles as the outbox, and the relay ships the stored text (docs/adr/0010).
   */
  publish?: { topic: string; key: string };
}

export interface StoredEvent<D = any> {
  globalPosition: bigint;
  transactionId: string;
  streamId: string;
  streamPosition: number;
  type: string;
  data: D;
  metadata: Record<string, unknown>;
  businessDate: string | null;
  recordedAt: Date;
  /** set when the event is also an integration message */
  topic: string | null;
  key: string | null;
}

/** The version the writer saw: the position of the stream's last event, or no stream yet. */
export type ExpectedVersion = number | 'no_stream';

export interface StreamAppend {
  streamId: string;
  expected: ExpectedVersion;
  events: readonly NewEvent[];
}

/**
 * The writer's view of a stream was stale: another transaction appended first (or, rarely, a
 * transaction older than this one did, which would break per-stream order for log readers).
 * Rerun the decision on fresh state.
 */
export class WrongExpectedVersion extends RetryableConflict {
  constructor(readonly streamIds: readonly string[]) {
    super(`wrong expected version for ${streamIds.slice(0, 5).join(', ')}${streamIds.length > 5 ? ', ...' : ''}`);
  }
}

/** Turns an old event shape into the next version; applied on read, the stored row is never edited. */
export type Upcaster = (event: { type: string; data: any }) => { type: string; data: any };

/** A row of an events table as readers get it: `data` is the stored JSON text (see EVENT_COLUMNS). */
export interface EventRow {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_position: number;
  type: string;
  data: string;
  metadata: Record<string, unknown>;
  business_date: string | Date | null;
  recorded_at: Date;
  topic: string | null;
  key: string | null;
}



/** Appends of up to this many events bind each value as a parameter of its own. */
const VALUES_AT_MOST = 50;

/** The event store of one service schema. */
export class EventStore {
  readonly schema: string;

  constructor(
    schema: string,
    private readonly upcasters: Readonly<Record<string, Upcaster>> = {},
  ) {
    this.schema = ident(schema);
  }

  /**
   * Appends to one or more streams in one statement. Optimistic concurrency is enforced by the
   * database: the unique (stream_id, stream_position) key refuses a second writer of the same
   * position, and an append after position N requires that N exists and was written by this or
   * an older transaction.
   */
  async append(tx: Sql, appends: readonly StreamAppend[]): Promise<void> {
    const streamIds: string[] = [];
    const positions: number[] = [];
    const types: string[] = [];
    const datas: string[] = [];
    const metas: string[] = [];
    const dates: (string | null)[] = [];
    const topics: (string | null)[] = [];
    const keys: (string | null)[] = [];
    let continuing = false;
    // a published event carries the trace it was written in, to its readers (the relay's Kafka headers)
    const trace = currentTraceHeaders();
    const traced = 'traceparent' in trace;
    for (const a of appends) {
      let position = a.expected === 'no_stream' ? 0 : a.expected;
      if (a.expected !== 'no_stream' && a.events.length > 0) continuing = true;
      for (const e of a.events) {
        position += 1;
        streamIds.push(a.streamId);
        positions.push(position);
        types.push(e.type);
        datas.push(e.json ?? toJson(e.data ?? null));
        metas.push(traced && e.publish ? toJson({ ...e.metadata, ...trace }) : e.metadata ? toJson(e.metadata) : '{}');
        dates.push(e.businessDate ?? null);
        topics.push(e.publish?.topic ?? null);
        keys.push(e.publish?.key ?? null);
      }
    }
    if (streamIds.length === 0) return;
    const s = this.schema;
    let params: unknown[];
    let input: string;
    if (streamIds.length <= VALUES_AT_MOST) {
      // A few events (a chunk's is one): each value a parameter of its own, parsed once, as it is stored.
      params = [];
      const rows = streamIds.map((_, i) => {
        params.push(streamIds[i], positions[i], types[i], datas[i], metas[i], dates[i], topics[i], keys[i]);
        const n = i * 8;
        return `($${n + 1}::text, $${n + 2}::int, $${n + 3}::text, $${n + 4}::json, $${n + 5}::jsonb, $${n + 6}::date, $${n + 7}::text, $${n + 8}::text, ${i})`;
      });
      input = `select * from (values ${rows.join(', ')}) as v(stream_id, stream_position, type, data, metadata, business_date, topic, key, ord)`;
    } else {
      // Many: every column inside one JSON array, one parameter each, no array literal to escape
      // element by element, whatever the size of the data.
      params = [streamIds, positions, types, datas, metas, dates, topics, keys].map((column, i) =>
        i === 3 ? `[${datas.join(',')}]` : i === 4 ? `[${metas.join(',')}]` : JSON.stringify(column),
      );
      input = `select s.value as stream_id, p.value::int as stream_position, t.value as type, d.value as data, m.value::jsonb as metadata,
                      b.value::date as business_date, tp.value as topic, k.value as key, s.ordinality as ord
                 from json_array_elements_text($1::json) with ordinality s
                 join json_array_elements_text($2::json) with ordinality p using (ordinality)
                 join json_array_elements_text($3::json) with ordinality t using (ordinality)
                 join json_array_elements($4::json) with ordinality d using (ordinality)
                 join json_array_elements($5::json) with ordinality m using (ordinality)
                 join json_array_elements_text($6::json) with ordinality b using (ordinality)
                 join json_array_elements_text($7::json) with ordinality tp using (ordinality)
                 join json_array_elements_text($8::json) with ordinality k using (ordinality)`;
    }
    let inserted: { n: string }[];
    const started = performance.now();
    try {
      if (!continuing) {
        // every stream is new: the unique (stream, position) key alone says whether it was
        inserted = await tx.query<{ n: string }>(
          `with written as (
             insert into ${s}.events (stream_id, stream_position, type, data, metadata, business_date, topic, key)
             select stream_id, stream_position, type, data, metadata, business_date, topic, key from (${input}) i
              order by ord
             returning 1)
           select count(*)::text as n from written`,
          params,
          { prepare: true },
        );
      } else {
        inserted = await tx.query<{ n: string }>(
          `with input as (${input}),
           broken as (
             select 1 from input i
              where i.stream_position > 1
                and not exists (select 1 from input j where j.stream_id = i.stream_id and j.stream_position = i.stream_position - 1)
                and not exists (select 1 from ${s}.events e
                                 where e.stream_id = i.stream_id and e.stream_position = i.stream_position - 1
                                   and e.transaction_id <= pg_current_xact_id())
              limit 1
           ), written as (
             insert into ${s}.events (stream_id, stream_position, type, data, metadata, business_date, topic, key)
             select stream_id, stream_position, type, data, metadata, business_date, topic, key from input
              where not exists (select 1 from broken)
              order by ord
             returning 1
           )
           select count(*)::text as n from written`,
          params,
          { prepare: true },
        );
      }
    } catch (error) {
      if (isStreamPositionConflict(error)) throw new WrongExpectedVersion([...new Set(streamIds)]);
      throw error;
    } finally {
      tx.observer?.appended?.(this.schema, (performance.now() - started) / 1000);
    }
    if (Number(inserted[0].n) !== streamIds.length) throw new WrongExpectedVersion([...new Set(streamIds)]);
  }

  async readStream(sql: Sql, streamId: string): Promise<StoredEvent[]> {
    const rows = await sql.query<EventRow>(
      `select ${EVENT_COLUMNS} from ${this.schema}.events where stream_id = $1 order by stream_position`,
      [streamId],
    );
    return rows.map((r) => this.toStored(r));
  }

  /** The stream's current version (0 when it has no events). */
  async version(sql: Sql, streamId: string): Promise<number> {
    const [row] = await sql.query<{ v: number | null }>(
      `select max(stream_position) as v from ${this.schema}.events where stream_id = $1`,
      [streamId],
    );
    return row?.v ?? 0;
  }

  /** The current versions of several streams at once (absent streams are 0). */
  async versions(sql: Sql, streamIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await sql.query<{ stream_id: string; v: number }>(
      `select stream_id, max(stream_position) as v from ${this.schema}.events where stream_id = any($1::text[]) group by stream_id`,
      [[...new Set(streamIds)]],
    );
    const found = new Map(rows.map((r) => [r.stream_id, r.v]));
    return new Map(streamIds.map((id) => [id, found.get(id) ?? 0]));
  }

  /** The global log after a checkpoint, gap-safe (see readLogAfter). */
  async readAll(sql: Sql, after: Checkpoint, limit: number): Promise<{ events: StoredEvent[]; next: Checkpoint }> {
    const rows = await readLogAfter<EventRow>(sql, { schema: this.schema, table: 'events' }, after, limit);
    const events = rows.map((r) => this.toStored(r));
    const next = rows.length > 0 ? checkpointOf(rows[rows.length - 1] as any, 'events') : after;
    return { events, next };
  }

  toStored(r: EventRow): StoredEvent {
    let event = { type: r.type, data: typeof r.data === 'string' ? JSON.parse(r.data) : r.data };
    for (let up = this.upcasters[event.type]; up; up = this.upcasters[event.type]) event = up(event);
    return {
      globalPosition: BigInt(r.global_position),
      transactionId: r.transaction_id,
      streamId: r.stream_id,
      streamPosition: r.stream_position,
      type: event.type,
      data: event.data,
      metadata: r.metadata,
      businessDate: r.business_date instanceof Date ? isoDate(r.business_date) : r.business_date,
      recordedAt: r.recorded_at,
      topic: r.topic ?? null,
      key: r.key ?? null,
    };
  }
}

function isStreamPositionConflict(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e.driverError?.code ?? e.code;
  const constraint = e.driverError?.constraint ?? e.constraint;
  return code === '23505' && constraint === 'events_stream_position_key';
}

function isoDate(d: Date): string {
  // pg parses DATE as local midnight; read it back the same way
  const y = d.getFullYear();
  const m = String(d.getMonth() + 1).padStart(2, '0');
  const day = String(d.getDate()).padStart(2, '0');
  return `${y}-${m}-${day}`;
}
