import { LIST_ID_PATTERN, businessDateProblem } from '@g2g/domain';
import { Database } from '@g2g/event-store';
import { Allow, Answers, Caller, CallerOf, Check, problem, validated } from '@g2g/platform';
import { BadRequestException, Controller, Get, Headers, HttpCode, HttpException, Param, Post, Query, Req, Res, UnsupportedMediaTypeException } from '@nestjs/common';
import { IsOptional } from 'class-validator';
import type { Request, Response } from 'express';
import { CheckedRow, checkAgainstLists } from './check-lists';
import { BatchFormat, BatchFormatError, Spooled, formatOf, spool } from './list-files';
import { listsAndVersions, publishList } from './publish-list';

const text = (v: unknown): v is string => typeof v === 'string';
const businessDate = (v: unknown) => text(v) && businessDateProblem(v) === null;
const DATE_RULE = 'a date YYYY-MM-DD from 1900-01-01 to 2199-12-31';

/** `POST /lists/{id}/versions`: the version's header beside its file, as a batch's header travels beside it. */
export class ListVersionParams {
  @Check((v) => text(v) && v.trim().length > 0 && v.length <= 200, problem('BAD_LIST', 'name: the list\'s name, 1-200 characters'))
  name!: string;

  @Check((v) => text(v) && v.trim().length > 0 && v.length <= 200, problem('BAD_LIST', 'authority: who issued the list, 1-200 characters'))
  authority!: string;

  @Check(businessDate, problem('BAD_LIST', `effective_from: ${DATE_RULE}`))
  effective_from!: string;

  @IsOptional()
  @Check((v, q: ListVersionParams) => businessDate(v) && !(businessDate(q.effective_from) && v < q.effective_from), problem('BAD_LIST', `effective_to: ${DATE_RULE}, not before effective_from`))
  effective_to?: string;

  @IsOptional()
  @Check((v) => v === 'csv' || v === 'jsonl', problem('UNKNOWN_FORMAT', 'format: csv or jsonl'))
  format?: string;
}

/** `POST /lists/check`: the date each borrower is checked on when its row has no `disbursed_on`. */
export class ListCheckParams {
  @IsOptional()
  @Check(businessDate, problem('BAD_DATE', `on: ${DATE_RULE}`))
  on?: string;

  @IsOptional()
  @Check((v) => v === 'csv' || v === 'jsonl', problem('UNKNOWN_FORMAT', 'format: csv or jsonl'))
  format?: string;
}

/** Today in China (UTC+8): business dates are China's. */
const chinaToday = (now: Date) => new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * Recommended lists (白名单, 推荐名单): operators and regulators publish versions of them; any
 * participant reads them and checks a file of borrowers against them (docs/adr/0018).
 */
@Controller('lists')
export class ListsController {
  constructor(private readonly db: Database) {}

  @Get()
  @Allow('operator', 'bank', 'guarantor', 'reguarantor', 'fund', 'regulator')
  async lists() {
    return listsAndVersions(this.db);
  }

  @Post(':id/versions')
  @Allow('operator', 'regulator')
  @Answers(400, 415, 422)
  async publish(
    @Param('id') id: string,
    @Query(validated(ListVersionParams)) params: ListVersionParams,
    @Headers('content-type') contentType: string | undefined,
    @CallerOf() caller: Caller,
    @Req() req: Request,
  ) {
    const refuse = (error: HttpException): never => {
      req.resume();
      throw error;
    };
    if (!LIST_ID_PATTERN.test(id)) refuse(new BadRequestException({ code: 'BAD_LIST', message: 'the list id: a letter or digit, then letters, digits, . _ or -, at most 64' }));
    const format = formatOf(params.format, contentType) ?? refuse(new UnsupportedMediaTypeException({ code: 'UNKNOWN_FORMAT', message: 'send text/csv or application/x-ndjson, or say ?format=csv|jsonl' }));
    const file = await spool(req);
    try {
      const header = { list: id, name: params.name.trim(), authority: params.authority.trim(), effectiveFrom: params.effective_from, effectiveTo: params.effective_to ?? null };
      const result = await publishList(this.db, header, file, format, caller, new Date());
      if (!result.ok) throw new HttpException({ code: result.code, message: result.message, ...(result.errors ? { errors: result.errors } : {}) }, result.status);
      return result.value;
    } finally {
      await file.remove();
    }
  }

  @Post('check')
  @HttpCode(200)
  @Allow('operator', 'bank', 'guarantor', 'reguarantor', 'fund', 'regulator')
  @Answers(400, 415)
  async check(@Query(validated(ListCheckParams)) params: ListCheckParams, @Headers('content-type') contentType: string | undefined, @Req() req: Request, @Res() res: Response) {
    const format = formatOf(params.format, contentType);
    if (!format) {
      req.resume();
      throw new UnsupportedMediaTypeException({ code: 'UNKNOWN_FORMAT', message: 'send text/csv or application/x-ndjson, or say ?format=csv|jsonl' });
    }
    const file = await spool(req);
    try {
      await this.answer(file, format, params.on ?? chinaToday(new Date()), res);
    } finally {
      await file.remove();
    }
  }

  /** One JSON line per row, written as the rows are checked; a file that cannot be read at all is a 400 before any. */
  private async answer(file: Spooled, format: BatchFormat, on: string, res: Response): Promise<void> {
    const pieces = checkAgainstLists(this.db, file, format, on);
    let first: IteratorResult<CheckedRow[]>;
    try {
      first = await pieces.next();
    } catch (error) {
      if (error instanceof BatchFormatError) throw new BadRequestException({ code: error.code, message: error.message });
      throw error;
    }
    res.status(200).setHeader('content-type', 'application/x-ndjson; charset=utf-8');
    // a client that reads slowly holds the reading back; one that went away ends it
    const write = (rows: CheckedRow[]) =>
      new Promise<void>((resolve) => {
        if (res.write(rows.map((r) => `${JSON.stringify(r)}\n`).join(''))) return resolve();
        res.once('drain', resolve);
        res.once('close', resolve);
      });
    try {
      if (!first.done) await write(first.value);
      for await (const rows of pieces) {
        if (res.destroyed) break;
        await write(rows);
      }
    } catch (error) {
      // the rows so far are answered; what stopped the reading is the last line
      if (!(error instanceof BatchFormatError)) throw error;
      res.write(`${JSON.stringify({ error: { code: error.code, message: error.message } })}\n`);
    }
    res.end();
  }
}
