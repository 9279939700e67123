import { Caller, isBootstrapOperator } from '@g2g/platform';

/**
 * The rules of API keys, pure: which keys a revocation names, and who may manage whose keys.
 * A key is named by its id (the first 16 hex digits of its SHA-256, see keyIdOf).
 */

export type RevocationRequest = { keyId: string } | { all: true };

const KEY_ID = /^[0-9a-f]{16}$/;

/** `{"key_id": "..."}` or `{"all": true}`, exactly one of them. */
export function readRevocationRequest(body: unknown): { ok: true; request: RevocationRequest } | { ok: false; message: string } {
  const b = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { key_id?: unknown; all?: unknown }) : {};
  const named = b.key_id !== undefined;
  const all = b.all !== undefined;
  if (named === all) return { ok: false, message: 'send {"key_id": "<16 hex digits>"} to revoke one key, or {"all": true} to revoke every key of the participant' };
  if (all) return b.all === true ? { ok: true, request: { all: true } } : { ok: false, message: 'all: true to revoke every key (or send key_id instead)' };
  if (typeof b.key_id !== 'string' || !KEY_ID.test(b.key_id)) return { ok: false, message: 'key_id: the 16 lower-case hex digits of a key id (g2g keys list CODE)' };
  return { ok: true, request: { keyId: b.key_id } };
}

export interface KnownKey {
  keyId: string;
  keyHash: string;
  revoked: boolean;
}

export type RevocationDecision = { ok: true; revoke: KnownKey[]; alreadyRevoked: string[] } | { ok: false; code: 'UNKNOWN_KEY' };

/**
 * The keys to revoke: the named one, or every key still valid. A key already revoked is revoked
 * again by nothing (asking twice changes nothing); a key id the participant never had is refused.
 */
export function decideRevocation(keys: readonly KnownKey[], request: RevocationRequest): RevocationDecision {
  const named = 'all' in request ? keys : keys.filter((k) => k.keyId === request.keyId);
  if (!('all' in request) && named.length === 0) return { ok: false, code: 'UNKNOWN_KEY' };
  return {
    ok: true,
    revoke: named.filter((k) => !k.revoked),
    alreadyRevoked: 'all' in request ? [] : [...new Set(named.filter((k) => k.revoked).map((k) => k.keyId))],
  };
}

/**
 * Operators manage every participant's registration and keys except operators': registering an
 * operator (or changing one), and issuing or revoking an operator's keys, take the bootstrap
 * operator key. So a named operator cannot give itself another key, nor make new operators.
 */
export function mayManage(caller: Caller, kinds: readonly (string | undefined)[]): boolean {
  return isBootstrapOperator(caller) || !kinds.includes('operator');
}
