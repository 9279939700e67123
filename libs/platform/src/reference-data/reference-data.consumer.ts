import {
  ApiKeyIssuedV1,
  ApiKeyRevokedV1,
  ParticipantRegisteredV1,
  ProgrammePublishedV1,
  apiKeyIssuedV1,
  apiKeyRevokedV1,
  participantRegisteredV1,
  programmePublishedV1,
} from '@g2g/contracts';
import { EventStore } from '@g2g/event-store';
import { Consume, G2gContext, IncomingMessage } from '@g2g/messaging';
import { Controller, Type } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { REFERENCE_EVENT_OF, applyReferenceDataEvents } from './reference-data';

/** A consumer that keeps `schema`'s copy of the reference data, named `{schema}.reference-data`. */
export function referenceDataConsumer(schema: string): Type<unknown> {
  const consumer = `${schema}.reference-data`;

  const store = new EventStore(schema);
  /** Each message is kept as an event of the service's own (the type underwriting records it under), then applied. */
  const record = async (ctx: G2gContext, messages: IncomingMessage[]) => {
    const events = messages.map((m) => ({ type: REFERENCE_EVENT_OF[m.topic], data: m.value }));
    await store.append(ctx.tx, messages.map((m, i) => ({ streamId: `reference:${m.id}`, expected: 'no_stream' as const, events: [events[i]] })));
    await applyReferenceDataEvents(ctx.tx, schema, events);
  };

  @Controller()
  class ReferenceDataConsumer {
    @Consume(participantRegisteredV1.topic, { consumer })
    async participants(@Payload() messages: IncomingMessage<ParticipantRegisteredV1>[], @Ctx() ctx: G2gContext) {
      await record(ctx, messages);
    }

    @Consume(programmePublishedV1.topic, { consumer })
    async programmes(@Payload() messages: IncomingMessage<ProgrammePublishedV1>[], @Ctx() ctx: G2gContext) {
      await record(ctx, messages);
    }

    @Consume(apiKeyIssuedV1.topic, { consumer })
    async keys(@Payload() messages: IncomingMessage<ApiKeyIssuedV1>[], @Ctx() ctx: G2gContext) {
      await record(ctx, messages);
    }

    @Consume(apiKeyRevokedV1.topic, { consumer })
    async revocations(@Payload() messages: IncomingMessage<ApiKeyRevokedV1>[], @Ctx() ctx: G2gContext) {
      await record(ctx, messages);
    }
  }
  return ReferenceDataConsumer;
}
