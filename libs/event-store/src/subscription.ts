import { Database, Sql } from './database';
import { Checkpoint, LogTable, checkpointOf, lockCheckpoint, readCheckpoint, readLogAfter, saveCheckpoint } from './log';

export interface LogSubscriptionOptions<R> {
  /** the checkpoint's name, unique within checkpointSchema */
  name: string;
  /** where the checkpoint lives: the schema the handler writes to, so both commit together */
  checkpointSchema: string;
  source: { schema: string; table: LogTable; topics?: readonly string[]; published?: boolean };
  batchSize?: number;
  /** how long to wait when the log has nothing new, unless nudged */
  idleMs?: number;
  /** applies a batch; runs in the same transaction as the checkpoint update */
  handle: (rows: R[], tx: Sql) => Promise<void>;
  onError?: (error: unknown) => void;
}

/**
 * Follows a log table (gap-safe) and applies each batch in one transaction together with its
 * checkpoint: after a crash it resumes exactly after the last committed batch. Two followers with
 * the same name take turns on the checkpoint's row lock.
 */
export class LogSubscription<R extends { transaction_id: string } = any> {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly db: Database,
    private readonly options: LogSubscriptionOptions<R>,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Finishes the batch in hand, then stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.nudge();
    await this.loop;
  }

  /** Something was written: look now instead of at the end of the idle wait. */
  nudge(): void {
    this.wake?.();
  }

  /** Runs one batch; returns how many rows it applied. */
  async poll(): Promise<number> {
    const { source, checkpointSchema, name, batchSize = 500 } = this.options;
    // Look without locking first: an idle poll writes nothing and takes no transaction id.
    const seen = await readCheckpoint(this.db, checkpointSchema, name);
    const waiting = await readLogAfter<R>(this.db, source, seen, 1);
    if (waiting.length === 0) return 0;
    return this.db.transaction(async (tx) => {
      const at: Checkpoint = await lockCheckpoint(tx, checkpointSchema, name);
      const rows = await readLogAfter<R>(tx, source, at, batchSize);
      if (rows.length === 0) return 0;
      await this.options.handle(rows, tx);
      await saveCheckpoint(tx, checkpointSchema, name, checkpointOf(rows[rows.length - 1] as any, source.table));
      return rows.length;
    });
  }

  private async run(): Promise<void> {
    let backoff = 0;
    while (this.running) {
      let applied = 0;
      try {
        applied = await this.poll();
        backoff = 0;
      } catch (error) {
        this.options.onError?.(error);
        backoff = Math.min(backoff * 2 || 100, 5_000);
      }
      if (applied === 0) {
        await this.sleep(backoff || (this.options.idleMs ?? 200));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
