import { Database } from '@g2g/event-store';
import { Allow, validated } from '@g2g/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { rollForward } from './roll-forward';
import { RollForwardParams } from './roll-forward-params';

/**
 * `GET /roll-forward?from=&to=&by=guarantor|programme`, with the slice and as-of parameters of
 * `GET /figures`: the supervisory roll-forward of the period (opening + new - decreased = closing).
 */
@Controller('roll-forward')
export class RollForwardController {
  constructor(private readonly db: Database) {}

  @Get()
  @Allow('regulator', 'operator')
  async read(@Query(validated(RollForwardParams)) q: RollForwardParams) {
    const query = q.query();
    return { period: { from: query.from, to: query.to }, as_of: query.asOf ?? null, slice: query.slice, ...(await rollForward(this.db, query, q.by)) };
  }
}
