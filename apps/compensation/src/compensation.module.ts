import { Database } from '@g2g/event-store';
import { Platform, ServiceDefinition, referenceDataConsumer } from '@g2g/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { CompensationConsumers } from './decide-servicing/compensation.consumers';
import { compensationMigrations } from './migrations';

/** After issue: repayments and releases, claims with compensation and support, recoveries, the breaker. */
@Module({})
export class CompensationModule {
  static register(platform: Platform): DynamicModule {
    return {
      module: CompensationModule,
      controllers: [CompensationConsumers, referenceDataConsumer('compensation')],
      providers: [{ provide: Database, useValue: platform.db }],
    };
  }
}

export const compensationService: ServiceDefinition = {
  name: 'compensation',
  schema: 'compensation',
  defaultPort: 8084,
  migrations: compensationMigrations,
  module: (platform) => CompensationModule.register(platform),
};
