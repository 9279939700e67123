import { Database } from '@g2g/event-store';
import { Authenticator, Platform, ServiceDefinition, operatorKey, referenceDataConsumer } from '@g2g/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { FeedController } from './feeds/feed.controller';
import { FiguresController } from './figures-api/figures.controller';
import { reportingMigrations } from './migrations';
import { IssuanceProjection } from './projections/issuance.projection';

/** Projections of the events for regulators and the participants' feeds. */
@Module({})
export class ReportingModule {
  static register(platform: Platform): DynamicModule {
    return {
      module: ReportingModule,
      controllers: [IssuanceProjection, FiguresController, FeedController, referenceDataConsumer('reporting')],
      providers: [
        { provide: Database, useValue: platform.db },
        { provide: Authenticator, useValue: new Authenticator(platform.db, 'reporting', operatorKey(process.env, platform.config.operatorKeyFile)) },
      ],
    };
  }
}

export const reportingService: ServiceDefinition = {
  name: 'reporting',
  schema: 'reporting',
  defaultPort: 8085,
  migrations: reportingMigrations,
  module: (platform) => ReportingModule.register(platform),
};
