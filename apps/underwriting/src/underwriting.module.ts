import { Database } from '@g2g/event-store';
import { Authenticator, Platform, ServiceDefinition, operatorKey } from '@g2g/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { DecideLoansConsumer } from './decide-loans/decide-loans.consumer';
import { underwritingMigrations } from './migrations';
import { LoanLifecycleConsumer } from './programme-breaker/loan-lifecycle.consumer';
import { ResumeProgrammeController } from './programme-breaker/resume-programme.controller';
import { ReferenceDataController } from './publish-reference-data/reference-data.controller';

/** Programme rules decide each filed loan; operators publish participants, programmes and keys here. */
@Module({})
export class UnderwritingModule {
  static register(platform: Platform): DynamicModule {
    return {
      module: UnderwritingModule,
      controllers: [ReferenceDataController, DecideLoansConsumer, LoanLifecycleConsumer, ResumeProgrammeController],
      providers: [
        { provide: Database, useValue: platform.db },
        { provide: Authenticator, useValue: new Authenticator(platform.db, 'underwriting', operatorKey(process.env, platform.config.operatorKeyFile)) },
      ],
    };
  }
}

export const underwritingService: ServiceDefinition = {
  name: 'underwriting',
  schema: 'underwriting',
  defaultPort: 8082,
  migrations: underwritingMigrations,
  module: (platform) => UnderwritingModule.register(platform),
};
