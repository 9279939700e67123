import { addDays, isValidDate } from '@g2g/domain';
import { Check, problem } from '@g2g/platform';
import { IsIn, IsOptional } from 'class-validator';
import { AuditTrailQuery, DEFAULT_LIMIT, MAX_LIMIT, chinaMidnight } from './audit-trail';

const actionsOf = (text: string) =>
  text
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);

const date = (v: unknown): v is string => typeof v === 'string' && isValidDate(v);

/**
 * The query string of `GET /audit-trail`: `order` newest (default) or oldest, `after` a seq,
 * `limit` 1-1000, `action` one or more action names (comma-separated), `from` and `to` dates
 * (China time, both days included).
 */
export class AuditTrailParams {
  @IsIn(['newest', 'oldest'], problem('BAD_ORDER', 'order: newest or oldest'))
  order: 'newest' | 'oldest' = 'newest';

  @IsOptional()
  @Check((after) => typeof after === 'string' && /^\d{1,18}$/.test(after), problem('BAD_CURSOR', 'after: the seq of the last entry read'))
  after?: string;

  @IsOptional()
  @Check((limit) => typeof limit === 'string' && /^\d{1,4}$/.test(limit) && Number(limit) >= 1 && Number(limit) <= MAX_LIMIT, problem('BAD_LIMIT', `limit: 1 to ${MAX_LIMIT}`))
  limit?: string;

  @IsOptional()
  @Check((action) => typeof action === 'string' && actionsOf(action).length > 0, problem('BAD_ACTION', 'action: one or more action names, comma-separated'))
  action?: string;

  @IsOptional()
  @Check(date, problem('BAD_PERIOD', 'from: a date YYYY-MM-DD (China time)'))
  from?: string;

  @IsOptional()
  @Check((to, q: AuditTrailParams) => !(date(q.from) && date(to)) || q.from <= to, problem('BAD_PERIOD', 'from is after to'))
  @Check(date, problem('BAD_PERIOD', 'to: a date YYYY-MM-DD (China time)'))
  to?: string;

  query(): AuditTrailQuery {
    return {
      order: this.order,
      after: this.after === undefined ? null : BigInt(this.after),
      limit: this.limit === undefined ? DEFAULT_LIMIT : Number(this.limit),
      actions: this.action === undefined ? null : actionsOf(this.action),
      from: this.from === undefined ? null : chinaMidnight(this.from),
      before: this.to === undefined ? null : chinaMidnight(addDays(this.to, 1)),
    };
  }
}
