import { Allow, Answers, Caller, CallerOf } from '@g2g/platform';
import { BadRequestException, Controller, ForbiddenException, Headers, HttpException, Param, Put, Query, Req, Res, UnsupportedMediaTypeException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { BatchFormat } from './batch-parser';
import { BATCH_REF, BATCH_REF_RULE } from './batch-kinds';
import { BatchKindName, FileBatch, FileResult } from './file-batch';

/**
 * Path segment of each batch kind: `PUT /banks/{bank}/{segment}/{batchRef}` with the file as the body.
 * A Map, never an object index: `constructor`, `__proto__` or `toString` name no kind.
 */
const KIND_OF_SEGMENT: ReadonlyMap<string, BatchKindName> = new Map<string, BatchKindName>([
  ['batches', 'loans'],
  ['repayments', 'repayments'],
  ['claims', 'claims'],
  ['recoveries', 'recoveries'],
]);

/** The path segment of each kind (docs/openapi.yaml documents the paths of each one of them). */
export const BATCH_SEGMENTS: readonly string[] = [...KIND_OF_SEGMENT.keys()];

/**
 * The batch kind a path segment names, or undefined for any other segment. Like every route of the
 * platform it matches whatever its case (`/BANKS/ICBC/Repayments/...` is `/banks/ICBC/repayments/...`).
 */
export function kindOfSegment(segment: string): BatchKindName | undefined {
  return KIND_OF_SEGMENT.get(segment.toLowerCase());
}

/** Every status a refused upload is answered with: a Record, so that tsc fails when FileResult gains one not listed. */
const REFUSED: Record<Extract<FileResult, { kind: 'refused' }>['status'], true> = { 400: true, 404: true, 408: true, 409: true, 422: true, 503: true };

/**
 * A bank files a batch: loans (`/banks/{bank}/batches/{ref}?programme=...`), repayments, claims or
 * recoveries (`/banks/{bank}/repayments/{ref}`, ...). A bank files only as itself.
 */
@Controller('banks/:bank')
export class BatchController {
  constructor(private readonly filing: FileBatch) {}

  @Put(':segment/:batchRef')
  @Allow('bank')
  // 202 a new batch (200 the same bytes again), 400 and 415 a request it cannot take
  @Answers(202, 400, 415, ...Object.keys(REFUSED).map(Number))
  async file(
    @Param('bank') bank: string,
    @Param('segment') segment: string,
    @Param('batchRef') batchRef: string,
    @Query('programme') programme: string | undefined,
    @Query('format') formatParam: string | undefined,
    @Headers('content-type') contentType: string | undefined,
    @CallerOf() caller: Caller,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const refuse = (error: HttpException): never => {
      req.resume();
      throw error;
    };
    const kind = kindOfSegment(segment) ?? refuse(new BadRequestException({ code: 'UNKNOWN_BATCH_KIND', message: `file to /banks/${bank}/batches, /repayments, /claims or /recoveries` }));
    if (caller.code !== bank) refuse(new ForbiddenException({ code: 'NOT_YOUR_BANK', message: `${caller.code} may file only as itself, not as ${bank}` }));
    if (!BATCH_REF.test(batchRef)) {
      refuse(new BadRequestException({ code: 'BAD_BATCH_REF', message: BATCH_REF_RULE }));
    }
    if (kind === 'loans' && !programme) refuse(new BadRequestException({ code: 'NO_PROGRAMME', message: 'name the programme: ?programme=...' }));
    const format = formatOf(formatParam, contentType);
    if (!format) refuse(new UnsupportedMediaTypeException({ code: 'UNKNOWN_FORMAT', message: 'send text/csv or application/x-ndjson, or say ?format=csv|jsonl' }));
    // An answer given before the whole body was read (a stalled or refused upload) closes the
    // connection after it, rather than leaving the client's bytes unread on it.
    res.once('finish', () => {
      if (!req.complete) req.destroy();
    });
    const result = await this.filing.file({ bank, kind, batchRef, programme: kind === 'loans' ? programme! : null, format: format! }, req, () => new Date());
    if (result.kind === 'refused') {
      if (result.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(result.retryAfterSeconds));
      if (!req.complete) res.setHeader('connection', 'close');
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
