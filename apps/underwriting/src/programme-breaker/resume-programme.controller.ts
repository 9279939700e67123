import { ProgrammeResumedV1, programmeResumedV1 } from '@g2g/contracts';
import { Database, enqueue } from '@g2g/event-store';
import { applyBookEvents, bookStream, lockBook, store } from '../decide-loans/book-projection';
import { Allow, Answers, Caller, CallerOf, operatorAction, recordOperatorActions, validated } from '@g2g/platform';
import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { SCHEMA } from '../publish-reference-data/publish-reference-data';
import { ResumeBody } from './resume-body';

/** An operator resumes a programme its breaker suspended; anyone may ask whether it is suspended. */
@Controller('programmes/:id')
export class ResumeProgrammeController {
  constructor(private readonly db: Database) {}

  @Post('resume')
  @HttpCode(200)
  @Allow('operator')
  @Answers(404)
  async resume(@Param('id') id: string, @Body(validated(ResumeBody)) body: ResumeBody, @CallerOf() caller: Caller) {
    const now = new Date();
    // business dates are China time (UTC+8)
    const resumedOn = body.resumed_on ?? new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    return this.db.transaction(async (tx) => {
      const [known] = await tx.query(`select 1 from ${SCHEMA}.programme_books where programme = $1`, [id]);
      if (!known) throw new NotFoundException({ code: 'UNKNOWN_PROGRAMME', message: `no programme ${id}` });
      const book = await lockBook(tx, id);
      const changed = book.suspended;
      if (changed) {
        const v: ProgrammeResumedV1 = { programme: id, resumedOn, recordedAt: now.toISOString() };
        const event = { type: 'underwriting.programme-resumed.v1', data: v, businessDate: resumedOn };
        await store.append(tx, [{ streamId: bookStream(id), expected: book.version === 0 ? 'no_stream' : book.version, events: [event] }]);
        await applyBookEvents(tx, [{ ...event, streamPosition: book.version + 1 }]);
        await enqueue(tx, SCHEMA, [{ topic: programmeResumedV1.topic, key: programmeResumedV1.key(v), value: v }]);
      }
      // recorded also when it was not suspended: the operator acted, and the trail says it changed nothing
      await recordOperatorActions(tx, SCHEMA, [operatorAction(SCHEMA, caller, 'programme-resumed', id, { resumedOn, changed }, now)]);
      return { programme: id, suspended: false, changed };
    });
  }

  @Get('status')
  @Allow('operator', 'bank', 'guarantor', 'reguarantor', 'fund', 'regulator')
  @Answers(404)
  async status(@Param('id') id: string) {
    const [book] = await this.db.query<{ suspended: boolean; outstanding: string }>(
      `select suspended, outstanding_fen::text as outstanding from ${SCHEMA}.programme_books where programme = $1`,
      [id],
    );
    if (!book) throw new NotFoundException({ code: 'UNKNOWN_PROGRAMME', message: `no programme ${id}` });
    return { programme: id, suspended: book.suspended };
  }
}
