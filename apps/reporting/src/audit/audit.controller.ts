import { Database } from '@g2g/event-store';
import { Allow } from '@g2g/platform';
import { Controller, Get } from '@nestjs/common';
import { audit } from './audit';

/** `GET /audit` (operator, regulator): invariants and figures recomputed from the events alone. */
@Controller('audit')
export class AuditController {
  constructor(private readonly db: Database) {}

  @Get()
  @Allow('operator', 'regulator')
  async run() {
    return audit(this.db);
  }
}
