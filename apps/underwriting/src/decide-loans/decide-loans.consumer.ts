import { LoanFiledV1, loanFiledV1 } from '@g2g/contracts';
import { Consume, G2gContext, IncomingMessage } from '@g2g/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { describeError } from '@g2g/event-store';
import { decideLoans, rejectUnprocessable } from './decide-loans';

@Controller()
export class DecideLoansConsumer {
  @Consume(loanFiledV1.topic, { consumer: 'underwriting.decide-loans', answersPoison: true })
  async onLoansFiled(@Payload() messages: IncomingMessage<LoanFiledV1>[], @Ctx() ctx: G2gContext) {
    const filings = messages.map((m) => m.value);
    if (ctx.poisoned !== undefined) return rejectUnprocessable(ctx.tx, filings, describeError(ctx.poisoned), new Date());
    await decideLoans(ctx.tx, filings, new Date());
  }
}
