import { Database } from '@g2g/event-store';
import { Authenticator, Platform, REFERENCE_STATE, ServiceDefinition, StateProjection, applyReferenceDataEvents, operatorKey, stateController } from '@g2g/platform';
import { BOOK_STATE, applyBookEvents } from './decide-loans/book-projection';
import { DynamicModule, Module } from '@nestjs/common';
import { DecideLoansConsumer } from './decide-loans/decide-loans.consumer';
import { underwritingMigrations } from './migrations';
import { LoanLifecycleConsumer } from './programme-breaker/loan-lifecycle.consumer';
import { ResumeProgrammeController } from './programme-breaker/resume-programme.controller';
import { ReferenceDataController } from './publish-reference-data/reference-data.controller';
import { LIST_STATE, applyListEvents } from './recommended-lists/list-projection';
import { ListsController } from './recommended-lists/lists.controller';

/** Programme rules decide each filed loan; operators publish participants, programmes, keys and recommended lists here. */
@Module({})
export class UnderwritingModule {
  static register(platform: Platform): DynamicModule {
    return {
      module: UnderwritingModule,
      controllers: [ReferenceDataController, ListsController, DecideLoansConsumer, LoanLifecycleConsumer, ResumeProgrammeController, stateController(underwritingState)],
      providers: [
        { provide: Database, useValue: platform.db },
        { provide: Authenticator, useValue: new Authenticator(platform.db, 'underwriting', operatorKey(process.env, platform.config.operatorKeyFile)) },
      ],
    };
  }
}

/** Underwriting's state: the programmes' books, the reference data and the recommended lists it owns, from its own events. */
export const underwritingState: StateProjection = {
  service: 'underwriting',
  schema: 'underwriting',
  tables: { ...BOOK_STATE, ...REFERENCE_STATE, ...LIST_STATE },
  apply: async (tx, events) => {
    // a book event's place in its stream is the book's version
    await applyBookEvents(tx, events.map((e) => (e.streamId.startsWith('book:') ? e : { ...e, streamPosition: undefined })));
    await applyReferenceDataEvents(tx, 'underwriting', events);
    await applyListEvents(tx, events);
  },
};

export const underwritingService: ServiceDefinition = {
  name: 'underwriting',
  schema: 'underwriting',
  defaultPort: 8082,
  migrations: underwritingMigrations,
  state: underwritingState,
  module: (platform) => UnderwritingModule.register(platform),
};
