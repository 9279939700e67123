import { Static, Type } from '@sinclair/typebox';
import { Equal, Exact, SameType, Sha256, Time } from '../schema';

export const ApiKeyRevokedV1Schema = Exact({
  participant: Type.String(),
  keyHashes: Type.Array(Sha256(), { minItems: 1, description: 'hex SHA-256 of each key revoked (at least one)' }),
  all: Type.Boolean({ description: 'true when the operator revoked every key the participant had' }),
  revokedAt: Time(),
});

/**
 * An operator revoked API keys of a participant: one key, or every key it had. The message names
 * each revoked key by its SHA-256, so a service applies it whatever order it hears of the keys'
 * issue and of their revocation in. Key: the participant code.
 */
export const apiKeyRevokedV1 = {
  topic: 'g2g.underwriting.api-key-revoked.v1',
  version: 1,
  key: (v: ApiKeyRevokedV1) => v.participant,
  schema: ApiKeyRevokedV1Schema,
} as const;

export interface ApiKeyRevokedV1 {
  participant: string;
  /** hex SHA-256 of each key revoked (at least one) */
  keyHashes: string[];
  /** true when the operator revoked every key the participant had */
  all: boolean;
  revokedAt: string;
}

// tsc fails here when the schema and the interface drift apart
type _ApiKeyRevokedV1 = SameType<Equal<Static<typeof ApiKeyRevokedV1Schema>, ApiKeyRevokedV1>>;
