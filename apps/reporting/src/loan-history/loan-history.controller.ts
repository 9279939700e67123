import { LoansDecidedV2, ServicingDecidedV2, claimPaidV1, guaranteeRepaidV1, guaranteesCededV2, loanRejectedV1, loansDecidedV2, recoverySharedV1, riskLabelledV1, risksLabelledV1, servicingDecidedV2 } from '@g2g/contracts';
import { Database, EVENT_COLUMNS, EventRow } from '@g2g/event-store';
import { Allow, Answers, Caller, CallerOf } from '@g2g/platform';
import { Controller, ForbiddenException, Get, NotFoundException, Param } from '@nestjs/common';
import { cededMessages, issuedMessages } from '../feeds/feed.controller';
import { SCHEMA, store } from '../record-log/record-log.consumer';
import { riskLabelMessages } from '../risk-labels/risk-labels';

interface HistoryEntry {
  event: string;
  business_date: string | null;
  recorded_at: string;
  data: unknown;
  /** where it sits in the log, for the order (a label: its decision's place, then its own) */
  at: [bigint, number] | [bigint, number, bigint];
}

/**
 * A loan's whole history: every fact reporting recorded of it (its decision, its cession, its
 * repayments, claim and recoveries), each with its business date and the time it was recorded,
 * rendered from the chunk events the read models point to.
 */
@Controller('loans/:bank/:loanId/history')
export class LoanHistoryController {
  constructor(private readonly db: Database) {}

  @Get()
  @Allow('bank', 'regulator', 'operator')
  @Answers(404)
  async history(@Param('bank') bank: string, @Param('loanId') loanId: string, @CallerOf() caller: Caller) {
    if (caller.kind === 'bank' && caller.code !== bank) throw new ForbiddenException({ code: 'NOT_YOUR_BANK', message: `${caller.code} may read only its own loans` });
    const id = `${bank}/${loanId}`;
    const positions = await this.db.query<{ position: string }>(
      `select position::text from ${SCHEMA}.r_guarantees where guarantee_id = $1
       union select position::text from ${SCHEMA}.r_rejections where guarantee_id = $1
       union select position::text from ${SCHEMA}.r_principal_changes where guarantee_id = $1
       union select position::text from ${SCHEMA}.r_recoveries where guarantee_id = $1
       union select position::text from ${SCHEMA}.r_risk_labels where guarantee_id = $1`,
      [id],
    );
    if (positions.length === 0) throw new NotFoundException({ code: 'UNKNOWN_LOAN', message: `no loan ${loanId} of ${bank}` });
    // its cession is in the ceded event of the chunk it was issued in
    const rows = await this.db.query<EventRow>(
      `select ${EVENT_COLUMNS} from ${SCHEMA}.events
        where global_position = any($1::bigint[])
           or global_position in (select c.position from ${SCHEMA}.r_chunks d join ${SCHEMA}.r_chunks c using (bank, batch_ref, first_row)
                                   where d.kind = 'decided' and c.kind = 'ceded' and d.position = any($1::bigint[]))`,
      [positions.map((p) => p.position)],
    );
    const entries: HistoryEntry[] = [];
    for (const r of rows) {
      const e = store.toStored(r);
      const recordedAt = String(e.metadata.recordedAt ?? e.recordedAt.toISOString());
      const add = (event: string, businessDate: string | null, data: unknown, k: number) => entries.push({ event, business_date: businessDate, recorded_at: recordedAt, data, at: [e.globalPosition, k] });
      if (e.type === loansDecidedV2.topic) {
        const d = e.data as LoansDecidedV2;
        const k = d.loanId.indexOf(loanId);
        const issued = issuedMessages(d, '').find((m) => m.k === k);
        if (issued) add('g2g.underwriting.guarantee-issued.v1', issued.value.issuedOn, issued.value, k);
        else if (k >= 0) add(loanRejectedV1.topic, null, { guaranteeId: id, bank, loanId, batchRef: d.batchRef, row: d.row[k], programme: d.programme, codes: d.codes[k], decidedAt: d.decidedAt }, k);
      } else if (e.type === guaranteesCededV2.topic) {
        for (const m of cededMessages(e.data, '')) if (m.value.guaranteeId === id) add('g2g.cession.guarantee-ceded.v1', m.value.cededOn, m.value, m.k);
      } else if (e.type === servicingDecidedV2.topic) {
        const d = e.data as ServicingDecidedV2;
        for (const { index, ...v } of d.repaid) if (v.guaranteeId === id) add(guaranteeRepaidV1.topic, v.repaidOn, v, index);
        for (const { index, ...v } of d.claims) if (v.guaranteeId === id) add(claimPaidV1.topic, v.claimedOn, v, index);
        for (const { index, ...v } of d.recoveries) if (v.guaranteeId === id) add(recoverySharedV1.topic, v.recoveredOn, v, index);
      } else if (e.type === risksLabelledV1.topic) {
        for (const m of riskLabelMessages(e.data, '')) if (m.value.guaranteeId === id) add(riskLabelledV1.topic, m.value.issuedOn, m.value, m.k);
      }
    }
    // a label goes right after the issue it labels: it reaches reporting by its own way, before or after the cession
    const issue = entries.find((x) => x.event === 'g2g.underwriting.guarantee-issued.v1');
    if (issue) for (const x of entries) if (x.event === riskLabelledV1.topic) x.at = [issue.at[0], issue.at[1], x.at[0]];
    const third = (x: HistoryEntry) => x.at[2] ?? -1n;
    entries.sort((a, b) => (a.at[0] !== b.at[0] ? (a.at[0] < b.at[0] ? -1 : 1) : a.at[1] !== b.at[1] ? a.at[1] - b.at[1] : third(a) < third(b) ? -1 : third(a) > third(b) ? 1 : 0));
    return { guarantee_id: id, events: entries.map(({ at: _at, ...e }) => e) };
  }
}
