import { Database } from '@g2g/event-store';
import { Controller, Get, HttpCode, Post, Type } from '@nestjs/common';
import { Allow, Caller, CallerOf } from '../auth/auth';
import { operatorAction, recordOperatorActions } from '../operator-actions/operator-actions';
import { RebuildReport, StateProjection, rebuildState } from './state-projection';

/**
 * `POST /projections/{service}/rebuild` (operator): the service's state again from its own events,
 * while it runs, saying whether it came out the same (recorded in the audit trail);
 * `GET /projections/{service}/verify` (operator, regulator): the same, rolled back: the check that
 * the state is what the events say.
 */
export function stateController(
  projection: StateProjection,
  /** records the rebuild as an operator action; by default the service's events and topic */
  record: (tx: Parameters<NonNullable<Parameters<typeof rebuildState>[3]>>[0], caller: Caller, report: RebuildReport) => Promise<void> = (tx, caller, report) =>
    recordOperatorActions(tx, projection.schema, [operatorAction(projection.schema, caller, 'projections-rebuilt', projection.service, { events: report.events, ms: Math.round(report.seconds * 1000), identical: report.identical }, new Date())]),
): Type<unknown> {
  @Controller(`projections/${projection.service}`)
  class StateController {
    constructor(readonly db: Database) {}

    @Post('rebuild')
    @HttpCode(200)
    @Allow('operator')
    async rebuild(@CallerOf() caller: Caller) {
      return rebuildState(this.db, projection, 'rebuild', (tx, report) => record(tx, caller, report));
    }

    @Get('verify')
    @Allow('operator', 'regulator')
    async verify() {
      return rebuildState(this.db, projection, 'verify');
    }
  }
  return StateController;
}
