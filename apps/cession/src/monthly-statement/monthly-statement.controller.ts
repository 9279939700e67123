import { formatYuan } from '@g2g/domain';
import { Database } from '@g2g/event-store';
import { Allow, Caller, CallerOf, validated } from '@g2g/platform';
import { Controller, ForbiddenException, Get, Param } from '@nestjs/common';
import { GuaranteesCededV2 } from '@g2g/contracts';
import { SCHEMA, store } from '../cede-guarantee/cede-guarantee';
import { StatementPath } from './statement-path';

/**
 * The statement of loans ceded to a re-guarantor (or the Fund) in a month, by business date: the
 * batch a provincial re-guarantor reports to the Fund.
 */
@Controller('statements')
export class MonthlyStatementController {
  constructor(private readonly db: Database) {}

  @Get(':participant/:month')
  @Allow('reguarantor', 'fund', 'regulator', 'operator')
  async statement(@Param(validated(StatementPath)) { participant, month }: StatementPath, @CallerOf() caller: Caller) {
    if ((caller.kind === 'reguarantor' || caller.kind === 'fund') && caller.code !== participant) {
      throw new ForbiddenException({ code: 'NOT_YOURS', message: `${caller.code} may read only its own statements` });
    }
    const chunks = await this.db.query<{ stream_id: string }>(
      `select stream_id from ${SCHEMA}.cession_chunks where participant = $1 and statement_month = $2`,
      [participant, month],
    );
    const rows: Record<string, string>[] = [];
    for (const { stream_id } of chunks) {
      for (const e of await store.readStream(this.db, stream_id)) {
        const d = e.data as GuaranteesCededV2;
        const part = d.parts.find((p) => p.participant === participant);
        if (!part) continue;
        d.guarantees.loanId.forEach((loanId, i) => {
          if (part.riskFen[i] === '' || !d.guarantees.cededOn[i].startsWith(month)) return;
          rows.push({
            guarantee_id: `${d.bank}/${loanId}`,
            programme: d.programme,
            bank: d.bank,
            loan_id: loanId,
            guarantor: d.guarantees.guarantor[i],
            principal_fen: d.guarantees.principalFen[i],
            risk_fen: part.riskFen[i],
            fee_pct: d.guarantees.feePct[i],
            fee_fen: part.feeFen[i],
            term_days: String(d.guarantees.termDays[i]),
            ceded_on: d.guarantees.cededOn[i],
          });
        });
      }
    }
    rows.sort((a, b) => (a.ceded_on < b.ceded_on ? -1 : a.ceded_on > b.ceded_on ? 1 : a.guarantee_id < b.guarantee_id ? -1 : a.guarantee_id > b.guarantee_id ? 1 : 0));
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
        fee_pct: r.fee_pct,
        reguarantee_fee: formatYuan(BigInt(r.fee_fen)),
        term_days: Number(r.term_days),
        ceded_on: r.ceded_on,
      })),
    };
  }
}
