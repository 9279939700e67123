import { Database } from '@g2g/event-store';
import { Allow } from '@g2g/platform';
import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { asOfOf, periodOf, sliceOf } from '../figures-api/figures.controller';
import { ROLL_FORWARD_BY, RollForwardBy, rollForward } from './roll-forward';

/**
 * `GET /roll-forward?from=&to=&by=guarantor|programme`, with the slice and as-of parameters of
 * `GET /figures`: the supervisory roll-forward of the period (opening + new - decreased = closing).
 */
@Controller('roll-forward')
export class RollForwardController {
  constructor(private readonly db: Database) {}

  @Get()
  @Allow('regulator', 'operator')
  async read(@Query() q: Record<string, string | undefined>) {
    const by = (q.by ?? 'guarantor') as RollForwardBy;
    if (!ROLL_FORWARD_BY.includes(by)) throw new BadRequestException({ code: 'BAD_ROLL_FORWARD', message: `by: ${ROLL_FORWARD_BY.join(' or ')}` });
    const query = { ...periodOf(q), slice: sliceOf(q), asOf: asOfOf(q) };
    return { period: { from: query.from, to: query.to }, as_of: query.asOf ?? null, slice: query.slice, ...(await rollForward(this.db, query, by)) };
  }
}
