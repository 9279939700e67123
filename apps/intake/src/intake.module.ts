import { Database } from '@g2g/event-store';
import { Authenticator, Platform, REFERENCE_STATE, ServiceDefinition, StateProjection, applyReferenceDataEvents, operatorKey, referenceDataConsumer, stateController } from '@g2g/platform';
import { INTAKE_STATE, applyIntakeEvents } from './projection/intake-projection';
import { DynamicModule, Logger, Module } from '@nestjs/common';
import { FileConnector } from './file-connector/file-connector';
import { BatchListController } from './batch-list/batch-list.controller';
import { BatchResultsController } from './batch-results/batch-results.controller';
import { RecordOutcomesConsumer } from './batch-results/record-outcomes.consumer';
import { BatchController } from './file-batch/batch.controller';
import { FileBatch } from './file-batch/file-batch';
import { intakeMigrations } from './migrations';
import { watchIntake } from './metrics/intake-metrics';

/** The banks' connectors: loan batches in, per-row outcomes out. */
@Module({})
export class IntakeModule {
  static register(platform: Platform): DynamicModule {
    const { inboxDir: inbox, uploadLeaseMs, uploadStallMs, fileSettleMs } = platform.config;
    const filing = new FileBatch(platform.db, { leaseMs: uploadLeaseMs, stallMs: uploadStallMs });
    return {
      module: IntakeModule,
      controllers: [BatchController, BatchResultsController, BatchListController, RecordOutcomesConsumer, referenceDataConsumer('intake'), stateController(intakeState)],
      providers: [
        { provide: Database, useValue: platform.db },
        { provide: FileBatch, useValue: filing },
        { provide: Authenticator, useValue: new Authenticator(platform.db, 'intake', operatorKey(process.env, platform.config.operatorKeyFile)) },
        ...(inbox ? [{ provide: FileConnector, useFactory: () => new FileConnector(platform.db, filing, inbox, { settleMs: fileSettleMs, log: (line) => new Logger('intake').log(line) }) }] : []),
      ],
    };
  }
}

/** Intake's state: its batches, their chunks and the loans each bank filed, and its reference data, from its own events. */
export const intakeState: StateProjection = {
  service: 'intake',
  schema: 'intake',
  tables: { ...INTAKE_STATE, ...REFERENCE_STATE },
  apply: async (tx, events) => {
    await applyIntakeEvents(tx, events);
    await applyReferenceDataEvents(tx, 'intake', events);
  },
};

export const intakeService: ServiceDefinition = {
  name: 'intake',
  schema: 'intake',
  defaultPort: 8081,
  migrations: intakeMigrations,
  state: intakeState,
  module: (platform) => IntakeModule.register(platform),
  watch: watchIntake,
};
