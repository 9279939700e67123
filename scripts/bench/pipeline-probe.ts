import { Admin } from 'kafkajs';
import { Client } from 'pg';

/**
 * Where every stage of the pipeline stands, read cheaply from the outside: the batch's counters in
 * intake, each service's outbox rows not yet relayed to Kafka (behind its relay checkpoint), how
 * many messages each topic holds, each consumer group's lag (end offset minus the committed
 * offset, which the platform commits only after its database transaction), and each in-database
 * log follower's lag (events behind its checkpoint). Groups and followers are discovered, not
 * named here, so the probe follows the services as they change.
 */

/** The messages of a participant's HTTP feed, one per guarantee (GET /feed). */
export const FEED_TOPICS = {
  issued: 'g2g.underwriting.guarantee-issued.v1',
  ceded: 'g2g.cession.guarantee-ceded.v1',
} as const;

/** The Kafka topics of the batch flow (one message per chunk of up to 1,000 loans). */
export const TOPICS = {
  loansFiled: 'g2g.intake.loans-filed.v2',
  loansDecided: 'g2g.underwriting.loans-decided.v2',
  ceded: 'g2g.cession.guarantees-ceded.v2',
} as const;

export const SCHEMAS = ['intake', 'underwriting', 'cession', 'compensation', 'reporting'] as const;

export interface PipelineSample {
  /** seconds since the upload started */
  t: number;
  /** rows intake has filed (checked and written) so far */
  filed: number;
  /** rows with an outcome (invalid, approved, rejected) */
  decided: number;
  approved: number;
  /** outbox rows written but not yet relayed to Kafka, per schema */
  unrelayed: Record<string, number>;
  /** messages in each topic (sum of end offsets) */
  produced: Record<string, number>;
  /**
   * Messages or events not yet applied: per Kafka consumer group (`kafka:{group}`, summed over its
   * topics and partitions) and per in-database log follower (`log:{schema}.{checkpoint}`).
   */
  lag: Record<string, number>;
  /** messages parked on the dead-letter topics (all schemas) */
  deadLetters: number;
  /** how long taking this sample took, ms */
  probeMs: number;
}

export class PipelineProbe {
  private readonly topicsOfGroup = new Map<string, string[]>();

  constructor(
    private readonly sql: Client,
    private readonly admin: Admin,
    private readonly namespace: string,
    private readonly bank: string,
    private readonly batchRef: string,
  ) {}

