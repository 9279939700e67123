import { Database } from '@g2g/event-store';
import { Allow, validated } from '@g2g/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { figures } from './figures';
import { RiskLabelFiguresParams } from '../risk-labels/risk-label-figures-params';

/**
 * Figures for regulators: `GET /figures?from=&to=` with optional slice parameters (programme, bank,
 * fund_backed, guarantor, reguarantor, province, industry_section, borrower_type, list, risk_label) and `as_of`, an
 * ISO time: the figures as the platform knew them then.
 */
@Controller('figures')
export class FiguresController {
  constructor(private readonly db: Database) {}

  @Get()
  @Allow('regulator', 'operator')
  async read(@Query(validated(RiskLabelFiguresParams)) q: RiskLabelFiguresParams) {
    return figures(this.db, q.query());
  }
}
