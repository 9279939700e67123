import { Database } from '@g2g/event-store';
import { Allow, Caller, CallerOf } from '@g2g/platform';
import { Controller, ForbiddenException, Get, NotFoundException, Param } from '@nestjs/common';
import { store } from '../record-log/record-log.consumer';

/** A loan's whole history: every event, with its business date and the time it was recorded. */
@Controller('loans/:bank/:loanId/history')
export class LoanHistoryController {
  constructor(private readonly db: Database) {}

  @Get()
  @Allow('bank', 'regulator', 'operator')
  async history(@Param('bank') bank: string, @Param('loanId') loanId: string, @CallerOf() caller: Caller) {
    if (caller.kind === 'bank' && caller.code !== bank) throw new ForbiddenException({ code: 'NOT_YOUR_BANK', message: `${caller.code} may read only its own loans` });
    const events = await store.readStream(this.db, `guarantee:${bank}/${loanId}`);
    if (events.length === 0) throw new NotFoundException({ code: 'UNKNOWN_LOAN', message: `no loan ${loanId} of ${bank}` });
    return {
      guarantee_id: `${bank}/${loanId}`,
      events: events.map((e) => ({
        event: e.type,
        business_date: e.businessDate,
        recorded_at: (e.metadata.recordedAt as string | undefined) ?? e.recordedAt.toISOString(),
        data: e.data,
      })),
    };
  }
}
