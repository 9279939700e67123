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
import { Consume, G2gContext, IncomingMessage } from '@g2g/messaging';
import { Controller, Type } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { applyApiKey, applyApiKeyRevocation, applyParticipant, applyProgramme } from './reference-data';

/** A consumer that keeps `schema`'s copy of the reference data, named `{schema}.reference-data`. */
export function referenceDataConsumer(schema: string): Type<unknown> {
  const consumer = `${schema}.reference-data`;

  @Controller()
  class ReferenceDataConsumer {
    @Consume(participantRegisteredV1.topic, { consumer })
    async participants(@Payload() messages: IncomingMessage<ParticipantRegisteredV1>[], @Ctx() ctx: G2gContext) {
      for (const m of messages) await applyParticipant(ctx.tx, schema, m.value);
    }

    @Consume(programmePublishedV1.topic, { consumer })
    async programmes(@Payload() messages: IncomingMessage<ProgrammePublishedV1>[], @Ctx() ctx: G2gContext) {
      for (const m of messages) await applyProgramme(ctx.tx, schema, m.value);
    }

    @Consume(apiKeyIssuedV1.topic, { consumer })
    async keys(@Payload() messages: IncomingMessage<ApiKeyIssuedV1>[], @Ctx() ctx: G2gContext) {
      for (const m of messages) await applyApiKey(ctx.tx, schema, m.value);
    }

    @Consume(apiKeyRevokedV1.topic, { consumer })
    async revocations(@Payload() messages: IncomingMessage<ApiKeyRevokedV1>[], @Ctx() ctx: G2gContext) {
      for (const m of messages) await applyApiKeyRevocation(ctx.tx, schema, m.value);
    }
  }
  return ReferenceDataConsumer;
}
