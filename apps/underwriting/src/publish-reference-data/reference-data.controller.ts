import { programmeVersions, Allow } from '@g2g/platform';
import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, UnprocessableEntityException } from '@nestjs/common';
import { Database } from '@g2g/event-store';
import { PublishReferenceData, Published, SCHEMA } from './publish-reference-data';

@Controller()
export class ReferenceDataController {
  private readonly publish: PublishReferenceData;

  constructor(private readonly db: Database) {
    this.publish = new PublishReferenceData(db);
  }

  @Post('participants')
  @Allow('operator')
  async participants(@Body() body: unknown) {
    return answer(await this.publish.registerParticipants(Array.isArray(body) ? body : [body ?? {}], new Date()));
  }

  @Post('programmes')
  @Allow('operator')
  async programmes(@Body() body: unknown) {
    return answer(await this.publish.publishProgramme(body, new Date()));
  }

  @Post('participants/:code/api-keys')
  @Allow('operator')
  @HttpCode(201)
  async apiKey(@Param('code') code: string) {
    return answer(await this.publish.issueApiKey(code, new Date()));
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
  if (result.code === 'UNKNOWN_PARTICIPANT') throw new NotFoundException({ code: result.code, message: result.message });
  throw new UnprocessableEntityException({ code: result.code, message: result.message, errors: result.problems });
}
