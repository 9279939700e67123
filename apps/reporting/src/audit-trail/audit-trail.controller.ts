import { Database } from '@g2g/event-store';
import { Allow, validated } from '@g2g/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { auditTrail } from './audit-trail';
import { AuditTrailParams } from './audit-trail-params';

/**
 * `GET /audit-trail` (operator, regulator): every operator action of every service, with who did
 * it (participant code, OPERATOR for the bootstrap key, and the key id) and when.
 */
@Controller('audit-trail')
export class AuditTrailController {
  constructor(private readonly db: Database) {}

  @Get()
  @Allow('operator', 'regulator')
  async read(@Query(validated(AuditTrailParams)) q: AuditTrailParams) {
    return auditTrail(this.db, q.query());
  }
}
