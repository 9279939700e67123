import { formatYuan } from '@g2g/domain';
import { Database } from '@g2g/event-store';
import { Allow, Caller, CallerOf } from '@g2g/platform';
import { BadRequestException, Controller, ForbiddenException, Get, Param } from '@nestjs/common';
import { SCHEMA } from '../cede-guarantee/cede-guarantee';

/**
 * The statement of loans ceded to a re-guarantor (or the Fund) in a month, by business date: the
 * batch a provincial re-guarantor reports to the Fund.
 */
@Controller('statements')
export class MonthlyStatementController {
  constructor(private readonly db: Database) {}

  @Get(':participant/:month')
  @Allow('reguarantor', 'fund', 'regulator', 'operator')
  async statement(@Param('participant') participant: string, @Param('month') month: string, @CallerOf() caller: Caller) {
    if ((caller.kind === 'reguarantor' || caller.kind === 'fund') && caller.code !== participant) {
      throw new ForbiddenException({ code: 'NOT_YOURS', message: `${caller.code} may read only its own statements` });
    }
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new BadRequestException({ code: 'BAD_MONTH', message: 'month: YYYY-MM' });
    const rows = await this.db.query<Record<string, string>>(
      `select guarantee_id, programme, bank, loan_id, guarantor, principal_fen::text, risk_fen::text, fee_pct::text, fee_fen::text,
              term_days, to_char(ceded_on, 'YYYY-MM-DD') as ceded_on
         from ${SCHEMA}.cessions where participant = $1 and statement_month = $2 order by ceded_on, guarantee_id`,
      [participant, month],
    );
    let risk = 0n;
    let fees = 0n;
    for (const r of rows) {
      risk += BigInt(r.risk_fen);
      fees += BigInt(r.fee_fen);
    }
    return {
      participant,
      month,
      loans: rows.length,
      risk: formatYuan(risk),
      reguarantee_fees: formatYuan(fees),
      lines: rows.map((r) => ({
        guarantee_id: r.guarantee_id,
        programme: r.programme,
        bank: r.bank,
        loan_id: r.loan_id,
        guarantor: r.guarantor,
        principal: formatYuan(BigInt(r.principal_fen)),
        risk: formatYuan(BigInt(r.risk_fen)),
        fee_pct: r.fee_pct.replace(/\.?0+$/, ''),
        reguarantee_fee: formatYuan(BigInt(r.fee_fen)),
        term_days: r.term_days,
        ceded_on: r.ceded_on,
      })),
    };
  }
}
