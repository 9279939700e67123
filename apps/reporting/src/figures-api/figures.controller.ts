import { isValidDate } from '@g2g/domain';
import { Database } from '@g2g/event-store';
import { Allow } from '@g2g/platform';
import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { Slice, figures } from './figures';

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
  async read(@Query() q: Record<string, string | undefined>) {
    return figures(this.db, { ...periodOf(q), slice: sliceOf(q), asOf: asOfOf(q) });
  }
}

export function periodOf(q: Record<string, string | undefined>): { from: string; to: string } {
  const { from, to } = q;
  if (!from || !to || !isValidDate(from) || !isValidDate(to) || from > to) {
    throw new BadRequestException({ code: 'BAD_PERIOD', message: 'give the period as from=YYYY-MM-DD&to=YYYY-MM-DD, from not after to' });
  }
  return { from, to };
}

export function asOfOf(q: Record<string, string | undefined>): string | undefined {
  if (q.as_of === undefined) return undefined;
  if (!/(Z|[+-]\d\d:?\d\d)$/.test(q.as_of) || Number.isNaN(Date.parse(q.as_of))) throw new BadRequestException({ code: 'BAD_AS_OF', message: 'as_of: an ISO 8601 time with its zone, e.g. 2025-06-30T16:00:00Z or 2025-07-01T00:00:00+08:00' });
  return new Date(q.as_of).toISOString();
}

export function sliceOf(q: Record<string, string | undefined>): Slice {
  if (q.fund_backed !== undefined && q.fund_backed !== 'true' && q.fund_backed !== 'false') {
    throw new BadRequestException({ code: 'BAD_SLICE', message: 'fund_backed: true or false' });
  }
  return {
    ...(q.programme ? { programme: q.programme } : {}),
    ...(q.bank ? { bank: q.bank } : {}),
    ...(q.fund_backed ? { fundBacked: q.fund_backed === 'true' } : {}),
    ...(q.guarantor ? { guarantor: q.guarantor } : {}),
    ...(q.reguarantor ? { reguarantor: q.reguarantor } : {}),
    ...(q.province ? { province: q.province } : {}),
    ...(q.industry_section ? { industrySection: q.industry_section } : {}),
    ...(q.borrower_type ? { borrowerType: q.borrower_type } : {}),
  };
}
