import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { inChildSpan } from './trace-context';

/** The one thing code needs from a connection or a transaction: run a statement, get rows. */
export interface Sql {
  /**
   * With `prepare`, the statement is prepared once per connection, under a name of its text, and
   * later calls skip the server's parse and plan: for statements run very often with a text that
   * is one of a few (the event append). Ignored where the server is the embedded one.
   */
  query<R = Record<string, any>>(text: string, params?: unknown[], options?: { prepare?: boolean }): Promise<R[]>;
  /** who is told how long the store's statements take (the platform's metrics), when anyone is */
  readonly observer?: StoreObserver;
}

export interface StoreObserver {
  /** an event append to `schema` took `seconds` */
  appended?(schema: string, seconds: number): void;
}

export interface DatabaseOptions {
  /** postgres://user:pass@host:port/db */
  url?: string;
  /** or a unix-socket directory (the embedded PostgreSQL listens on one) */
  socket?: { dir: string; port: number; database: string; user: string };
  /** connections in the pool; 1 for the embedded PostgreSQL, which runs one statement at a time */
  poolSize: number;
  applicationName?: string;
}

const SERIALIZATION_FAILURE = '40001';
const DEADLOCK = '40P01';

/** A TypeORM DataSource (pg driver) used for plain SQL and explicit transactions. */
export class Database implements Sql {
  private readonly commitListeners: (() => void)[] = [];
  observer: StoreObserver = {};

  /** statement text -> the name it is prepared under */
  private readonly names = new Map<string, string>();

  private constructor(
    readonly dataSource: DataSource,
    private readonly prepare: boolean,
  ) {}

