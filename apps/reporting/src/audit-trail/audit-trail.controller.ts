import { Database } from '@g2g/event-store';
import { Allow } from '@g2g/platform';
import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { auditTrail, readAuditTrailQuery } from './audit-trail';

/**
 * `GET /audit-trail` (operator, regulator): every operator action of every service, with who did
 * it (participant code, OPERATOR for the bootstrap key, and the key id) and when.
 */
@Controller('audit-trail')
export class AuditTrailController {
  constructor(private readonly db: Database) {}

  @Get()
  @Allow('operator', 'regulator')
  async read(@Query() q: Record<string, string | undefined>) {
    const read = readAuditTrailQuery(q);
    if (!read.ok) throw new BadRequestException({ code: read.code, message: read.message });
    return auditTrail(this.db, read.query);
  }
}
