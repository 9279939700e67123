import { ProgrammeSuspendedV1, ServicingDecidedV2, programmeSuspendedV1, servicingDecidedV2 } from '@g2g/contracts';
import { Sql } from '@g2g/event-store';
import { Consume, G2gContext, IncomingMessage } from '@g2g/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { PrincipalFreedV1, applyBookEvents, bookStream, lockBook, store } from '../decide-loans/book-projection';

const consumer = 'underwriting.loan-lifecycle';

/**
 * What happens to a guarantee after issue frees its principal: accepted repayments and claims
 * lower the programme's, the bank's and the borrower's outstanding principal, as an event of the
 * programme's book (under its lock, like decisions); a tripped breaker suspends the programme.
 */
@Controller()
export class LoanLifecycleConsumer {
  @Consume(servicingDecidedV2.topic, { consumer, batchSize: 1 })
  async decided(@Payload() messages: IncomingMessage<ServicingDecidedV2>[], @Ctx() ctx: G2gContext) {
    for (const m of messages) await freePrincipal(ctx.tx, m.value, m.id);
  }

  @Consume(programmeSuspendedV1.topic, { consumer })
  async suspended(@Payload() messages: IncomingMessage<ProgrammeSuspendedV1>[], @Ctx() ctx: G2gContext) {
    for (const m of messages) {
      const book = await lockBook(ctx.tx, m.value.programme);
      const event = { type: 'underwriting.programme-suspended.v1', data: m.value, businessDate: m.value.suspendedOn };
      await store.append(ctx.tx, [{ streamId: bookStream(m.value.programme), expected: book.version === 0 ? 'no_stream' : book.version, events: [event] }]);
      await applyBookEvents(ctx.tx, [{ ...event, streamPosition: book.version + 1 }]);
    }
  }
}

/** The principal a chunk of servicing decisions freed, per programme: one book event each. */
export async function freePrincipal(tx: Sql, d: ServicingDecidedV2, source: string): Promise<void> {
  const byProgramme = new Map<string, Pick<PrincipalFreedV1, 'freed' | 'claims'>>();
  const of = (programme: string) => byProgramme.get(programme) ?? byProgramme.set(programme, { freed: [] }).get(programme)!;
  for (const r of d.repaid) of(r.programme).freed.push({ bank: d.bank, borrowerId: r.borrowerId, amountFen: r.amountFen });
  for (const c of d.claims) {
    const p = of(c.programme);
    p.freed.push({ bank: d.bank, borrowerId: c.borrowerId, amountFen: c.unpaidPrincipalFen });
    (p.claims ??= []).push({ guaranteeId: c.guaranteeId, overdueSince: c.overdueSince });
  }
  for (const [programme, part] of [...byProgramme].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const book = await lockBook(tx, programme);
    const event = { type: 'underwriting.principal-freed.v1', data: { programme, source, ...part } satisfies PrincipalFreedV1 };
    await store.append(tx, [{ streamId: bookStream(programme), expected: book.version === 0 ? 'no_stream' : book.version, events: [event] }]);
    await applyBookEvents(tx, [{ ...event, streamPosition: book.version + 1 }]);
  }
}
