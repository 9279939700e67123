import { Database } from '@g2g/event-store';
import { Allow, Caller, CallerOf } from '@g2g/platform';
import { Controller, HttpCode, Post } from '@nestjs/common';
import { rebuildProjections } from './rebuild';

/** `POST /projections/rebuild` (operator): the read models again from the event log, while running; recorded in the audit trail. */
@Controller('projections')
export class RebuildController {
  constructor(private readonly db: Database) {}

  @Post('rebuild')
  @HttpCode(200)
  @Allow('operator')
  async rebuild(@CallerOf() caller: Caller) {
    return rebuildProjections(this.db, caller);
  }
}
