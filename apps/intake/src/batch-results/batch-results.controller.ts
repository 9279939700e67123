import { Database } from '@g2g/event-store';
import { Allow, Answers, Caller, CallerOf, validated } from '@g2g/platform';
import { BadRequestException, Controller, ForbiddenException, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { kindOfSegment } from '../file-batch/batch.controller';
import { BatchKindName, FileBatch } from '../file-batch/file-batch';
import { batchRows } from './batch-rows';
import { RowsParams } from './rows-params';

/** A bank reads its own batches (an operator reads any): the summary, then every row's outcome. */
@Controller('banks/:bank/:segment/:batchRef')
export class BatchResultsController {
  constructor(
    private readonly db: Database,
    private readonly filing: FileBatch,
  ) {}

  @Get()
  @Allow('bank', 'operator')
  @Answers(404)
  async summary(@Param('bank') bank: string, @Param('segment') segment: string, @Param('batchRef') batchRef: string, @CallerOf() caller: Caller) {
    const kind = kindOf(segment);
    ownBank(caller, bank);
    const summary = await this.filing.summary(this.db, bank, kind, batchRef);
    if (!summary) throw new NotFoundException({ code: 'UNKNOWN_BATCH', message: `no ${kind} batch ${batchRef} of ${bank}` });
    return summary;
  }

  @Get('rows')
  @Allow('bank', 'operator')
  @Answers(404)
  async rows(@Param('bank') bank: string, @Param('segment') segment: string, @Param('batchRef') batchRef: string, @Query(validated(RowsParams)) q: RowsParams, @CallerOf() caller: Caller) {
    const kind = kindOf(segment);
    ownBank(caller, bank);
    const rows = await batchRows(this.db, bank, kind, batchRef, q.after, q.limit, { outcome: q.outcome, code: q.code });
    if (rows.length === 0 && !(await this.filing.summary(this.db, bank, kind, batchRef))) {
      throw new NotFoundException({ code: 'UNKNOWN_BATCH', message: `no ${kind} batch ${batchRef} of ${bank}` });
    }
    return { rows, next: rows.length === q.limit ? rows[rows.length - 1].row : null };
  }
}

/**
 * The kind a path segment names. Any other segment is 400 UNKNOWN_BATCH_KIND: a path outside the
 * documented ones (docs/openapi.yaml names each kind's paths), like 404 for a path that is no route.
 */
function kindOf(segment: string): BatchKindName {
  const kind = kindOfSegment(segment);
  if (!kind) throw new BadRequestException({ code: 'UNKNOWN_BATCH_KIND', message: 'batches, repayments, claims or recoveries' });
  return kind;
}

function ownBank(caller: Caller, bank: string) {
  if (caller.kind === 'bank' && caller.code !== bank) {
    throw new ForbiddenException({ code: 'NOT_YOUR_BANK', message: `${caller.code} may read only its own batches` });
  }
}
