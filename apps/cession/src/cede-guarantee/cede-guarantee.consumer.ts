import { LoansDecidedV2, loansDecidedV2 } from '@g2g/contracts';
import { Consume, G2gContext, IncomingMessage } from '@g2g/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { cedeGuarantees } from './cede-guarantee';

@Controller()
export class CedeGuaranteeConsumer {
  @Consume(loansDecidedV2.topic, { consumer: 'cession.cede-guarantees', batchSize: 1 })
  async onDecided(@Payload() messages: IncomingMessage<LoansDecidedV2>[], @Ctx() ctx: G2gContext) {
    await cedeGuarantees(ctx.tx, messages.map((m) => m.value), new Date());
  }
}
