import { LoanOutcomesV2, ServicingDecidedV2, loanOutcomesV2, servicingDecidedV2 } from '@g2g/contracts';
import { EventStore, Sql } from '@g2g/event-store';
import { Consume, G2gContext, IncomingMessage } from '@g2g/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { BatchKindName, SCHEMA } from '../file-batch/batch-kinds';
import { OutcomesRecordedV1, applyIntakeEvents } from '../projection/intake-projection';

const consumer = 'intake.outcomes';
const store = new EventStore(SCHEMA);
const BATCH_KIND: Record<ServicingDecidedV2['kind'], BatchKindName> = { repayment: 'repayments', claim: 'claims', recovery: 'recoveries' };

/** Underwriting's and compensation's decisions of a chunk become the outcomes of the rows they came from. */
@Controller()
export class RecordOutcomesConsumer {
  @Consume(loanOutcomesV2.topic, { consumer })
  async loans(@Payload() messages: IncomingMessage<LoanOutcomesV2>[], @Ctx() ctx: G2gContext) {
    await recordOutcomes(
      ctx.tx,
      messages.map((m) => ({ id: m.id, outcomes: { bank: m.value.bank, kind: 'loans', batchRef: m.value.batchRef, firstRow: m.value.firstRow, row: m.value.row, codes: m.value.codes } })),
    );
  }

  @Consume(servicingDecidedV2.topic, { consumer })
  async servicing(@Payload() messages: IncomingMessage<ServicingDecidedV2>[], @Ctx() ctx: G2gContext) {
    await recordOutcomes(
      ctx.tx,
      messages.map((m) => ({
        id: m.id,
        outcomes: { bank: m.value.bank, kind: BATCH_KIND[m.value.kind], batchRef: m.value.batchRef, firstRow: m.value.firstRow, row: m.value.row, codes: m.value.codes },
      })),
    );
  }
}

/** Records each decided chunk's outcomes as an event of intake's own, and applies it. */
export async function recordOutcomes(tx: Sql, decided: readonly { id: string; outcomes: OutcomesRecordedV1 }[]): Promise<void> {
  if (decided.length === 0) return;
  const events = decided.map((d) => ({ type: 'intake.outcomes-recorded.v1', data: d.outcomes }));
  // one stream per message: a message is applied once (the inbox), and the projection keeps the first outcome of a row
  await store.append(
    tx,
    decided.map((d, i) => ({ streamId: `outcomes:${d.outcomes.kind}:${d.outcomes.bank}:${d.outcomes.batchRef}:${d.outcomes.firstRow}:${d.id}`, expected: 'no_stream' as const, events: [events[i]] })),
  );
  await applyIntakeEvents(tx, events);
}
