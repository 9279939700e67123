import { Controller, Get, Header, NotFoundException } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Answers } from './answers';

/** The OpenAPI document of the HTTP API (docs/openapi.yaml of the repository), at GET /openapi.yaml. */
@Controller()
export class ApiDocsController {
  private readonly path = findUpwards(__dirname, join('docs', 'openapi.yaml'));

  @Get('openapi.yaml')
  @Header('content-type', 'application/yaml; charset=utf-8')
  @Answers(404)
  document(): string {
    if (!this.path) throw new NotFoundException({ code: 'NO_API_DOCUMENT', message: 'docs/openapi.yaml is not beside this installation' });
    return readFileSync(this.path, 'utf8');
  }
}

function findUpwards(from: string, relative: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, relative))) return join(dir, relative);
    if (dirname(dir) === dir) return null;
  }
}
