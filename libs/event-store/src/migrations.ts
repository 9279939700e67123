import { Database, ident } from './database';

/** One schema change. Versions are applied in order, once, and never edited after release. */
export interface Migration {
  version: number;
  name: string;
  /** SQL with the placeholder {schema} for the owning schema */
  sql: string;
}

/**
 * Applies the migrations a schema lacks, each in its own transaction, recorded in
 * {schema}.schema_migrations. Concurrent starters of the same service serialize on an advisory
 * lock and a unique version, so a migration never runs twice.
 */
export async function migrate(db: Database, schema: string, migrations: readonly Migration[]): Promise<number[]> {
  const s = ident(schema);
  await db.query(`create schema if not exists ${s}`).catch(ignoreDuplicate);
  await db
    .query(
      `create table if not exists ${s}.schema_migrations (
         version int primary key, name text not null, applied_at timestamptz not null default now())`,
    )
    .catch(ignoreDuplicate);
  const applied: number[] = [];
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (const m of sorted) {
    const done = await db.transaction(async (tx) => {
      await tx.query(`select pg_advisory_xact_lock(hashtext($1))`, [`${s}.schema_migrations`]);
      const seen = await tx.query(`select 1 from ${s}.schema_migrations where version = $1`, [m.version]);
      if (seen.length > 0) return false;
      await tx.query(m.sql.replaceAll('{schema}', s));
      await tx.query(`insert into ${s}.schema_migrations (version, name) values ($1, $2)`, [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}

/** Two processes creating the same schema at once: the loser sees a unique violation; that is fine. */
function ignoreDuplicate(error: unknown): void {
  const code = (error as { code?: string; driverError?: { code?: string } }).driverError?.code;
  if (code === '23505' || code === '42P06' || code === '42P07') return;
  throw error;
}
