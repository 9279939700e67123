import { Admin, Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { PipelineProbe, PipelineSample, deadLetterSummary } from '../bench/pipeline-probe';
import type { Progress } from './scheduler';

/** Where a fault can land in the pipeline (domain of the tags in the faults table). */
export type Phase = 'upload' | 'relay' | 'decision' | 'projection' | 'idle' | 'unknown';

/**
 * The benchmark's pipeline probe, read from the outside through connections of its own that
 * survive the faults: when PostgreSQL or the broker restarts, a sample fails (null) and the next
 * one connects again.
 */
export class Observer {
  constructor(
    private readonly databaseUrl: string,
    private readonly brokers: string[],
    private readonly namespace: string,
    private readonly bank: string,
    private readonly batchRef: string,
  ) {}

  private readonly sql = new Lazy<Client>(
    async () => {
      const sql = new Client({ connectionString: this.databaseUrl, application_name: 'g2g-faults', connectionTimeoutMillis: 5_000, statement_timeout: 30_000 });
      sql.on('error', () => undefined);
      await sql.connect().catch(async (error) => {
        await sql.end().catch(() => undefined);
        throw error;
      });
      return sql;
    },
    (sql) => sql.end(),
  );

  private readonly admin = new Lazy<Admin>(
    async () => {
      const admin = new Kafka({
        clientId: 'g2g-faults-probe',
        brokers: this.brokers,
        logLevel: logLevel.NOTHING,
        connectionTimeout: 3_000,
        requestTimeout: 15_000,
        retry: { retries: 1, initialRetryTime: 200 },
      }).admin();
      await admin.connect().catch(async (error) => {
        await admin.disconnect().catch(() => undefined);
        throw error;
      });
      return admin;
    },
    (admin) => admin.disconnect(),
  );

  /** A sample of the pipeline, or null when the database or the broker cannot be read right now. */
  async sample(t: number): Promise<PipelineSample | null> {
    try {
      const probe = new PipelineProbe(await this.sql.get(), await this.admin.get(), this.namespace, this.bank, this.batchRef);
      return await probe.sample(t);
    } catch {
      await this.disconnect();
      return null;
    }
  }

  /** Rows filed and decided (intake's batch counters) and guarantees projected (reporting), or null. */
  async progress(): Promise<Progress | null> {
    try {
      const sql = await this.sql.get();
      const [batch] = (
        await sql.query<{ filed: number; decided: number }>(`select coalesce(sum(last_row - first_row + 1), 0)::int as filed, coalesce(sum(invalid + approved + rejected), 0)::int as decided from intake.batch_chunks where bank = $1 and batch_ref = $2`, [
          this.bank,
          this.batchRef,
        ])
      ).rows;
      const [projected] = (await sql.query<{ n: string }>(`select count(*)::text as n from reporting.r_guarantees`)).rows;
      return { filed: batch?.filed ?? 0, decided: batch?.decided ?? 0, projected: Number(projected.n) };
    } catch {
      await this.sql.reset();
      return null;
    }
  }

  /** Messages some consumer parked as poison, by schema, original topic and error. */
  async deadLetters(): Promise<{ schema: string; topic: string; error: string; count: number }[] | null> {
    try {
      return await deadLetterSummary(await this.sql.get());
    } catch {
      await this.sql.reset();
      return null;
    }
  }

  async disconnect(): Promise<void> {
    await Promise.allSettled([this.sql.reset(), this.admin.reset()]);
  }
}

/** A connection opened on first use and shared; after reset() the next use opens a new one. */
class Lazy<T> {
  private current: Promise<T> | null = null;

  constructor(
    private readonly open: () => Promise<T>,
    private readonly close: (connection: T) => Promise<void>,
  ) {}

  get(): Promise<T> {
    return (this.current ??= this.open().catch((error) => {
      this.current = null;
      throw error;
    }));
  }

  async reset(): Promise<void> {
    const current = this.current;
    this.current = null;
    await current?.then(this.close).catch(() => undefined);
  }
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Lag of the consumers and log followers a service owns (named `{schema}.{purpose}`). */
export function lagOf(sample: PipelineSample, schema: string): number {
  return sum(Object.entries(sample.lag).filter(([k]) => k.replace(/^(kafka|log):/, '').startsWith(`${schema}.`)).map(([, v]) => v));
}

/**
 * The phases work is in at a moment: the upload (the PUT in flight), the relay (outbox rows not
 * yet sent), the decision (underwriting has lag or rows are pending), the projection (reporting
 * behind). Several at once are usual; `idle` when none, `unknown` when the pipeline could not be read.
 */
export function phasesOf(uploading: boolean, sample: PipelineSample | null): Phase[] {
  const phases: Phase[] = uploading ? ['upload'] : [];
  if (!sample) return [...phases, 'unknown'];
  if (sum(Object.values(sample.unrelayed)) > 0) phases.push('relay');
  if (lagOf(sample, 'underwriting') > 0 || sample.filed > sample.decided) phases.push('decision');
  if (lagOf(sample, 'reporting') > 0) phases.push('projection');
  return phases.length > 0 ? phases : ['idle'];
}

/** Nothing in flight: no lag anywhere, nothing waiting in an outbox. */
export function quiet(sample: PipelineSample): boolean {
  return Object.values(sample.lag).every((v) => v === 0) && Object.values(sample.unrelayed).every((v) => v === 0);
}

/** A line on where the pipeline stands, for progress and failure reports (counts only). */
export function describeSample(s: PipelineSample): string {
  const lagging = Object.entries(s.lag)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${v}`);
  const waiting = Object.entries(s.unrelayed)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${v}`);
  return `filed ${s.filed}, decided ${s.decided}, approved ${s.approved}; lag: ${lagging.join(', ') || 'none'}; outbox waiting: ${waiting.join(', ') || 'none'}; dead letters ${s.deadLetters}`;
}
