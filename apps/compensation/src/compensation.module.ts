import { Database } from '@g2g/event-store';
import { Authenticator, Platform, REFERENCE_STATE, operatorKey, ServiceDefinition, StateProjection, applyReferenceDataEvents, referenceDataConsumer, stateController } from '@g2g/platform';
import { COMPENSATION_STATE, applyCompensationEvents } from './decide-servicing/guarantee-book';
import { DynamicModule, Module } from '@nestjs/common';
import { CompensationConsumers } from './decide-servicing/compensation.consumers';
import { compensationMigrations } from './migrations';
import { RISK_STATE, applyRiskEvents } from './risk-labels/risk-labels';
import { ReleaseRemindersController } from './release-reminders/release-reminders.controller';
import { ReminderSchedule, ScheduleSettings, scheduleSettings } from './release-reminders/reminder-schedule';

/** After issue: repayments and releases, claims with compensation and support, recoveries, the breaker and its early warning, release reminders. */
@Module({})
export class CompensationModule {
  static register(platform: Platform): DynamicModule {
    const schedule = scheduleSettings(process.env);
    return {
      module: CompensationModule,
      controllers: [CompensationConsumers, referenceDataConsumer('compensation'), stateController(compensationState), ReleaseRemindersController],
      providers: [
        { provide: Database, useValue: platform.db },
        { provide: ScheduleSettings, useValue: schedule },
        { provide: ReminderSchedule, useFactory: () => new ReminderSchedule(platform.db, schedule) },
        { provide: Authenticator, useValue: new Authenticator(platform.db, 'compensation', operatorKey(process.env, platform.config.operatorKeyFile)) },
      ],
    };
  }
}

/** Compensation's state: the guarantees as it decides on them, the programmes' losses, rows waiting, from its own events. */
export const compensationState: StateProjection = {
  service: 'compensation',
  schema: 'compensation',
  tables: { ...COMPENSATION_STATE, ...RISK_STATE, ...REFERENCE_STATE },
  apply: async (tx, events) => {
    await applyCompensationEvents(tx, events);
    await applyRiskEvents(tx, events);
    await applyReferenceDataEvents(tx, 'compensation', events);
  },
};

export const compensationService: ServiceDefinition = {
  name: 'compensation',
  schema: 'compensation',
  defaultPort: 8084,
  migrations: compensationMigrations,
  state: compensationState,
  module: (platform) => CompensationModule.register(platform),
};
