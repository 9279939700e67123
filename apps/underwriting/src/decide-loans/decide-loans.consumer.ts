import { LoanFiledV1, loanFiledV1 } from '@g2g/contracts';
import { Consume, G2gContext, IncomingMessage } from '@g2g/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { decideLoans } from './decide-loans';

@Controller()
export class DecideLoansConsumer {
  @Consume(loanFiledV1.topic, { consumer: 'underwriting.decide-loans' })
  async onLoansFiled(@Payload() messages: IncomingMessage<LoanFiledV1>[], @Ctx() ctx: G2gContext) {
    await decideLoans(ctx.tx, messages.map((m) => m.value), new Date());
  }
}
