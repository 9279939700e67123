import { Database } from '@g2g/event-store';
import { Allow, Caller, CallerOf, validated } from '@g2g/platform';
import { BadRequestException, Controller, ForbiddenException, Get, Param, Query } from '@nestjs/common';
import { kindOfSegment } from '../file-batch/batch.controller';
import { SCHEMA } from '../file-batch/batch-kinds';
import { BatchRow, toSummary } from '../file-batch/file-batch';
import { BatchListParams } from './batch-list-params';

/**
 * `GET /banks/{bank}/{segment}`: a bank's batches of one kind (batches, repayments, claims or
 * recoveries), the latest received first, each with its summary as `GET .../{batchRef}` gives it
 * and the time it was received; `limit` of them (default 50). A bank reads its own; an operator any.
 */
@Controller('banks/:bank/:segment')
export class BatchListController {
  constructor(private readonly db: Database) {}

  @Get()
  @Allow('bank', 'operator')
  async list(@Param('bank') bank: string, @Param('segment') segment: string, @Query(validated(BatchListParams)) q: BatchListParams, @CallerOf() caller: Caller) {
    const kind = kindOfSegment(segment);
    if (!kind) throw new BadRequestException({ code: 'UNKNOWN_BATCH_KIND', message: 'batches, repayments, claims or recoveries' });
    if (caller.kind === 'bank' && caller.code !== bank) throw new ForbiddenException({ code: 'NOT_YOUR_BANK', message: `${caller.code} may read only its own batches` });
    const rows = await this.db.query<BatchRow>(
      `select b.*, (b.status = 'receiving' and b.lease_until < now()) as lapsed,
              coalesce(c.rows, 0)::int as rows, coalesce(c.invalid, 0)::int as invalid, coalesce(c.approved, 0)::int as approved,
              coalesce(c.accepted, 0)::int as accepted, coalesce(c.rejected, 0)::int as rejected
         from (select * from ${SCHEMA}.batches where bank = $1 and kind = $2 order by received_at desc, batch_ref limit $3) b
         left join lateral (
           select sum(last_row - first_row + 1) as rows, sum(invalid) as invalid, sum(approved) as approved, sum(accepted) as accepted, sum(rejected) as rejected
             from ${SCHEMA}.batch_chunks ch where ch.bank = b.bank and ch.kind = b.kind and ch.batch_ref = b.batch_ref) c on true
        order by b.received_at desc, b.batch_ref`,
      [bank, kind, q.limit],
    );
    return { bank, kind, batches: rows.map((r) => ({ ...toSummary(r), receivedAt: r.received_at.toISOString() })) };
  }
}
