import { Database } from '@g2g/event-store';
import { Allow, Caller, CallerOf } from '@g2g/platform';
import { BadRequestException, Controller, ForbiddenException, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { cursorParam } from '@g2g/platform';
import { kindOfSegment } from '../file-batch/batch.controller';
import { BatchKindName, FileBatch } from '../file-batch/file-batch';
import { batchRows } from './batch-rows';

/** A bank reads its own batches (an operator reads any): the summary, then every row's outcome. */
@Controller('banks/:bank/:segment/:batchRef')
export class BatchResultsController {
  constructor(
    private readonly db: Database,
    private readonly filing: FileBatch,
  ) {}

  @Get()
  @Allow('bank', 'operator')
  async summary(@Param('bank') bank: string, @Param('segment') segment: string, @Param('batchRef') batchRef: string, @CallerOf() caller: Caller) {
    const kind = kindOf(segment);
    ownBank(caller, bank);
    const summary = await this.filing.summary(this.db, bank, kind, batchRef);
    if (!summary) throw new NotFoundException({ code: 'UNKNOWN_BATCH', message: `no ${kind} batch ${batchRef} of ${bank}` });
    return summary;
  }

  @Get('rows')
  @Allow('bank', 'operator')
  async rows(
    @Param('bank') bank: string,
    @Param('segment') segment: string,
    @Param('batchRef') batchRef: string,
    @Query('after') after: string | undefined,
    @Query('limit') limit: string | undefined,
    @CallerOf() caller: Caller,
    @Query('outcome') outcome?: string,
    @Query('code') code?: string,
  ) {
    const kind = kindOf(segment);
    ownBank(caller, bank);
    const from = cursorParam('after', after, 0, 2_147_483_647);
    const take = cursorParam('limit', limit, 1_000, 10_000, 1);
    if (outcome !== undefined && !OUTCOMES.includes(outcome)) throw new BadRequestException({ code: 'BAD_OUTCOME', message: `outcome: one of ${OUTCOMES.join(', ')}` });
    if (code !== undefined && !/^[A-Z][A-Z0-9_]{0,63}$/.test(code)) throw new BadRequestException({ code: 'BAD_CODE', message: 'code: a result code such as QUOTA or MALFORMED_DATE' });
    const rows = await batchRows(this.db, bank, kind, batchRef, from, take, { outcome, code });
    if (rows.length === 0 && !(await this.filing.summary(this.db, bank, kind, batchRef))) {
      throw new NotFoundException({ code: 'UNKNOWN_BATCH', message: `no ${kind} batch ${batchRef} of ${bank}` });
    }
    return { rows, next: rows.length === take ? rows[rows.length - 1].row : null };
  }
}

const OUTCOMES = ['invalid', 'pending', 'approved', 'accepted', 'rejected'];

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
