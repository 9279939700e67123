import { GuaranteeIssuedV1, LoanRejectedV1, ServicingFiledV1, guaranteeIssuedV1, loanRejectedV1, servicingFiledV1 } from '@g2g/contracts';
import { Consume, G2gContext, IncomingMessage } from '@g2g/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { describeError } from '@g2g/event-store';
import { decideServicing, recordGuarantees, rejectServicingUnprocessable } from './decide-servicing';

const consumer = 'compensation.servicing';
const extras = { consumer, answersPoison: true };

/** One consumer for the loans' lifecycle, so that a loan's decisions and its rows share one inbox. */
@Controller()
export class CompensationConsumers {
  @Consume(guaranteeIssuedV1.topic, extras)
  async issued(@Payload() messages: IncomingMessage<GuaranteeIssuedV1>[], @Ctx() ctx: G2gContext) {
    if (ctx.poisoned !== undefined) throw ctx.poisoned; // an issued guarantee has no outcome to give: parked for operators
    await recordGuarantees(ctx.tx, messages.map((m) => m.value), [], new Date());
  }

  @Consume(loanRejectedV1.topic, extras)
  async rejected(@Payload() messages: IncomingMessage<LoanRejectedV1>[], @Ctx() ctx: G2gContext) {
    if (ctx.poisoned !== undefined) throw ctx.poisoned;
    await recordGuarantees(ctx.tx, [], messages.map((m) => m.value), new Date());
  }

  @Consume(servicingFiledV1.topic, extras)
  async filed(@Payload() messages: IncomingMessage<ServicingFiledV1>[], @Ctx() ctx: G2gContext) {
    if (ctx.poisoned !== undefined) return rejectServicingUnprocessable(ctx.tx, messages.map((m) => m.value), describeError(ctx.poisoned), new Date());
    await decideServicing(ctx.tx, messages.map((m) => m.value), new Date());
  }
}
