import { Database } from '@g2g/event-store';
import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  UseGuards,
  applyDecorators,
  createParamDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { participantOfKey, participantOn } from '../reference-data/reference-data';

export type Role = 'bank' | 'guarantor' | 'reguarantor' | 'fund' | 'regulator' | 'operator';

/** Who is calling: a registered participant, or the operator. */
export interface Caller {
  code: string;
  kind: Role;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function newApiKey(): string {
  return `g2g_${randomBytes(24).toString('base64url')}`;
}

/**
 * The operator's key: G2G_OPERATOR_KEY, else the key in the file (created once, mode 600, by the
 * first process that needs it; every process on the machine then shares it).
 */
export function operatorKey(env: NodeJS.ProcessEnv, file: string): string {
  if (env.G2G_OPERATOR_KEY) return env.G2G_OPERATOR_KEY;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dirname(file), { recursive: true });
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${newApiKey()}\n`);
      closeSync(fd);
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
    return readFileSync(file, 'utf8').trim();
  }
}

/** Resolves API keys against a service's copy of the key hashes. */
export class Authenticator {
  private readonly operatorHash: string;

  constructor(
    private readonly db: Database,
    private readonly schema: string,
    operatorKeyValue: string,
  ) {
    this.operatorHash = hashKey(operatorKeyValue);
  }

  async identify(key: string): Promise<Caller | null> {
    const hash = hashKey(key);
    if (hash === this.operatorHash) return { code: 'OPERATOR', kind: 'operator' };
    const code = await participantOfKey(this.db, this.schema, hash);
    if (!code) return null;
    const participant = await participantOn(this.db, this.schema, code);
    return participant ? { code, kind: participant.kind as Role } : null;
  }
}

const ROLES = 'g2g:roles';

/**
 * Which kinds of caller may use a route. The key is checked by ApiKeyGuard against the
 * Authenticator of the controller's own module (its service's copy of the keys).
 */
export const Allow = (...roles: Role[]) => applyDecorators(SetMetadata(ROLES, roles), UseGuards(ApiKeyGuard));

/** The authenticated caller of the request. */
export const CallerOf = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => ctx.switchToHttp().getRequest().caller);

/** `Authorization: Bearer <key>` (or `X-Api-Key`), checked against the route's @Allow. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, [context.getHandler(), context.getClass()]);
    if (!roles) return true;
    const request = context.switchToHttp().getRequest();
    const header: string | undefined = request.headers['authorization'];
    const key = header?.startsWith('Bearer ') ? header.slice(7).trim() : request.headers['x-api-key'];
    if (!key) throw new UnauthorizedException({ code: 'NO_API_KEY', message: 'send your API key as Authorization: Bearer <key>' });
    const caller = await this.authenticator.identify(String(key));
    if (!caller) throw new UnauthorizedException({ code: 'UNKNOWN_API_KEY', message: 'this API key is not known' });
    if (!roles.includes(caller.kind)) {
      throw new ForbiddenException({ code: 'FORBIDDEN', message: `a ${caller.kind} may not do this (allowed: ${roles.join(', ')})` });
    }
    request.caller = caller;
    return true;
  }
}
