import {
  breakerApproachedV1,
  guaranteesCededV2,
  loansDecidedV2,
  operatorActionRecordedV1,
  programmeResumedV1,
  programmeSuspendedV1,
  releaseRemindersV1,
  risksLabelledV1,
  servicingDecidedV2,
} from '@g2g/contracts';
import { EventStore, NewEvent, StreamAppend } from '@g2g/event-store';
import { Consume, G2gContext, IncomingMessage } from '@g2g/messaging';
import { operatorActionStream } from '@g2g/platform';
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

type Logged = {
  stream: (v: any, id: string) => string;
  businessDate: (v: any) => string;
  recordedAt: (v: any) => string;
  /** the stream is named by the content (an action), so the same content under another message id goes after it */
  shared?: true;
};
const operatorAction: Logged = { stream: operatorActionStream, businessDate: () => '', recordedAt: (v) => v.recordedAt, shared: true };

/**
 * Per topic: the stream a message is kept in (one per chunk, or per message), its business date
 * and the time the platform recorded it. Only what a projection reads is kept: filed loans are not.
 */
export const LOGGED: Record<string, Logged> = {
  // chunk messages are kept as they came, unread (see RecordChunksConsumer): a stream each, named by the message
  [loansDecidedV2.topic]: { stream: (_v, id) => `chunk:${id}`, businessDate: () => '', recordedAt: () => '' },
  [guaranteesCededV2.topic]: { stream: (_v, id) => `chunk:${id}`, businessDate: () => '', recordedAt: () => '' },
  [servicingDecidedV2.topic]: { stream: (_v, id) => `chunk:${id}`, businessDate: () => '', recordedAt: () => '' },
  [risksLabelledV1.topic]: { stream: (_v, id) => `chunk:${id}`, businessDate: () => '', recordedAt: () => '' },
  [programmeSuspendedV1.topic]: { stream: (v, id) => `programme:${v.programme}:${id}`, businessDate: (v) => v.suspendedOn, recordedAt: (v) => v.recordedAt },
  [programmeResumedV1.topic]: { stream: (v, id) => `programme:${v.programme}:${id}`, businessDate: (v) => v.resumedOn, recordedAt: (v) => v.recordedAt },
  [breakerApproachedV1.topic]: { stream: (v, id) => `programme:${v.programme}:${id}`, businessDate: (v) => v.warnedOn, recordedAt: (v) => v.recordedAt },
  [releaseRemindersV1.topic]: { stream: (v, id) => `reminders:${v.bank}:${id}`, businessDate: (v) => v.remindedOn, recordedAt: (v) => v.recordedAt },
  ...Object.fromEntries(OPERATOR_ACTION_TOPICS.map((topic) => [topic, operatorAction])),
};

/**
 * Everything reporting projects is appended to its own event log as it came (the message's own
 * text), with its business date and recorded time; the projections are built from that log (and
 * can be rebuilt from it).
 */
/** The chunk messages: kept as the text they came in, never parsed here (the projection reads them). */
const chunks = { consumer: 'reporting.chunks', raw: true, batchSize: 4 };

@Controller()
export class RecordChunksConsumer {
  @Consume(loansDecidedV2.topic, chunks)
  async decided(@Payload() m: IncomingMessage[], @Ctx() ctx: G2gContext) {
    await record(ctx, m);
  }
  @Consume(guaranteesCededV2.topic, chunks)
  async ceded(@Payload() m: IncomingMessage[], @Ctx() ctx: G2gContext) {
    await record(ctx, m);
  }
  @Consume(servicingDecidedV2.topic, chunks)
  async servicing(@Payload() m: IncomingMessage[], @Ctx() ctx: G2gContext) {
    await record(ctx, m);
  }
  @Consume(risksLabelledV1.topic, chunks)
  async labelled(@Payload() m: IncomingMessage[], @Ctx() ctx: G2gContext) {
    await record(ctx, m);
  }
}

@Controller()
export class RecordLogConsumer {
  @Consume(programmeSuspendedV1.topic, { consumer })
  async suspended(@Payload() m: IncomingMessage[], @Ctx() ctx: G2gContext) {
    await record(ctx, m);
  }
  @Consume(programmeResumedV1.topic, { consumer })
  async resumed(@Payload() m: IncomingMessage[], @Ctx() ctx: G2gContext) {
    await record(ctx, m);
  }
  @Consume(breakerApproachedV1.topic, { consumer })
  async warned(@Payload() m: IncomingMessage[], @Ctx() ctx: G2gContext) {
    await record(ctx, m);
  }
  @Consume(releaseRemindersV1.topic, { consumer })
  async reminded(@Payload() m: IncomingMessage[], @Ctx() ctx: G2gContext) {
    await record(ctx, m);
  }
  @Consume(OPERATOR_ACTION_TOPICS, { consumer })
  async operatorActions(@Payload() m: IncomingMessage[], @Ctx() ctx: G2gContext) {
    await record(ctx, m);
  }
}

export async function record(ctx: Pick<G2gContext, 'tx'>, messages: IncomingMessage[]): Promise<void> {
  const streams = messages.map((m) => LOGGED[m.topic].stream(m.value, m.id));
  const shared = streams.filter((_, i) => LOGGED[messages[i].topic].shared);
  const versions = shared.length > 0 ? await store.versions(ctx.tx, shared) : new Map<string, number>();
  const appends: StreamAppend[] = [];
  const byStream = new Map<string, StreamAppend>();
  messages.forEach((m, i) => {
    const how = LOGGED[m.topic];
    const event: NewEvent = {
      type: m.topic,
      ...(m.raw !== undefined ? { json: m.raw } : { data: m.value }),
      businessDate: how.businessDate(m.value) || null,
      metadata: { messageId: m.id, recordedAt: how.recordedAt(m.value) || m.headers['g2g-recorded-at'] || new Date().toISOString() },
    };
    const existing = byStream.get(streams[i]);
    if (existing) (existing.events as NewEvent[]).push(event);
    else {
      const v = versions.get(streams[i]) ?? 0;
      const a: StreamAppend = { streamId: streams[i], expected: v === 0 ? 'no_stream' : v, events: [event] };
      byStream.set(streams[i], a);
      appends.push(a);
    }
  });
  await store.append(ctx.tx, appends);
}
