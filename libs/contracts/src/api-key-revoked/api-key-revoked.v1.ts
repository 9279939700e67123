/**
 * An operator revoked API keys of a participant: one key, or every key it had. The message names
 * each revoked key by its SHA-256, so a service applies it whatever order it hears of the keys'
 * issue and of their revocation in. Key: the participant code.
 */
export const apiKeyRevokedV1 = {
  topic: 'g2g.underwriting.api-key-revoked.v1',
  version: 1,
  key: (v: ApiKeyRevokedV1) => v.participant,
} as const;

export interface ApiKeyRevokedV1 {
  participant: string;
  /** hex SHA-256 of each key revoked (at least one) */
  keyHashes: string[];
  /** true when the operator revoked every key the participant had */
  all: boolean;
  revokedAt: string;
}