  /** What pg is given: the text, or a named statement when asked and allowed. */
  private statement(text: string, options?: { prepare?: boolean }): string {
    if (!options?.prepare || !this.prepare) return text;
    let name = this.names.get(text);
    if (name === undefined) {
      if (this.names.size >= 1_000) return text; // a text that varies is no candidate: stay bounded
      name = `g2g_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
      this.names.set(text, name);
    }
    // pg takes a query config in place of the text; TypeORM passes it through as it is
    return { name, text } as unknown as string;
  }

  /** Called after every transaction this Database commits (used to wake local followers). */
  afterCommit(listener: () => void): void {
    this.commitListeners.push(listener);
  }

  static async connect(options: DatabaseOptions): Promise<Database> {
    const dataSource = new DataSource({
      type: 'postgres',
      ...(options.socket
        ? {
            host: options.socket.dir,
            port: options.socket.port,
            database: options.socket.database,
            username: options.socket.user,
          }
        : { url: options.url }),
      poolSize: options.poolSize,
      applicationName: options.applicationName ?? 'g2g',
      synchronize: false,
      migrationsRun: false,
      logging: false,
      // no JIT compilation: the services run short statements over a chunk, for which compiling
      // costs more than it saves (20 ms and more a statement where the planner's estimates are high)
      extra: { max: options.poolSize, idleTimeoutMillis: 30_000, ...(options.socket ? {} : { options: '-c jit=off' }) },
    });
    await dataSource.initialize();
    // named statements only on a server: the embedded PostgreSQL (a socket) runs one at a time anyway
    return new Database(dataSource, !options.socket);
  }

  async query<R = Record<string, any>>(text: string, params: unknown[] = [], options?: { prepare?: boolean }): Promise<R[]> {
    const result = await this.dataSource.query(this.statement(text, options), params);
    return rowsOf<R>(result);
  }

  /**
   * Runs fn in one transaction (READ COMMITTED). A serialization failure or deadlock, or an error
   * marked retryable (see RetryableConflict), reruns the whole function, up to `attempts` times.
   */
  async transaction<T>(fn: (tx: Sql) => Promise<T>, attempts = 5): Promise<T> {
    return inChildSpan('db.transaction', { 'db.system.name': 'postgresql' }, () => this.attempt(fn, attempts));
  }

  private async attempt<T>(fn: (tx: Sql) => Promise<T>, attempts: number): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const runner = this.dataSource.createQueryRunner();
      await runner.connect();
      const tx: Sql = {
        observer: this.observer,
        query: async <R>(text: string, params: unknown[] = [], options?: { prepare?: boolean }) => {
          const result = await runner.query(this.statement(text, options), params, true);
          return (result.records ?? []) as R[];
        },
      };
      try {
        await runner.startTransaction();
        const value = await fn(tx);
        await runner.commitTransaction();
        for (const listener of this.commitListeners) listener();
        return value;
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        if (attempt < attempts && isRetryable(error)) continue;
        throw error;
      } finally {
        await runner.release();
      }
    }
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

function rowsOf<R>(result: unknown): R[] {
  // TypeORM answers [rows, count] for UPDATE and DELETE, rows otherwise.
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as R[];
  }
  return (result ?? []) as R[];
}

/** A conflict the caller resolves by rerunning its transaction from the start. */
export class RetryableConflict extends Error {
  readonly retryable = true;
}

export function isRetryable(error: unknown): boolean {
  if (error instanceof RetryableConflict) return true;
  const code = pgCode(error);
  return code === SERIALIZATION_FAILURE || code === DEADLOCK;
}

/**
 * The database could not be reached or went away (server restart, network): worth a retry later,
 * unlike an error in a statement. Class 08 (connection exception), 57P01-57P03 (shutdown,
 * cannot connect now), and the driver's own socket errors. Errors of other clients (Kafka's carry
 * a numeric code) are never taken for one.
 */
export function isConnectionError(error: unknown): boolean {
  if (isKafkaError(error)) return false;
  const code = pgCode(error);
  if (code && (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03')) return true;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code)) return true;
  const message = String((error as { message?: unknown })?.message ?? '');
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable|terminating connection/i.test(message);
}

/**
 * A description of an error fit for a log line: for a database error its SQLSTATE, constraint and
 * table, never its message, detail or statement parameters (PostgreSQL quotes the values it could
 * not take, and a driver error carries the whole statement and its parameters); for a Kafka error
 * its name, the broker's error type and code, and what caused it; for anything else its name and
 * the first line of its message. It never throws: it is called from error handlers, where a throw
 * would be an unhandled rejection and end the process.
 */
export function describeError(error: unknown): string {
  try {
    return describe(error, 0);
  } catch {
    return 'an error that could not be described';
  }
}

function describe(error: unknown, depth: number): string {
  const e = error as { name?: unknown; message?: unknown; driverError?: Record<string, unknown> } & Record<string, unknown>;
  const driver = (e?.driverError ?? e) as Record<string, unknown>;
  if (isKafkaError(error)) {
    const type = typeof e.type === 'string' ? ` ${e.type}` : '';
    const number = typeof e.code === 'number' || typeof e.code === 'string' ? ` (code ${String(e.code).slice(0, 40)})` : '';
    const cause = (e.originalError ?? e.cause) as unknown;
    const because = cause && depth < 3 ? `; caused by ${describe(cause, depth + 1)}` : '';
    return `${String(e.name)}${type}${number}: ${firstLine(e.message, 300)}${because}`;
  }
  const code = pgCode(error);
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) {
    const where = [driver.schema, driver.table].filter(Boolean).join('.');
    return `database error ${code}${driver.constraint ? ` (constraint ${String(driver.constraint)})` : ''}${where ? ` on ${where}` : ''}${driver.routine ? ` in ${String(driver.routine)}` : ''}`;
  }
  if (isConnectionError(error)) return `database unreachable (${code ?? firstLine(e?.message, 120)})`;
  if (error instanceof Error) return `${error.name}: ${firstLine(error.message, 300)}`;
  return `non-error thrown: ${typeof error}`;
}

function firstLine(message: unknown, length: number): string {
  return String(message ?? '').split('\n')[0].slice(0, length);
}

/** An error thrown by the Kafka client (KafkaJSProtocolError, KafkaJSNumberOfRetriesExceeded, ...). */
function isKafkaError(error: unknown): boolean {
  const name = (error as { name?: unknown })?.name;
  return typeof name === 'string' && name.startsWith('KafkaJS');
}

/** The SQLSTATE (or the driver's socket error code) of a database error; other clients' codes are not one. */
export function pgCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

export function constraintOf(error: unknown): string | undefined {
  const e = error as { constraint?: string; driverError?: { constraint?: string } };
  return e?.driverError?.constraint ?? e?.constraint;
}

/** Schema names are identifiers we write ourselves; refuse anything else before it reaches SQL. */
export function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a valid schema or table name: ${name}`);
  return name;
}
