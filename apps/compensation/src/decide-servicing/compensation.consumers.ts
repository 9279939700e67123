import { GuaranteeIssuedV1, LoanRejectedV1, ServicingFiledV1, guaranteeIssuedV1, loanRejectedV1, servicingFiledV1 } from '@g2g/contracts';
import { Consume, G2gContext, IncomingMessage } from '@g2g/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { decideServicing, recordGuarantees } from './decide-servicing';

const consumer = 'compensation.servicing';

/** One consumer for the loans' lifecycle, so that a loan's decisions and its rows share one inbox. */
@Controller()
export class CompensationConsumers {
  @Consume(guaranteeIssuedV1.topic, { consumer })
  async issued(@Payload() messages: IncomingMessage<GuaranteeIssuedV1>[], @Ctx() ctx: G2gContext) {
    await recordGuarantees(ctx.tx, messages.map((m) => m.value), [], new Date());
  }

  @Consume(loanRejectedV1.topic, { consumer })
  async rejected(@Payload() messages: IncomingMessage<LoanRejectedV1>[], @Ctx() ctx: G2gContext) {
    await recordGuarantees(ctx.tx, [], messages.map((m) => m.value), new Date());
  }

  @Consume(servicingFiledV1.topic, { consumer })
  async filed(@Payload() messages: IncomingMessage<ServicingFiledV1>[], @Ctx() ctx: G2gContext) {
    await decideServicing(ctx.tx, messages.map((m) => m.value), new Date());
  }
}
