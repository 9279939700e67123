import { LoansFiledV2, loansFiledV2 } from '@g2g/contracts';
import { describeError } from '@g2g/event-store';
import { Consume, G2gContext, IncomingMessage } from '@g2g/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { UNPROCESSABLE_ANSWER_COPIES, decideLoanChunks, rejectUnprocessable } from './decide-loans';

@Controller()
export class DecideLoansConsumer {
  // a message is a chunk of up to 1,000 loans: one per transaction
  @Consume(loansFiledV2.topic, { consumer: 'underwriting.decide-loans', answersPoison: true, answerCopies: UNPROCESSABLE_ANSWER_COPIES, batchSize: 1 })
  async onLoansFiled(@Payload() messages: IncomingMessage<LoansFiledV2>[], @Ctx() ctx: G2gContext) {
    const chunks = messages.map((m) => m.value);
    if (ctx.poisoned !== undefined) return rejectUnprocessable(ctx.tx, chunks, describeError(ctx.poisoned), new Date());
    await decideLoanChunks(ctx.tx, chunks, new Date());
  }
}
