import {
  claimPaidV1,
  guaranteeCededV1,
  guaranteeIssuedV1,
  guaranteeRepaidV1,
  loanFiledV1,
  loanRejectedV1,
  operatorActionRecordedV1,
  programmeResumedV1,
  programmeSuspendedV1,
  recoverySharedV1,
} from '@g2g/contracts';
import { EventStore, StreamAppend } from '@g2g/event-store';
import { operatorActionStream } from '@g2g/platform';
import { Consume, G2gContext, IncomingMessage } from '@g2g/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';

export const SCHEMA = 'reporting';
const consumer = 'reporting.log';
export const store = new EventStore(SCHEMA);

/**
 * The services whose operators' actions reporting keeps in its audit trail. Every service that
 * may publish them is listed (a topic nobody writes yet costs nothing), so a service that starts
 * recording its operators' actions needs no change here. Reporting records its own directly.
 */
export const OPERATOR_ACTION_TOPICS = ['intake', 'underwriting', 'cession', 'compensation'].map((s) => operatorActionRecordedV1.topic(s));

type Logged = { stream: (v: any) => string; businessDate: (v: any) => string; recordedAt: (v: any) => string };
const operatorAction: Logged = { stream: operatorActionStream, businessDate: () => '', recordedAt: (v) => v.recordedAt };

/** Per topic: the stream a message belongs to, its business date and the time the platform recorded it. */
export const LOGGED: Record<string, Logged> = {
  [loanFiledV1.topic]: { stream: (v) => `guarantee:${v.guaranteeId}`, businessDate: (v) => v.disbursedOn, recordedAt: (v) => v.filedAt },
  [guaranteeIssuedV1.topic]: { stream: (v) => `guarantee:${v.guaranteeId}`, businessDate: (v) => v.issuedOn, recordedAt: (v) => v.decidedAt },
  [loanRejectedV1.topic]: { stream: (v) => `guarantee:${v.guaranteeId}`, businessDate: () => '', recordedAt: (v) => v.decidedAt },
  [guaranteeCededV1.topic]: { stream: (v) => `guarantee:${v.guaranteeId}`, businessDate: (v) => v.cededOn, recordedAt: () => '' },
  [guaranteeRepaidV1.topic]: { stream: (v) => `guarantee:${v.guaranteeId}`, businessDate: (v) => v.repaidOn, recordedAt: (v) => v.recordedAt },
  [claimPaidV1.topic]: { stream: (v) => `guarantee:${v.guaranteeId}`, businessDate: (v) => v.claimedOn, recordedAt: (v) => v.recordedAt },
  [recoverySharedV1.topic]: { stream: (v) => `guarantee:${v.guaranteeId}`, businessDate: (v) => v.recoveredOn, recordedAt: (v) => v.recordedAt },
  [programmeSuspendedV1.topic]: { stream: (v) => `programme:${v.programme}`, businessDate: (v) => v.suspendedOn, recordedAt: (v) => v.recordedAt },
  [programmeResumedV1.topic]: { stream: (v) => `programme:${v.programme}`, businessDate: (v) => v.resumedOn, recordedAt: (v) => v.recordedAt },
  ...Object.fromEntries(OPERATOR_ACTION_TOPICS.map((topic) => [topic, operatorAction])),
};

/**
 * Everything reporting hears is appended to its own event log, in the order received, with its
 * business date and recorded time; the projections are built from that log (and can be rebuilt).
 */
@Controller()
export class RecordLogConsumer {
  @Consume(loanFiledV1.topic, { consumer })
  async filed(@Payload() m: IncomingMessage[], @Ctx() ctx: G2gContext) {
    await record(ctx, m);
  }
  @Consume(guaranteeIssuedV1.topic, { consumer })
  async issued(@Payload() m: IncomingMessage[], @Ctx() ctx: G2gContext) {
    await record(ctx, m);
  }
  @Consume(loanRejectedV1.topic, { consumer })
  async rejected(@Payload() m: IncomingMessage[], @Ctx() ctx: G2gContext) {
    await record(ctx, m);
  }
  @Consume(guaranteeCededV1.topic, { consumer })
  async ceded(@Payload() m: IncomingMessage[], @Ctx() ctx: G2gContext) {
    await record(ctx, m);
  }
  @Consume(guaranteeRepaidV1.topic, { consumer })
  async repaid(@Payload() m: IncomingMessage[], @Ctx() ctx: G2gContext) {
    await record(ctx, m);
  }
  @Consume(claimPaidV1.topic, { consumer })
  async claimed(@Payload() m: IncomingMessage[], @Ctx() ctx: G2gContext) {
    await record(ctx, m);
  }
  @Consume(recoverySharedV1.topic, { consumer })
  async recovered(@Payload() m: IncomingMessage[], @Ctx() ctx: G2gContext) {
    await record(ctx, m);
  }
  @Consume(programmeSuspendedV1.topic, { consumer })
  async suspended(@Payload() m: IncomingMessage[], @Ctx() ctx: G2gContext) {
    await record(ctx, m);
  }
  @Consume(programmeResumedV1.topic, { consumer })
  async resumed(@Payload() m: IncomingMessage[], @Ctx() ctx: G2gContext) {
    await record(ctx, m);
  }
  @Consume(OPERATOR_ACTION_TOPICS, { consumer })
  async operatorActions(@Payload() m: IncomingMessage[], @Ctx() ctx: G2gContext) {
    await record(ctx, m);
  }
}

export async function record(ctx: Pick<G2gContext, 'tx'>, messages: IncomingMessage[]): Promise<void> {
  const streams = messages.map((m) => LOGGED[m.topic].stream(m.value));
  const versions = await store.versions(ctx.tx, streams);
  const appends: StreamAppend[] = [];
  const byStream = new Map<string, StreamAppend>();
  messages.forEach((m, i) => {
    const how = LOGGED[m.topic];
    const event = {
      type: m.topic,
      data: m.value,
      businessDate: how.businessDate(m.value) || null,
      metadata: { messageId: m.id, recordedAt: how.recordedAt(m.value) || m.headers['g2g-recorded-at'] || new Date().toISOString() },
    };
    const existing = byStream.get(streams[i]);
    if (existing) (existing.events as unknown[]).push(event);
    else {
      const v = versions.get(streams[i]) ?? 0;
      const a: StreamAppend = { streamId: streams[i], expected: v === 0 ? 'no_stream' : v, events: [event] };
      byStream.set(streams[i], a);
      appends.push(a);
    }
  });
  await store.append(ctx.tx, appends);
}
