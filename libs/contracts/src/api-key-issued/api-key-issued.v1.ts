/**
 * An operator issued an API key to a participant. Only the key's SHA-256 travels; the key itself
 * is shown once, to the operator. Key: the participant code.
 */
export const apiKeyIssuedV1 = {
  topic: 'g2g.underwriting.api-key-issued.v1',
  version: 1,
  key: (v: ApiKeyIssuedV1) => v.participant,
} as const;

export interface ApiKeyIssuedV1 {
  participant: string;
  /** hex SHA-256 of the key */
  keyHash: string;
  /** the key's first 8 characters, to tell keys apart in logs */
  keyPrefix: string;
  issuedAt: string;
}
