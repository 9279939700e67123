import { Database } from '@g2g/event-store';
import { Allow, Caller, CallerOf, cursorParam } from '@g2g/platform';
import { BadRequestException, Controller, ForbiddenException, Get, Query } from '@nestjs/common';
import { asOfOf, periodOf, sliceOf } from '../figures-api/figures.controller';
import { BEHIND, Behind, guaranteesBehind } from './guarantees';

/**
 * `GET /guarantees?behind=new_guarantees|outstanding_balance|released|compensation&from=&to=`
 * with the slice and as-of parameters of `GET /figures`: the guarantees a figure counts, a page
 * at a time (`after` = the last guarantee id read), with their totals. A regulator or an operator
 * reads any; a bank its own loans only; a guarantor, a re-guarantor or the Fund the guarantees it
 * is a party to.
 */
@Controller('guarantees')
export class GuaranteesController {
  constructor(private readonly db: Database) {}

  @Get()
  @Allow('regulator', 'operator', 'bank', 'guarantor', 'reguarantor', 'fund')
  async list(@Query() q: Record<string, string | undefined>, @CallerOf() caller: Caller) {
    const behind = (q.behind ?? 'new_guarantees') as Behind;
    if (!BEHIND.includes(behind)) throw new BadRequestException({ code: 'BAD_FIGURE', message: `behind: one of ${BEHIND.join(', ')}` });
    const slice = sliceOf(q);
    if (caller.kind === 'bank') {
      if (slice.bank !== undefined && slice.bank !== caller.code) throw new ForbiddenException({ code: 'NOT_YOUR_BANK', message: `${caller.code} may read only its own loans` });
      slice.bank = caller.code;
    }
    const party = caller.kind === 'guarantor' || caller.kind === 'reguarantor' || caller.kind === 'fund' ? caller.code : undefined;
    if (q.after !== undefined && (q.after === '' || q.after.length > 300)) throw new BadRequestException({ code: 'BAD_AFTER', message: 'after: the last guarantee id of the page before' });
    const query = { ...periodOf(q), slice, asOf: asOfOf(q), behind, party, loanIdPrefix: q.loan_id || undefined, after: q.after, limit: cursorParam('limit', q.limit, 50, 1_000, 1) };
    return { period: { from: query.from, to: query.to }, as_of: query.asOf ?? null, slice, behind, ...(await guaranteesBehind(this.db, query)) };
  }
}
