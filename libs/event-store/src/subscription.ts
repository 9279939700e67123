import { Database, Sql } from './database';
import { Checkpoint, LogSource, checkpointOf, countLogAfter, lockCheckpoint, readCheckpoint, readLogAfter, saveCheckpoint } from './log';

export interface LogSubscriptionOptions<R> {
  /** the checkpoint's name, unique within checkpointSchema */
  name: string;
  /** where the checkpoint lives: the schema the handler writes to, so both commit together */
  checkpointSchema: string;
  source: LogSource;
  batchSize?: number;
  /**
   * How long to wait when the log has nothing new, unless nudged. Each further empty look waits
   * twice as long, up to maxIdleMs: a follower at rest costs next to nothing, and a write in this
   * process nudges it at once (Database.afterCommit).
   */
  idleMs?: number;
  /** the longest wait between looks at rest (default 2 s): how late a write by another process is seen at worst */
  maxIdleMs?: number;
  /**
   * applies a batch; runs in the same transaction as the checkpoint update. A handler that applied
   * only the first rows throws StoppedPartWay: their checkpoint commits all the same.
   */
  handle: (rows: R[], tx: Sql) => Promise<void>;
  onError?: (error: unknown) => void;
}

/**
 * Thrown by a handler that applied the first `applied` rows of its batch and could not go on: their
 * checkpoint commits, so they are not applied again, and `reason` is reported as the batch's error
 * (the follower retries from the row it stopped at).
 */
export class StoppedPartWay extends Error {
  constructor(
    readonly applied: number,
    readonly reason: unknown,
  ) {
    super(`stopped after ${applied} rows`);
    this.name = 'StoppedPartWay';
  }
}

/** What a follower has still to read (LogSubscription.backlog). */
export interface FollowerBacklog {
  /** `{checkpoint schema}/{checkpoint name}` */
  follower: string;
  /** `{schema}.{events|outbox}` */
  source: string;
  topics?: string[];
  /** committed rows after its checkpoint that it reads */
  behind: number;
}

const running = new WeakMap<Database, Set<LogSubscription<any>>>();

function followersOn(db: Database): Set<LogSubscription<any>> {
  let set = running.get(db);
  if (!set) running.set(db, (set = new Set()));
  return set;
}

/** How far behind every follower running on this database (in this process) is, in start order. */
export async function backlogOf(db: Database): Promise<FollowerBacklog[]> {
  const out: FollowerBacklog[] = [];
  for (const follower of [...followersOn(db)]) out.push(await follower.backlog());
  return out;
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
  /** a nudge came while a look was under way: look again before resting */
  private nudged = false;

  constructor(
    private readonly db: Database,
    private readonly options: LogSubscriptionOptions<R>,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    followersOn(this.db).add(this);
    this.loop = this.run();
  }

  /** Finishes the batch in hand, then stops. */
  async stop(): Promise<void> {
    this.running = false;
    followersOn(this.db).delete(this);
    this.nudge();
    await this.loop;
  }

  /** Where this follower stands: its checkpoint's name and schema, what it reads, and how many rows it has still to read. */
  async backlog(): Promise<FollowerBacklog> {
    const { name, checkpointSchema, source } = this.options;
    const behind = await countLogAfter(this.db, source, await readCheckpoint(this.db, checkpointSchema, name));
    return { follower: `${checkpointSchema}/${name}`, source: `${source.schema}.${source.table}`, ...(source.topics ? { topics: [...source.topics] } : {}), behind };
  }

  /** Something was written: look now instead of at the end of the idle wait. */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  /** Runs one batch; returns how many rows it applied. */
  async poll(): Promise<number> {
    const { source, checkpointSchema, name, batchSize = 500 } = this.options;
    // Look without locking first: an idle poll writes nothing and takes no transaction id.
    const seen = await readCheckpoint(this.db, checkpointSchema, name);
    const waiting = await readLogAfter<R>(this.db, source, seen, 1);
    if (waiting.length === 0) return 0;
    let stopped: StoppedPartWay | undefined;
    const applied = await this.db.transaction(async (tx) => {
      stopped = undefined;
      const at: Checkpoint = await lockCheckpoint(tx, checkpointSchema, name);
      const rows = await readLogAfter<R>(tx, source, at, batchSize);
      if (rows.length === 0) return 0;
      let done = rows.length;
      try {
        await this.options.handle(rows, tx);
      } catch (error) {
        if (!(error instanceof StoppedPartWay)) throw error;
        if (error.applied <= 0) throw error.reason;
        stopped = error;
        done = Math.min(error.applied, rows.length);
      }
      await saveCheckpoint(tx, checkpointSchema, name, checkpointOf(rows[done - 1] as any, source.table));
      return done;
    });
    if (stopped) throw stopped.reason;
    return applied;
  }

  private async run(): Promise<void> {
    const idleMs = this.options.idleMs ?? 200;
    const maxIdleMs = Math.max(idleMs, this.options.maxIdleMs ?? 2_000);
    let backoff = 0;
    let rest = idleMs;
    while (this.running) {
      let applied = 0;
      this.nudged = false;
      try {
        applied = await this.poll();
        backoff = 0;
      } catch (error) {
        try {
          this.options.onError?.(error);
        } catch {
          // a failing error handler must not end the loop (nor, as an unhandled rejection, the process)
        }
        backoff = Math.min(backoff * 2 || 100, 5_000);
      }
      if (applied > 0) {
        rest = idleMs;
      } else if (await this.sleep(backoff || rest)) {
        rest = idleMs; // nudged: something was written here, and more may follow
      } else {
        rest = Math.min(rest * 2, maxIdleMs);
      }
    }
  }

  /** Waits ms, or less when nudged; says whether it was nudged. */
  private sleep(ms: number): Promise<boolean> {
    if (this.nudged) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), ms);
      const done = (nudged: boolean) => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve(nudged);
      };
      this.wake = () => done(true);
    });
  }
}
