import { Client } from 'pg';

/**
 * Samples pg_stat_activity of the benchmark's database every `everyMs` (active session history):
 * per service (application_name), how many of its connections are, on average, running each
 * statement, waiting on what, or idle inside a transaction (the service's own code running
 * between statements of an open transaction). Opt-in (--activity): it costs a query per sample.
 */

export interface ActivitySummary {
  samples: number;
  everyMs: number;
  services: {
    application: string;
    /** average connections running a statement */
    active: number;
    /** average connections idle in transaction (the Node process working, or waiting, mid-transaction) */
    idleInTransaction: number;
    statements: { statement: string; active: number }[];
    waits: { wait: string; active: number }[];
    /** the longest-open transaction seen (seconds), with what it was doing then */
    longestTransaction: { seconds: number; state: string; wait: string | null; statement: string } | null;
  }[];
}

const normalise = (q: string) =>
  q
    .replace(/\s+/g, ' ')
    .replace(/\$\d+(::\w+(\[\])?)?/g, '?')
    .trim()
    .slice(0, 110);

export class ActivitySampler {
  private readonly counts = new Map<
    string,
    { active: number; idleInTx: number; statements: Map<string, number>; waits: Map<string, number>; longest: { seconds: number; state: string; wait: string | null; statement: string } | null }
  >();
  private samples = 0;
  private running = false;
  private loop?: Promise<void>;

  constructor(
    private readonly sql: Client,
    private readonly database: string,
    private readonly everyMs = 100,
  ) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const t0 = performance.now();
        try {
          const rows = (
            await this.sql.query<{ app: string; state: string; wait: string | null; query: string; age: number | null }>(
              `select application_name as app, state, wait_event_type || ':' || wait_event as wait, query,
                      extract(epoch from clock_timestamp() - xact_start)::float8 as age
                 from pg_stat_activity
                where datname = $1 and backend_type = 'client backend' and pid <> pg_backend_pid()`,
              [this.database],
            )
          ).rows;
          this.samples++;
          for (const r of rows) {
            const c = this.counts.get(r.app) ?? { active: 0, idleInTx: 0, statements: new Map(), waits: new Map(), longest: null };
            this.counts.set(r.app, c);
            if (r.age !== null && r.age > (c.longest?.seconds ?? 0)) c.longest = { seconds: Math.round(r.age * 100) / 100, state: r.state, wait: r.wait, statement: normalise(r.query) };
            if (r.state === 'active') {
              c.active++;
              const s = normalise(r.query);
              c.statements.set(s, (c.statements.get(s) ?? 0) + 1);
              const w = r.wait ?? 'CPU (no wait event)';
              c.waits.set(w, (c.waits.get(w) ?? 0) + 1);
            } else if (r.state === 'idle in transaction') {
              c.idleInTx++;
            }
          }
        } catch {
          // the database may be going away at the end
        }
        const rest = this.everyMs - (performance.now() - t0);
        if (rest > 0) await new Promise((r) => setTimeout(r, rest));
      }
    })();
  }

  async stop(): Promise<ActivitySummary> {
    this.running = false;
    await this.loop;
    const n = Math.max(1, this.samples);
    const top = (m: Map<string, number>, k: number) =>
      [...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, k)
        .map(([s, c]) => [s, Math.round((c / n) * 1000) / 1000] as const);
    return {
      samples: this.samples,
      everyMs: this.everyMs,
      services: [...this.counts]
        .filter(([app]) => app !== 'g2g-bench')
        .sort((a, b) => b[1].active + b[1].idleInTx - (a[1].active + a[1].idleInTx))
        .map(([application, c]) => ({
          application,
          active: Math.round((c.active / n) * 1000) / 1000,
          idleInTransaction: Math.round((c.idleInTx / n) * 1000) / 1000,
          statements: top(c.statements, 8).map(([statement, active]) => ({ statement, active })),
          waits: top(c.waits, 5).map(([wait, active]) => ({ wait, active })),
          longestTransaction: c.longest,
        })),
    };
  }
}