  async sample(t: number): Promise<PipelineSample> {
    const started = performance.now();
    const ns = this.namespace;
    const [batch] = (
      await this.sql.query<{ rows: number; invalid: number; approved: number; rejected: number }>(
        `select coalesce(sum(last_row - first_row + 1), 0)::int as rows, coalesce(sum(invalid), 0)::int as invalid, coalesce(sum(approved), 0)::int as approved, coalesce(sum(rejected), 0)::int as rejected
           from intake.batch_chunks where bank = $1 and batch_ref = $2`,
        [this.bank, this.batchRef],
      )
    ).rows;

    const unrelayed: Record<string, number> = {};
    const lag: Record<string, number> = {};
    for (const schema of SCHEMAS) {
      const checkpoints = (await this.sql.query<{ name: string; x: string; p: string }>(`select name, transaction_id::text as x, position::text as p from ${schema}.checkpoints`)).rows;
      const relay = checkpoints.find((c) => c.name === 'outbox-relay');
      const eventRelay = checkpoints.find((c) => c.name === 'event-relay');
      // what waits for the relays: outbox rows, and events published from the log
      const outboxRows =
        (await this.countAfter(schema, 'outbox', 'position', relay?.x ?? '0', relay?.p ?? '0')) +
        (await this.countAfter(schema, 'events', 'global_position', eventRelay?.x ?? '0', eventRelay?.p ?? '0', 'and topic is not null'));
      if (outboxRows > 0 || relay || eventRelay) unrelayed[schema] = outboxRows;
      for (const c of checkpoints.filter((c) => c.name !== 'outbox-relay' && c.name !== 'event-relay')) {
        lag[`log:${c.name}`] = await this.countAfter(schema, 'events', 'global_position', c.x, c.p);
      }
    }

    const ends = new Map<string, Map<number, bigint>>();
    const produced: Record<string, number> = {};
    const topics = (await this.admin.listTopics()).filter((topic) => topic.startsWith(ns));
    for (const topic of topics) {
      const offsets = await this.admin.fetchTopicOffsets(topic).catch(() => []);
      ends.set(topic, new Map(offsets.map((o) => [o.partition, BigInt(o.high)])));
    }
    for (const [name, topic] of Object.entries(TOPICS)) {
      produced[name] = Number([...(ends.get(ns + topic)?.values() ?? [])].reduce((a, b) => a + b, 0n));
    }

    let deadLetters = 0n;
    for (const [topic, byPartition] of ends) if (topic.endsWith('.dead-letters.v1')) for (const high of byPartition.values()) deadLetters += high;

    const groups = (await this.admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(ns) && !g.endsWith('.reference-data'));
    for (const group of groups.sort()) {
      const committed = await this.admin.fetchOffsets({ groupId: group }).catch(() => []);
      let sum = 0n;
      for (const c of committed) {
        for (const [partition, high] of ends.get(c.topic) ?? new Map<number, bigint>()) {
          const at = c.partitions.find((p) => p.partition === partition)?.offset;
          const done = at !== undefined && at !== '-1' ? BigInt(at) : 0n;
          sum += high > done ? high - done : 0n;
        }
      }
      lag[`kafka:${group.slice(ns.length)}`] = Number(sum);
    }
    return {
      t,
      filed: batch?.rows ?? 0,
      decided: batch ? batch.invalid + batch.approved + batch.rejected : 0,
      approved: batch?.approved ?? 0,
      unrelayed,
      produced,
      lag,
      deadLetters: Number(deadLetters),
      probeMs: performance.now() - started,
    };
  }

  /** Rows of a log table after a checkpoint, in (transaction id, position) order (an index range). */
  private async countAfter(schema: string, table: 'outbox' | 'events', position: string, x: string, p: string, also = ''): Promise<number> {
    const [row] = (
      await this.sql.query<{ n: string }>(`select count(*)::text as n from ${schema}.${table} where (transaction_id, ${position}) > ($1::xid8, $2::bigint) ${also}`, [x, p])
    ).rows;
    return Number(row.n);
  }
}

/** Nothing moved and nothing waits: every lag and unrelayed count is 0 and no topic grew. */
export function idle(a: PipelineSample, b: PipelineSample): boolean {
  const zero = (r: Record<string, number>) => Object.values(r).every((v) => v === 0);
  return zero(b.lag) && zero(b.unrelayed) && JSON.stringify(a.produced) === JSON.stringify(b.produced) && a.filed === b.filed && a.decided === b.decided;
}

/** The dead letters every schema parked (they go through the outbox), by original topic and error. */
export async function deadLetterSummary(sql: Client): Promise<{ schema: string; topic: string; error: string; count: number }[]> {
  const out: { schema: string; topic: string; error: string; count: number }[] = [];
  for (const schema of SCHEMAS) {
    const rows = await sql.query<{ topic: string; error: string; n: string }>(
      `select headers->>'g2g-dlq-original-topic' as topic, regexp_replace(left(headers->>'g2g-dlq-error', 200), '[0-9]{3,}', 'N', 'g') as error, count(*)::text as n
         from ${schema}.outbox where topic like '%.dead-letters.v1' group by 1, 2 order by 3 desc`,
    );
    for (const r of rows.rows) out.push({ schema, topic: r.topic, error: r.error, count: Number(r.n) });
  }
  return out;
}

/** Nothing at all changed between two samples (lags may be stuck above 0: a consumer that died). */
export function unchanged(a: PipelineSample, b: PipelineSample): boolean {
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  return same(a.lag, b.lag) && same(a.unrelayed, b.unrelayed) && same(a.produced, b.produced) && a.filed === b.filed && a.decided === b.decided && a.deadLetters === b.deadLetters;
}
