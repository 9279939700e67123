import { GuaranteeIssuedV1, guaranteeIssuedV1 } from '@g2g/contracts';
import { Consume, G2gContext, IncomingMessage } from '@g2g/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { cedeGuarantees } from './cede-guarantee';

@Controller()
export class CedeGuaranteeConsumer {
  @Consume(guaranteeIssuedV1.topic, { consumer: 'cession.cede-guarantees' })
  async onIssued(@Payload() messages: IncomingMessage<GuaranteeIssuedV1>[], @Ctx() ctx: G2gContext) {
    await cedeGuarantees(ctx.tx, messages.map((m) => m.value));
  }
}
