import { LoansDecidedV2, ServicingFiledV2, loansDecidedV2, servicingFiledV2 } from '@g2g/contracts';
import { describeError } from '@g2g/event-store';
import { Consume, G2gContext, IncomingMessage } from '@g2g/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { SERVICING_ANSWER_COPIES, decideServicing, recordGuarantees, rejectServicingUnprocessable } from './decide-servicing';

const consumer = 'compensation.servicing';
// one consumer for the loans' lifecycle, so that a loan's record and its rows share one inbox; a chunk per transaction
const extras = { consumer, answersPoison: true, batchSize: 1 };

@Controller()
export class CompensationConsumers {
  @Consume(loansDecidedV2.topic, extras)
  async decided(@Payload() messages: IncomingMessage<LoansDecidedV2>[], @Ctx() ctx: G2gContext) {
    if (ctx.poisoned !== undefined) throw ctx.poisoned; // a decision has no outcome to give: parked for operators
    await recordGuarantees(ctx.tx, messages.map((m) => m.value), new Date());
  }

  @Consume(servicingFiledV2.topic, { ...extras, answerCopies: SERVICING_ANSWER_COPIES })
  async filed(@Payload() messages: IncomingMessage<ServicingFiledV2>[], @Ctx() ctx: G2gContext) {
    if (ctx.poisoned !== undefined) return rejectServicingUnprocessable(ctx.tx, messages.map((m) => m.value), describeError(ctx.poisoned), new Date());
    await decideServicing(ctx.tx, messages.map((m) => m.value), new Date());
  }
}
