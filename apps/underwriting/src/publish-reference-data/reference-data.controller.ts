import { Allow, Answers, Caller, CallerOf, programmeVersions, validated, validatedList } from '@g2g/platform';
import { Body, Controller, ForbiddenException, Get, HttpCode, NotFoundException, Param, Post, UnprocessableEntityException } from '@nestjs/common';
import { Database } from '@g2g/event-store';
import { PublishReferenceData, Published, SCHEMA } from './publish-reference-data';
import { ParticipantBody, ProgrammeBody, RevocationBody } from './reference-data-bodies';

@Controller()
export class ReferenceDataController {
  private readonly publish: PublishReferenceData;

  constructor(private readonly db: Database) {
    this.publish = new PublishReferenceData(db);
  }

  @Post('participants')
  @Allow('operator')
  async participants(@Body(validatedList(ParticipantBody, 'send one participant or a list of them')) participants: ParticipantBody[], @CallerOf() caller: Caller) {
    return answer(await this.publish.registerParticipants(participants, caller, new Date()));
  }

  @Post('programmes')
  @Allow('operator')
  async programmes(@Body(validated(ProgrammeBody)) document: ProgrammeBody, @CallerOf() caller: Caller) {
    return answer(await this.publish.publishProgramme(document, caller, new Date()));
  }

  @Post('participants/:code/api-keys')
  @Allow('operator')
  @HttpCode(201)
  @Answers(404)
  async apiKey(@Param('code') code: string, @CallerOf() caller: Caller) {
    return answer(await this.publish.issueApiKey(code, caller, new Date()));
  }

  @Get('participants/:code/api-keys')
  @Allow('operator')
  @Answers(404)
  async apiKeys(@Param('code') code: string) {
    return answer(await this.publish.listApiKeys(code));
  }

  @Post('participants/:code/api-keys/revoke')
  @Allow('operator')
  @HttpCode(200)
  @Answers(404)
  async revoke(@Param('code') code: string, @Body(validated(RevocationBody)) body: RevocationBody, @CallerOf() caller: Caller) {
    return answer(await this.publish.revokeApiKeys(code, body.request(), caller, new Date()));
  }

  @Get('programmes/:id')
  @Allow('operator', 'bank', 'guarantor', 'reguarantor', 'fund', 'regulator')
  @Answers(404)
  async programme(@Param('id') id: string) {
    const versions = await programmeVersions(this.db, SCHEMA, id);
    if (versions.length === 0) throw new NotFoundException({ code: 'UNKNOWN_PROGRAMME', message: `no programme ${id}` });
    return { versions };
  }
}

/**
 * A refusal of PublishReferenceData as an answer: 404 for what is not registered, 403 for what only
 * the bootstrap operator key may do (a 403 of every route with @Allow), 422 for a document the
 * registry refuses (a 422 of the routes whose document is checked with it).
 */
function answer<T>(result: Published<T>): T {
  if (result.ok) return result.value;
  if (result.code === 'UNKNOWN_PARTICIPANT' || result.code === 'UNKNOWN_KEY') throw new NotFoundException({ code: result.code, message: result.message });
  if (result.code === 'BOOTSTRAP_OPERATOR_ONLY') throw new ForbiddenException({ code: result.code, message: result.message });
  throw new UnprocessableEntityException({ code: result.code, message: result.message, errors: result.problems });
}
