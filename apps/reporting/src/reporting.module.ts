import { Database } from '@g2g/event-store';
import { Authenticator, Platform, ServiceDefinition, operatorKey, referenceDataConsumer } from '@g2g/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { AuditController } from './audit/audit.controller';
import { AuditTrailController } from './audit-trail/audit-trail.controller';
import { FeedController } from './feeds/feed.controller';
import { FiguresController } from './figures-api/figures.controller';
import { FiguresSeriesController } from './figures-series/figures-series.controller';
import { GuaranteesController } from './guarantees-api/guarantees.controller';
import { PositionsController } from './positions/positions.controller';
import { RollForwardController } from './roll-forward/roll-forward.controller';
import { WhoAmIController } from './who-am-i/who-am-i.controller';
import { LoanHistoryController } from './loan-history/loan-history.controller';
import { reportingMigrations } from './migrations';
import { ProjectionRunner, reportingState } from './projections/projection.runner';
import { RebuildController } from './rebuild/rebuild.controller';
import { RecordChunksConsumer, RecordLogConsumer } from './record-log/record-log.consumer';

/** Reporting: its own log of everything it hears, projections of it for regulators and feeds, rebuild, audit and the audit trail. */
@Module({})
export class ReportingModule {
  static register(platform: Platform): DynamicModule {
    return {
      module: ReportingModule,
      controllers: [RecordChunksConsumer, RecordLogConsumer, FiguresController, FeedController, LoanHistoryController, RebuildController, AuditController, AuditTrailController, referenceDataConsumer('reporting'),
        // the reads the console's pages are made of
        FiguresSeriesController, GuaranteesController, RollForwardController, PositionsController, WhoAmIController],
      providers: [
        { provide: Database, useValue: platform.db },
        { provide: Authenticator, useValue: new Authenticator(platform.db, 'reporting', operatorKey(process.env, platform.config.operatorKeyFile)) },
        { provide: ProjectionRunner, useFactory: () => new ProjectionRunner(platform.db) },
      ],
    };
  }
}

export const reportingService: ServiceDefinition = {
  name: 'reporting',
  schema: 'reporting',
  defaultPort: 8085,
  migrations: reportingMigrations,
  state: reportingState,
  module: (platform) => ReportingModule.register(platform),
};
