import { Database } from '@g2g/event-store';
import { Authenticator, Platform, ServiceDefinition, operatorKey, referenceDataConsumer } from '@g2g/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { CedeGuaranteeConsumer } from './cede-guarantee/cede-guarantee.consumer';
import { cessionMigrations } from './migrations';
import { MonthlyStatementController } from './monthly-statement/monthly-statement.controller';

/** Re-guarantee: each issued guarantee's parts ceded to the re-guarantors and the Fund, with their fees. */
@Module({})
export class CessionModule {
  static register(platform: Platform): DynamicModule {
    return {
      module: CessionModule,
      controllers: [CedeGuaranteeConsumer, MonthlyStatementController, referenceDataConsumer('cession')],
      providers: [
        { provide: Database, useValue: platform.db },
        { provide: Authenticator, useValue: new Authenticator(platform.db, 'cession', operatorKey(process.env, platform.config.operatorKeyFile)) },
      ],
    };
  }
}

export const cessionService: ServiceDefinition = {
  name: 'cession',
  schema: 'cession',
  defaultPort: 8083,
  migrations: cessionMigrations,
  module: (platform) => CessionModule.register(platform),
};
