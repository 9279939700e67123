import { GuaranteeIssuedV1, LoanRejectedV1, ServicingDecidedV1, guaranteeIssuedV1, loanRejectedV1, servicingDecidedV1 } from '@g2g/contracts';
import { Sql } from '@g2g/event-store';
import { Consume, G2gContext, IncomingMessage } from '@g2g/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { BatchKindName, SCHEMA } from '../file-batch/file-batch';

const consumer = 'intake.outcomes';
const BATCH_KIND: Record<ServicingDecidedV1['kind'], BatchKindName> = { repayment: 'repayments', claim: 'claims', recovery: 'recoveries' };

/** Underwriting's and compensation's decisions become the outcomes of the batch rows they came from. */
@Controller()
export class RecordOutcomesConsumer {
  @Consume(guaranteeIssuedV1.topic, { consumer })
  async issued(@Payload() messages: IncomingMessage<GuaranteeIssuedV1>[], @Ctx() ctx: G2gContext) {
    await recordOutcomes(ctx.tx, messages.map((m) => ({ ...m.value, kind: 'loans', outcome: 'approved', codes: [] })));
  }

  @Consume(loanRejectedV1.topic, { consumer })
  async rejected(@Payload() messages: IncomingMessage<LoanRejectedV1>[], @Ctx() ctx: G2gContext) {
    await recordOutcomes(ctx.tx, messages.map((m) => ({ ...m.value, kind: 'loans', outcome: 'rejected' })));
  }

  @Consume(servicingDecidedV1.topic, { consumer })
  async servicing(@Payload() messages: IncomingMessage<ServicingDecidedV1>[], @Ctx() ctx: G2gContext) {
    await recordOutcomes(ctx.tx, messages.map((m) => ({ ...m.value, kind: BATCH_KIND[m.value.kind] })));
  }
}

export async function recordOutcomes(tx: Sql, decisions: { bank: string; kind: BatchKindName; batchRef: string; row: number; outcome: string; codes: string[] }[]) {
  await tx.query(
    `with decided as (
       update ${SCHEMA}.batch_rows r set outcome = d.o, codes = string_to_array(d.c, ',')
         from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[]) as d(b, k, f, n, o, c)
        where r.bank = d.b and r.kind = d.k and r.batch_ref = d.f and r.row = d.n and r.outcome = 'pending'
       returning r.bank, r.kind, r.batch_ref, r.outcome
     ), counts as (
       select bank, kind, batch_ref,
              count(*) filter (where outcome = 'approved') as a,
              count(*) filter (where outcome = 'accepted') as c,
              count(*) filter (where outcome = 'rejected') as j
         from decided group by bank, kind, batch_ref
     )
     update ${SCHEMA}.batches b set approved = approved + counts.a, accepted = accepted + counts.c, rejected = rejected + counts.j
       from counts where b.bank = counts.bank and b.kind = counts.kind and b.batch_ref = counts.batch_ref`,
    [
      decisions.map((d) => d.bank),
      decisions.map((d) => d.kind),
      decisions.map((d) => d.batchRef),
      decisions.map((d) => d.row),
      decisions.map((d) => d.outcome),
      decisions.map((d) => d.codes.join(',')),
    ],
  );
}
