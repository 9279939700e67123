import { Database, ident } from './database';

/**
 * A table gets a new ANALYZE once it has changed by more rows (and `MIN_CHANGES`) than its last
 * ANALYZE found in it: plans turn on orders of magnitude, and an ANALYZE samples up to 30,000 rows
 * whatever the table's size, so a table grown to a million rows has been analysed about a dozen times.
 */
const CHANGED_SHARE = 1;
const MIN_CHANGES = 1000;

/**
 * Keeps the planner's statistics of the services' tables fresh: every `everyMs`, an ANALYZE of each
 * table of `schemas` that has changed enough since it was last analysed (the rule autovacuum
 * follows, with a larger share). The reads over a million guarantees are planned from these
 * statistics (a plan for a table taken to be empty reads it in the wrong order), and a server may
 * run without autovacuum, as this machine's does; where autovacuum runs, it leaves this little to
 * do. The writes of a chunk do not depend on it: their lookups are one index probe per key (`LOOKUP`).
 */
export class StatisticsKeeper {
  private timer?: NodeJS.Timeout;
  private pass?: Promise<unknown>;

  constructor(
    private readonly db: Database,
    private readonly schemas: readonly string[],
    private readonly options: { everyMs?: number; log?: (line: string) => void } = {},
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.pass ??= this.analyzeChanged()
        .catch((error) => this.options.log?.(`statistics: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => (this.pass = undefined));
    }, this.options.everyMs ?? 15_000);
    this.timer.unref();
  }

  /** Analyses the tables changed enough since their last ANALYZE; returns their names. */
  async analyzeChanged(): Promise<string[]> {
    const tables = await this.db.query<{ schema: string; table: string }>(
      // reltuples: the rows the last ANALYZE found (-1 before the first)
      `select s.schemaname as schema, s.relname as table from pg_stat_user_tables s join pg_class c on c.oid = s.relid
        where s.schemaname = any($1::text[]) and s.n_mod_since_analyze > $2::bigint + $3::numeric * greatest(c.reltuples, 0)
        order by s.schemaname, s.relname`,
      [this.schemas, MIN_CHANGES, CHANGED_SHARE],
    );
    for (const t of tables) await this.db.query(`analyze ${ident(t.schema)}.${ident(t.table)}`);
    return tables.map((t) => `${t.schema}.${t.table}`);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.pass;
  }
}
