import { Database } from '@g2g/event-store';
import { Allow, Caller, CallerOf, validated } from '@g2g/platform';
import { Controller, ForbiddenException, Get, Param, Query } from '@nestjs/common';
import { PeriodParams } from '../figures-api/figures-params';
import { positionOf } from './positions';

/**
 * `GET /positions/{participant}?from=&to=` (and `as_of`): what a guarantor, a re-guarantor or the
 * Fund has in force, owes and has paid, and its programmes' breakers. Each reads its own; a
 * regulator or an operator any.
 */
@Controller('positions')
export class PositionsController {
  constructor(private readonly db: Database) {}

  @Get(':participant')
  @Allow('guarantor', 'reguarantor', 'fund', 'regulator', 'operator')
  async read(@Param('participant') participant: string, @Query(validated(PeriodParams)) q: PeriodParams, @CallerOf() caller: Caller) {
    if (caller.kind !== 'regulator' && caller.kind !== 'operator' && caller.code !== participant) {
      throw new ForbiddenException({ code: 'NOT_YOURS', message: `${caller.code} may read only its own position` });
    }
    return positionOf(this.db, { participant, from: q.from, to: q.to, asOf: q.asOf });
  }
}
