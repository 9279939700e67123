import { Database } from '@g2g/event-store';
import { Allow, validated } from '@g2g/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { figures } from './figures';
import { FiguresParams } from './figures-params';

/**
 * Figures for regulators: `GET /figures?from=&to=` with optional slice parameters (programme, bank,
 * fund_backed, guarantor, reguarantor, province, industry_section, borrower_type) and `as_of`, an
 * ISO time: the figures as the platform knew them then.
 */
@Controller('figures')
export class FiguresController {
  constructor(private readonly db: Database) {}

  @Get()
  @Allow('regulator', 'operator')
  async read(@Query(validated(FiguresParams)) q: FiguresParams) {
    return figures(this.db, q.query());
  }
}
