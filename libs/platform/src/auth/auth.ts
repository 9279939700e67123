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
import { keyOfHash, participantOn } from '../reference-data/reference-data';

export type Role = 'bank' | 'guarantor' | 'reguarantor' | 'fund' | 'regulator' | 'operator';

/** The code under which the bootstrap operator key (G2G_OPERATOR_KEY) acts; no participant may take it. */
export const BOOTSTRAP_OPERATOR = 'OPERATOR';

/** Who is calling: a registered participant, or the bootstrap operator; and with which key. */
export interface Caller {
  code: string;
  kind: Role;
  /** the id of the key used (keyIdOf its hash): safe to show and to log */
  keyId: string;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * A key's id: the first 16 hex digits (64 bits) of its SHA-256. It names a key in lists, in the
 * audit trail and when revoking it, and tells nothing about the key itself.
 */
export function keyIdOf(keyHash: string): string {
  return keyHash.slice(0, 16);
}

export function isBootstrapOperator(caller: Caller): boolean {
  return caller.kind === 'operator' && caller.code === BOOTSTRAP_OPERATOR;
}

/** Why a key was refused. */
export type KeyRefusal = 'UNKNOWN_API_KEY' | 'KEY_REVOKED';

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

  /** The caller a key stands for, or why it is refused: never issued (or not heard of yet), or revoked. */
  async identify(key: string): Promise<{ caller: Caller } | { refused: KeyRefusal }> {
    const hash = hashKey(key);
    if (hash === this.operatorHash) return { caller: { code: BOOTSTRAP_OPERATOR, kind: 'operator', keyId: keyIdOf(hash) } };
    const found = await keyOfHash(this.db, this.schema, hash);
    if (!found) return { refused: 'UNKNOWN_API_KEY' };
    if (found.revoked) return { refused: 'KEY_REVOKED' };
    const participant = await participantOn(this.db, this.schema, found.participant);
    if (!participant) return { refused: 'UNKNOWN_API_KEY' };
    return { caller: { code: found.participant, kind: participant.kind as Role, keyId: keyIdOf(hash) } };
  }
}

const ROLES = 'g2g:roles';

const REFUSALS: Record<KeyRefusal, string> = {
  UNKNOWN_API_KEY: 'this API key is not known',
  KEY_REVOKED: 'this API key was revoked; ask an operator for a new one',
};

/**
 * Which kinds of caller may use a route. The key is checked by ApiKeyGuard against the
 * Authenticator of the controller's own module (its service's copy of the keys).
 */
export const Allow = (...roles: Role[]) => applyDecorators(SetMetadata(ROLES, roles), UseGuards(ApiKeyGuard));

/** The kinds of caller a route's @Allow admits; undefined for a route open to anyone. */
export function allowedRoles(handler: object): readonly Role[] | undefined {
  return Reflect.getMetadata(ROLES, handler);
}

/** The authenticated caller of the request. */
export const CallerOf = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => ctx.switchToHttp().getRequest().caller);

/** `Authorization: Bearer <key>` (the scheme in any case; or `X-Api-Key`), checked against the route's @Allow. */
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
    // the scheme's name is case-insensitive (RFC 9110 11.1): Bearer, bearer and BEARER alike
    const bearer = /^[ \t]*bearer[ \t]+(.*)$/is.exec(request.headers['authorization'] ?? '');
    const key = bearer ? bearer[1].trim() : request.headers['x-api-key'];
    if (!key) throw new UnauthorizedException({ code: 'NO_API_KEY', message: 'send your API key as Authorization: Bearer <key>' });
    const identified = await this.authenticator.identify(String(key));
    if ('refused' in identified) throw new UnauthorizedException({ code: identified.refused, message: REFUSALS[identified.refused] });
    const { caller } = identified;
    if (!roles.includes(caller.kind)) {
      throw new ForbiddenException({ code: 'FORBIDDEN', message: `a ${caller.kind} may not do this (allowed: ${roles.join(', ')})` });
    }
    request.caller = caller;
    return true;
  }
}
