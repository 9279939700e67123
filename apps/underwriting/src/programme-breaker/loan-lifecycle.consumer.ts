import { ClaimPaidV1, GuaranteeRepaidV1, ProgrammeSuspendedV1, claimPaidV1, guaranteeRepaidV1, programmeSuspendedV1 } from '@g2g/contracts';
import { EventStore, Sql } from '@g2g/event-store';
import { Consume, G2gContext, IncomingMessage } from '@g2g/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { SCHEMA } from '../publish-reference-data/publish-reference-data';

const consumer = 'underwriting.loan-lifecycle';
const store = new EventStore(SCHEMA);

/**
 * What happens to a guarantee after issue frees its principal: repayments and claims lower the
 * programme's, the bank's and the borrower's outstanding principal (under the programme book's
 * lock, like decisions); a tripped breaker suspends the programme.
 */
@Controller()
export class LoanLifecycleConsumer {
  @Consume(guaranteeRepaidV1.topic, { consumer })
  async repaid(@Payload() messages: IncomingMessage<GuaranteeRepaidV1>[], @Ctx() ctx: G2gContext) {
    await lowerOutstanding(ctx.tx, messages.map((m) => ({ guaranteeId: m.value.guaranteeId, amount: BigInt(m.value.amountFen) })));
  }

  @Consume(claimPaidV1.topic, { consumer })
  async claimed(@Payload() messages: IncomingMessage<ClaimPaidV1>[], @Ctx() ctx: G2gContext) {
    await lowerOutstanding(ctx.tx, messages.map((m) => ({ guaranteeId: m.value.guaranteeId, amount: BigInt(m.value.unpaidPrincipalFen) })));
  }

  @Consume(programmeSuspendedV1.topic, { consumer })
  async suspended(@Payload() messages: IncomingMessage<ProgrammeSuspendedV1>[], @Ctx() ctx: G2gContext) {
    for (const m of messages) {
      await ctx.tx.query(`insert into ${SCHEMA}.programme_books (programme, suspended) values ($1, true) on conflict (programme) do update set suspended = true`, [m.value.programme]);
      const stream = `book:${m.value.programme}`;
      const version = await store.version(ctx.tx, stream);
      await store.append(ctx.tx, [
        { streamId: stream, expected: version === 0 ? 'no_stream' : version, events: [{ type: 'underwriting.programme-suspended.v1', data: m.value, businessDate: m.value.suspendedOn }] },
      ]);
    }
  }
}

async function lowerOutstanding(tx: Sql, changes: { guaranteeId: string; amount: bigint }[]): Promise<void> {
  for (const c of changes) {
    const [loan] = await tx.query<{ programme: string; bank: string; borrower_id: string }>(
      `select programme, bank, borrower_id from ${SCHEMA}.loans where guarantee_id = $1 and outcome = 'approved'`,
      [c.guaranteeId],
    );
    if (!loan) throw new Error(`underwriting has no approved loan ${c.guaranteeId}`);
    await tx.query(`select 1 from ${SCHEMA}.programme_books where programme = $1 for update`, [loan.programme]);
    const amount = c.amount.toString();
    await tx.query(`update ${SCHEMA}.loans set outstanding_fen = outstanding_fen - $2 where guarantee_id = $1`, [c.guaranteeId, amount]);
    await tx.query(`update ${SCHEMA}.programme_books set outstanding_fen = outstanding_fen - $2 where programme = $1`, [loan.programme, amount]);
    await tx.query(`update ${SCHEMA}.bank_exposure set outstanding_fen = outstanding_fen - $3 where programme = $1 and bank = $2`, [loan.programme, loan.bank, amount]);
    await tx.query(`update ${SCHEMA}.borrower_exposure set outstanding_fen = outstanding_fen - $3 where programme = $1 and borrower_id = $2`, [loan.programme, loan.borrower_id, amount]);
  }
}
