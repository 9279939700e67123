import { Static, Type } from '@sinclair/typebox';
import { Equal, Exact, SameType, Sha256, Time } from '../schema';

export const ApiKeyIssuedV1Schema = Exact({
  participant: Type.String(),
  keyHash: Sha256('hex SHA-256 of the key'),
  keyPrefix: Type.String({ minLength: 1, maxLength: 8, description: 'the key\'s first 8 characters, to tell keys apart in logs' }),
  issuedAt: Time(),
});

/**
 * An operator issued an API key to a participant. Only the key's SHA-256 travels; the key itself
 * is shown once, to the operator. Key: the participant code.
 */
export const apiKeyIssuedV1 = {
  topic: 'g2g.underwriting.api-key-issued.v1',
  version: 1,
  key: (v: ApiKeyIssuedV1) => v.participant,
  schema: ApiKeyIssuedV1Schema,
} as const;

export interface ApiKeyIssuedV1 {
  participant: string;
  /** hex SHA-256 of the key */
  keyHash: string;
  /** the key's first 8 characters, to tell keys apart in logs */
  keyPrefix: string;
  issuedAt: string;
}

// tsc fails here when the schema and the interface drift apart
type _ApiKeyIssuedV1 = SameType<Equal<Static<typeof ApiKeyIssuedV1Schema>, ApiKeyIssuedV1>>;
