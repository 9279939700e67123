import { Database } from '@g2g/event-store';
import { Allow, Caller, CallerOf } from '@g2g/platform';
import { BadRequestException, Controller, ForbiddenException, Headers, HttpException, Param, Put, Query, Req, Res, UnsupportedMediaTypeException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { BatchFormat } from './batch-parser';
import { FileLoanBatch } from './file-loan-batch';

/** A bank files a loan batch: `PUT /banks/{bank}/batches/{batchRef}?programme=...` with the file as the body. */
@Controller('banks/:bank/batches')
export class BatchController {
  private readonly filing: FileLoanBatch;

  constructor(db: Database) {
    this.filing = new FileLoanBatch(db);
  }

  @Put(':batchRef')
  @Allow('bank')
  async file(
    @Param('bank') bank: string,
    @Param('batchRef') batchRef: string,
    @Query('programme') programme: string | undefined,
    @Query('format') formatParam: string | undefined,
    @Headers('content-type') contentType: string | undefined,
    @CallerOf() caller: Caller,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (caller.code !== bank) {
      req.resume();
      throw new ForbiddenException({ code: 'NOT_YOUR_BANK', message: `${caller.code} may file only as itself, not as ${bank}` });
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(batchRef)) {
      req.resume();
      throw new BadRequestException({ code: 'BAD_BATCH_REF', message: 'batch_ref: 1-100 letters, digits, dots, dashes or underscores' });
    }
    if (!programme) {
      req.resume();
      throw new BadRequestException({ code: 'NO_PROGRAMME', message: 'name the programme: ?programme=...' });
    }
    const format = formatOf(formatParam, contentType);
    if (!format) {
      req.resume();
      throw new UnsupportedMediaTypeException({ code: 'UNKNOWN_FORMAT', message: 'send text/csv or application/x-ndjson, or say ?format=csv|jsonl' });
    }
    const result = await this.filing.file({ bank, batchRef, programme, format }, req, () => new Date());
    if (result.kind === 'refused') {
      throw new HttpException({ code: result.code, message: result.message, ...(result.summary ? { batch: result.summary } : {}) }, result.status);
    }
    res.status(result.kind === 'filed' ? 202 : 200);
    return result.summary;
  }
}

function formatOf(param: string | undefined, contentType: string | undefined): BatchFormat | null {
  if (param === 'csv' || param === 'jsonl') return param;
  if (param) return null;
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type === 'application/x-ndjson' || type === 'application/jsonl' || type === 'application/x-jsonlines') return 'jsonl';
  return null;
}
