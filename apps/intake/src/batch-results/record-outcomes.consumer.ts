import { GuaranteeIssuedV1, LoanRejectedV1, guaranteeIssuedV1, loanRejectedV1 } from '@g2g/contracts';
import { Sql } from '@g2g/event-store';
import { Consume, G2gContext, IncomingMessage } from '@g2g/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { SCHEMA } from '../file-loan-batch/file-loan-batch';

const consumer = 'intake.outcomes';

/** Underwriting's decisions become the outcomes of the batch rows they came from. */
@Controller()
export class RecordOutcomesConsumer {
  @Consume(guaranteeIssuedV1.topic, { consumer })
  async issued(@Payload() messages: IncomingMessage<GuaranteeIssuedV1>[], @Ctx() ctx: G2gContext) {
    await recordOutcomes(ctx.tx, messages.map((m) => ({ ...m.value, outcome: 'approved', codes: [] })));
  }

  @Consume(loanRejectedV1.topic, { consumer })
  async rejected(@Payload() messages: IncomingMessage<LoanRejectedV1>[], @Ctx() ctx: G2gContext) {
    await recordOutcomes(ctx.tx, messages.map((m) => ({ ...m.value, outcome: 'rejected' })));
  }
}

export async function recordOutcomes(tx: Sql, decisions: { bank: string; batchRef: string; row: number; outcome: string; codes: string[] }[]) {
  await tx.query(
    `with decided as (
       update ${SCHEMA}.batch_rows r set outcome = d.o, codes = string_to_array(d.c, ',')
         from unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[]) as d(b, f, n, o, c)
        where r.bank = d.b and r.batch_ref = d.f and r.row = d.n and r.outcome = 'pending'
       returning r.bank, r.batch_ref, r.outcome
     ), counts as (
       select bank, batch_ref, count(*) filter (where outcome = 'approved') as a, count(*) filter (where outcome = 'rejected') as j
         from decided group by bank, batch_ref
     )
     update ${SCHEMA}.batches b set approved = approved + counts.a, rejected = rejected + counts.j
       from counts where b.bank = counts.bank and b.batch_ref = counts.batch_ref`,
    [
      decisions.map((d) => d.bank),
      decisions.map((d) => d.batchRef),
      decisions.map((d) => d.row),
      decisions.map((d) => d.outcome),
      decisions.map((d) => d.codes.join(',')),
    ],
  );
}
