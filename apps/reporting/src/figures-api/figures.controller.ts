import { isValidDate } from '@g2g/domain';
import { Database } from '@g2g/event-store';
import { Allow } from '@g2g/platform';
import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { Slice, issuanceFigures } from './issuance-figures';

/** Figures for regulators: `GET /figures?from=&to=&programme=&bank=&fund_backed=&guarantor=&reguarantor=&province=&industry_section=&borrower_type=` */
@Controller('figures')
export class FiguresController {
  constructor(private readonly db: Database) {}

  @Get()
  @Allow('regulator', 'operator')
  async figures(@Query() q: Record<string, string | undefined>) {
    const { from, to } = q;
    if (!from || !to || !isValidDate(from) || !isValidDate(to) || from > to) {
      throw new BadRequestException({ code: 'BAD_PERIOD', message: 'give the period as from=YYYY-MM-DD&to=YYYY-MM-DD, from not after to' });
    }
    if (q.fund_backed !== undefined && q.fund_backed !== 'true' && q.fund_backed !== 'false') {
      throw new BadRequestException({ code: 'BAD_SLICE', message: 'fund_backed: true or false' });
    }
    const slice: Slice = {
      ...(q.programme ? { programme: q.programme } : {}),
      ...(q.bank ? { bank: q.bank } : {}),
      ...(q.fund_backed ? { fundBacked: q.fund_backed === 'true' } : {}),
      ...(q.guarantor ? { guarantor: q.guarantor } : {}),
      ...(q.reguarantor ? { reguarantor: q.reguarantor } : {}),
      ...(q.province ? { province: q.province } : {}),
      ...(q.industry_section ? { industrySection: q.industry_section } : {}),
      ...(q.borrower_type ? { borrowerType: q.borrower_type } : {}),
    };
    return issuanceFigures(this.db, { from, to }, slice);
  }
}
