import { isValidDate } from '@g2g/domain';
import { Check, problem } from '@g2g/platform';
import { IsIn, IsOptional } from 'class-validator';
import { FiguresQuery, Slice } from './figures';

export const PERIOD_RULE = 'give the period as from=YYYY-MM-DD&to=YYYY-MM-DD, from not after to';
const date = (v: unknown): v is string => typeof v === 'string' && isValidDate(v);

/** The end of a period: a real date, not before its start (the start is judged on its own). */
export const PeriodEnd = () => Check((to, q: PeriodParams) => date(to) && !(date(q.from) && q.from > to), problem('BAD_PERIOD', PERIOD_RULE));

/**
 * The period of a read of the figures (`from`, `to`: business dates, both included) and `as_of`,
 * an ISO time with its zone: the figures as the platform knew them then. `GET /positions/{participant}`.
 */
export class PeriodParams {
  @Check(date, problem('BAD_PERIOD', PERIOD_RULE))
  from!: string;

  @PeriodEnd()
  to!: string;

  @IsOptional()
  @Check(
    // a time without its zone would be read in the server's own
    (t) => typeof t === 'string' && /(Z|[+-]\d\d:?\d\d)$/.test(t) && !Number.isNaN(Date.parse(t)),
    problem('BAD_AS_OF', 'as_of: an ISO 8601 time with its zone, e.g. 2025-06-30T16:00:00Z or 2025-07-01T00:00:00+08:00'),
  )
  as_of?: string;

  /** the instant `as_of` names, in UTC */
  get asOf(): string | undefined {
    return this.as_of === undefined ? undefined : new Date(this.as_of).toISOString();
  }
}

/**
 * `GET /figures` and the reads made of the same figures: the period, `as_of` and the slice
 * (every slice parameter optional, an empty one as if absent; all given must hold).
 */
export class FiguresParams extends PeriodParams {
  @IsOptional() programme?: string;
  @IsOptional() bank?: string;
  @IsOptional() @IsIn(['true', 'false'], problem('BAD_SLICE', 'fund_backed: true or false')) fund_backed?: string;
  @IsOptional() guarantor?: string;
  @IsOptional() reguarantor?: string;
  @IsOptional() province?: string;
  @IsOptional() industry_section?: string;
  @IsOptional() borrower_type?: string;
  @IsOptional() list?: string;

  slice(): Slice {
    return {
      ...(this.programme ? { programme: this.programme } : {}),
      ...(this.bank ? { bank: this.bank } : {}),
      ...(this.fund_backed ? { fundBacked: this.fund_backed === 'true' } : {}),
      ...(this.guarantor ? { guarantor: this.guarantor } : {}),
      ...(this.reguarantor ? { reguarantor: this.reguarantor } : {}),
      ...(this.province ? { province: this.province } : {}),
      ...(this.industry_section ? { industrySection: this.industry_section } : {}),
      ...(this.borrower_type ? { borrowerType: this.borrower_type } : {}),
      ...(this.list ? { list: this.list } : {}),
    };
  }

  query(): FiguresQuery {
    return { from: this.from, to: this.to, slice: this.slice(), asOf: this.asOf };
  }
}
