import { Allow, Caller, CallerOf, programmeVersions } from '@g2g/platform';
import { BadRequestException, Body, Controller, ForbiddenException, Get, HttpCode, NotFoundException, Param, Post, UnprocessableEntityException } from '@nestjs/common';
import { Database } from '@g2g/event-store';
import { readRevocationRequest } from './api-keys';
import { PublishReferenceData, Published, SCHEMA } from './publish-reference-data';

@Controller()
export class ReferenceDataController {
  private readonly publish: PublishReferenceData;

  constructor(private readonly db: Database) {
    this.publish = new PublishReferenceData(db);
  }

  @Post('participants')
  @Allow('operator')
  async participants(@Body() body: unknown, @CallerOf() caller: Caller) {
    return answer(await this.publish.registerParticipants(Array.isArray(body) ? body : [body ?? {}], caller, new Date()));
  }

  @Post('programmes')
  @Allow('operator')
  async programmes(@Body() body: unknown, @CallerOf() caller: Caller) {
    return answer(await this.publish.publishProgramme(body, caller, new Date()));
  }

  @Post('participants/:code/api-keys')
  @Allow('operator')
  @HttpCode(201)
  async apiKey(@Param('code') code: string, @CallerOf() caller: Caller) {
    return answer(await this.publish.issueApiKey(code, caller, new Date()));
  }

  @Get('participants/:code/api-keys')
  @Allow('operator')
  async apiKeys(@Param('code') code: string) {
    return answer(await this.publish.listApiKeys(code));
  }

  @Post('participants/:code/api-keys/revoke')
  @Allow('operator')
  @HttpCode(200)
  async revoke(@Param('code') code: string, @Body() body: unknown, @CallerOf() caller: Caller) {
    const read = readRevocationRequest(body);
    if (!read.ok) throw new BadRequestException({ code: 'BAD_REVOCATION', message: read.message });
    return answer(await this.publish.revokeApiKeys(code, read.request, caller, new Date()));
  }

  @Get('programmes/:id')
  @Allow('operator', 'bank', 'guarantor', 'reguarantor', 'fund', 'regulator')
  async programme(@Param('id') id: string) {
    const versions = await programmeVersions(this.db, SCHEMA, id);
    if (versions.length === 0) throw new NotFoundException({ code: 'UNKNOWN_PROGRAMME', message: `no programme ${id}` });
    return { versions };
  }
}

function answer<T>(result: Published<T>): T {
  if (result.ok) return result.value;
  if (result.code === 'UNKNOWN_PARTICIPANT' || result.code === 'UNKNOWN_KEY') throw new NotFoundException({ code: result.code, message: result.message });
  if (result.code === 'BOOTSTRAP_OPERATOR_ONLY') throw new ForbiddenException({ code: result.code, message: result.message });
  throw new UnprocessableEntityException({ code: result.code, message: result.message, errors: result.problems });
}
