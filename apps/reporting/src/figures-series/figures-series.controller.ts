import { Database } from '@g2g/event-store';
import { Allow, validated } from '@g2g/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { breakdown, monthlyFigures } from './figures-series';
import { BreakdownParams, MonthlyParams } from './figures-series-params';

/**
 * The figures over time and by dimension, for the regulators' charts: `GET /figures/monthly` (a
 * period month by month) and `GET /figures/breakdown?by=bank,guarantor,...` (one period by
 * programme, bank, guarantor, province or industry section). Same period, slice and as-of
 * parameters as `GET /figures`, and the same callers.
 */
@Controller('figures')
export class FiguresSeriesController {
  constructor(private readonly db: Database) {}

  @Get('monthly')
  @Allow('regulator', 'operator')
  async monthly(@Query(validated(MonthlyParams)) q: MonthlyParams) {
    const query = q.query();
    return { period: { from: query.from, to: query.to }, as_of: query.asOf ?? null, slice: query.slice, months: await monthlyFigures(this.db, query) };
  }

  @Get('breakdown')
  @Allow('regulator', 'operator')
  async breakdown(@Query(validated(BreakdownParams)) q: BreakdownParams) {
    const query = q.query();
    return { period: { from: query.from, to: query.to }, as_of: query.asOf ?? null, slice: query.slice, ...(await breakdown(this.db, query, q.dimensions())) };
  }
}
