import { Database } from '@g2g/event-store';
import { Allow, Caller, CallerOf, isBootstrapOperator, participantOn } from '@g2g/platform';
import { Controller, Get } from '@nestjs/common';
import { SCHEMA } from '../record-log/record-log.consumer';

/**
 * `GET /whoami`: the participant a key stands for (code, kind, name, key id), for clients that
 * sign a person in with a key and show them what their kind of participant may see.
 */
@Controller('whoami')
export class WhoAmIController {
  constructor(private readonly db: Database) {}

  @Get()
  @Allow('bank', 'guarantor', 'reguarantor', 'fund', 'regulator', 'operator')
  async whoAmI(@CallerOf() caller: Caller) {
    const participant = isBootstrapOperator(caller) ? null : await participantOn(this.db, SCHEMA, caller.code);
    return { code: caller.code, kind: caller.kind, name: participant?.name ?? (isBootstrapOperator(caller) ? 'bootstrap operator' : caller.code), key_id: caller.keyId };
  }
}
