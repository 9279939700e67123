import { Database } from '@g2g/event-store';
import { Allow, Caller, CallerOf, cursorParam, sequenceParam } from '@g2g/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { SCHEMA } from '../record-log/record-log.consumer';

/**
 * A participant's feed (guarantors, re-guarantors, the Fund, banks): the approval, cession, claim
 * and recovery messages of the guarantees it is a party to, and its programmes' suspensions and
 * resumptions, in log order; `after` is the cursor (the `seq` of the last message read).
 */
@Controller('feed')
export class FeedController {
  constructor(private readonly db: Database) {}

  @Get()
  @Allow('guarantor', 'reguarantor', 'fund', 'bank')
  async read(@CallerOf() caller: Caller, @Query('after') after: string | undefined, @Query('limit') limit: string | undefined) {
    const take = cursorParam('limit', limit, 500, 5_000, 1);
    const from = sequenceParam('after', after).toString();
    // ordered by the bigint column itself (an alias of seq::text would sort as text: '10000' < '2001')
    const rows = await this.db.query<{ seq_text: string; topic: string; key: string; value: unknown; recorded_at: Date }>(
      `select f.seq::text as seq_text, f.topic, f.key, f.value, f.recorded_at from ${SCHEMA}.r_feed f
        where f.participant = $1 and f.seq > $2::bigint order by f.seq limit $3`,
      [caller.code, from, take],
    );
    return {
      participant: caller.code,
      messages: rows.map((r) => ({ seq: Number(r.seq_text), topic: r.topic, key: r.key, value: r.value, recorded_at: r.recorded_at })),
      next: rows.length > 0 ? Number(rows[rows.length - 1].seq_text) : Number(from),
    };
  }
}
