import { Database } from '@g2g/event-store';
import { Allow, Caller, CallerOf } from '@g2g/platform';
import { Controller, ForbiddenException, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { FileLoanBatch, SCHEMA } from '../file-loan-batch/file-loan-batch';

/** A bank reads its own batches (an operator reads any): the summary, then every row's outcome. */
@Controller('banks/:bank/batches/:batchRef')
export class BatchResultsController {
  private readonly filing: FileLoanBatch;

  constructor(private readonly db: Database) {
    this.filing = new FileLoanBatch(db);
  }

  @Get()
  @Allow('bank', 'operator')
  async summary(@Param('bank') bank: string, @Param('batchRef') batchRef: string, @CallerOf() caller: Caller) {
    ownBank(caller, bank);
    const summary = await this.filing.summary(this.db, bank, batchRef);
    if (!summary) throw new NotFoundException({ code: 'UNKNOWN_BATCH', message: `no batch ${batchRef} of ${bank}` });
    return summary;
  }

  @Get('rows')
  @Allow('bank', 'operator')
  async rows(@Param('bank') bank: string, @Param('batchRef') batchRef: string, @Query('after') after = '0', @Query('limit') limit = '1000', @CallerOf() caller: Caller) {
    ownBank(caller, bank);
    const from = Math.max(0, Number.parseInt(after, 10) || 0);
    const take = Math.min(10_000, Math.max(1, Number.parseInt(limit, 10) || 1000));
    const rows = await this.db.query<{ row: number; loan_id: string | null; outcome: string; codes: string[]; errors: unknown }>(
      `select row, loan_id, outcome, codes, errors from ${SCHEMA}.batch_rows
        where bank = $1 and batch_ref = $2 and row > $3 order by row limit $4`,
      [bank, batchRef, from, take],
    );
    if (rows.length === 0 && !(await this.filing.summary(this.db, bank, batchRef))) {
      throw new NotFoundException({ code: 'UNKNOWN_BATCH', message: `no batch ${batchRef} of ${bank}` });
    }
    return {
      rows: rows.map((r) => ({ row: r.row, loan_id: r.loan_id, outcome: r.outcome, codes: r.codes, ...(r.errors ? { errors: r.errors } : {}) })),
      next: rows.length === take ? rows[rows.length - 1].row : null,
    };
  }
}

function ownBank(caller: Caller, bank: string) {
  if (caller.kind === 'bank' && caller.code !== bank) {
    throw new ForbiddenException({ code: 'NOT_YOUR_BANK', message: `${caller.code} may read only its own batches` });
  }
}
