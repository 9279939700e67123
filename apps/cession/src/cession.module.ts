import { Database } from '@g2g/event-store';
import { Authenticator, Platform, REFERENCE_STATE, ServiceDefinition, StateProjection, applyReferenceDataEvents, operatorKey, referenceDataConsumer, stateController } from '@g2g/platform';
import { CESSION_STATE, applyCessionEvents } from './cede-guarantee/cede-guarantee';
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
      controllers: [CedeGuaranteeConsumer, MonthlyStatementController, referenceDataConsumer('cession'), stateController(cessionState)],
      providers: [
        { provide: Database, useValue: platform.db },
        { provide: Authenticator, useValue: new Authenticator(platform.db, 'cession', operatorKey(process.env, platform.config.operatorKeyFile)) },
      ],
    };
  }
}

/** Cession's state: the index of its chunk events by participant and month, and its reference data. */
export const cessionState: StateProjection = {
  service: 'cession',
  schema: 'cession',
  tables: { ...CESSION_STATE, ...REFERENCE_STATE },
  apply: async (tx, events) => {
    await applyCessionEvents(tx, events);
    await applyReferenceDataEvents(tx, 'cession', events);
  },
};

export const cessionService: ServiceDefinition = {
  name: 'cession',
  schema: 'cession',
  defaultPort: 8083,
  migrations: cessionMigrations,
  state: cessionState,
  module: (platform) => CessionModule.register(platform),
};
