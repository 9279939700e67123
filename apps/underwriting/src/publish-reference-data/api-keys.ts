import { Caller, isBootstrapOperator } from '@g2g/platform';

/**
 * The rules of API keys, pure: which keys a revocation names, and who may manage whose keys.
 * A key is named by its id (the first 16 hex digits of its SHA-256, see keyIdOf).
 */

export type RevocationRequest = { keyId: string } | { all: true };

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
