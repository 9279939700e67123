import { Database } from '@g2g/event-store';
import { Allow, Answers, Caller, CallerOf, validated } from '@g2g/platform';
import { Controller, ForbiddenException, Get, Query } from '@nestjs/common';
import { guaranteesBehind } from './guarantees';
import { GuaranteesParams } from './guarantees-params';

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
  // a bank naming another bank's loans
  @Answers(403)
  async list(@Query(validated(GuaranteesParams)) q: GuaranteesParams, @CallerOf() caller: Caller) {
    const slice = q.slice();
    if (caller.kind === 'bank') {
      if (slice.bank !== undefined && slice.bank !== caller.code) throw new ForbiddenException({ code: 'NOT_YOUR_BANK', message: `${caller.code} may read only its own loans` });
      slice.bank = caller.code;
    }
    const party = caller.kind === 'guarantor' || caller.kind === 'reguarantor' || caller.kind === 'fund' ? caller.code : undefined;
    const query = { ...q.query(), slice, behind: q.behind, party, loanIdPrefix: q.loan_id || undefined, after: q.after, limit: q.limit };
    return { period: { from: query.from, to: query.to }, as_of: query.asOf ?? null, slice, behind: q.behind, ...(await guaranteesBehind(this.db, query)) };
  }
}
