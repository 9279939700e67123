import { Database } from '@g2g/event-store';
import { Allow } from '@g2g/platform';
import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { asOfOf, periodOf, sliceOf } from '../figures-api/figures.controller';
import { DIMENSIONS, Dimension, breakdown, monthlyFigures } from './figures-series';

/** The longest series a request may ask for, in months. */
const MAX_MONTHS = 120;

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
  async monthly(@Query() q: Record<string, string | undefined>) {
    const period = periodOf(q);
    const months = (Number(period.to.slice(0, 4)) - Number(period.from.slice(0, 4))) * 12 + Number(period.to.slice(5, 7)) - Number(period.from.slice(5, 7)) + 1;
    if (months > MAX_MONTHS) throw new BadRequestException({ code: 'BAD_PERIOD', message: `a series covers at most ${MAX_MONTHS} months` });
    const query = { ...period, slice: sliceOf(q), asOf: asOfOf(q) };
    return { period, as_of: query.asOf ?? null, slice: query.slice, months: await monthlyFigures(this.db, query) };
  }

  @Get('breakdown')
  @Allow('regulator', 'operator')
  async breakdown(@Query() q: Record<string, string | undefined>) {
    const query = { ...periodOf(q), slice: sliceOf(q), asOf: asOfOf(q) };
    const by = dimensionsOf(q.by);
    return { period: { from: query.from, to: query.to }, as_of: query.asOf ?? null, slice: query.slice, ...(await breakdown(this.db, query, by)) };
  }
}

function dimensionsOf(text: string | undefined): Dimension[] {
  const asked = (text ?? '').split(',').map((d) => d.trim()).filter(Boolean);
  const unknown = asked.filter((d) => !(DIMENSIONS as readonly string[]).includes(d));
  if (asked.length === 0 || unknown.length > 0) {
    throw new BadRequestException({ code: 'BAD_BREAKDOWN', message: `by: one or more of ${DIMENSIONS.join(', ')}, separated by commas` });
  }
  return [...new Set(asked)] as Dimension[];
}
