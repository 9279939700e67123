import { Database } from '@g2g/event-store';
import { Allow, Caller, CallerOf, rebuildState } from '@g2g/platform';
import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { reportingState } from '../projections/projection.runner';
import { rebuildProjections } from './rebuild';

/**
 * `POST /projections/rebuild` (and `/projections/reporting/rebuild`, operator): the read models
 * again from the event log, while running; recorded in the audit trail.
 * `GET /projections/reporting/verify` (operator, regulator): the same, rolled back.
 */
@Controller('projections')
export class RebuildController {
  constructor(private readonly db: Database) {}

  @Post(['rebuild', 'reporting/rebuild'])
  @HttpCode(200)
  @Allow('operator')
  async rebuild(@CallerOf() caller: Caller) {
    return rebuildProjections(this.db, caller);
  }

  @Get('reporting/verify')
  @Allow('operator', 'regulator')
  async verify() {
    return rebuildState(this.db, reportingState, 'verify');
  }
}
