import { migrate, storeMigrations } from '@g2g/event-store';
import { TestDatabase } from '@g2g/testing';
import { reportingMigrations } from './migrations';
import { ProjectionRunner } from './projections/projection.runner';
import { SCHEMA } from './record-log/record-log.consumer';

/** A test database with reporting's schema, and the projection runner over it (polled by hand). */
export async function openReporting(open: () => Promise<TestDatabase>): Promise<{ t: TestDatabase; runner: ProjectionRunner }> {
  const t = await open();
  await migrate(t.db, SCHEMA, [...storeMigrations, ...reportingMigrations]);
  return { t, runner: new ProjectionRunner(t.db) };
}
