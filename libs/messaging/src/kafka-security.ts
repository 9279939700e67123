import { KafkaConfig, KafkaJSSASLAuthenticationError } from 'kafkajs';

/** How the transport's client encrypts and authenticates: kafkajs's own `ssl` and `sasl` options. */
export type KafkaClientSecurity = Pick<KafkaConfig, 'ssl' | 'sasl'>;

/**
 * The error to start with when the brokers refuse the client's credentials: kafkajs's own says which
 * mechanism failed but not for which user or at which brokers, which is what an operator checks
 * first. kafkajs never retries it (a wrong password does not become right), so start-up ends with
 * it at once. Any other error is returned as it is.
 */
export function credentialsRefused(error: unknown, brokers: readonly string[], security: KafkaClientSecurity | undefined): unknown {
  const sasl = security?.sasl;
  if (!(error instanceof KafkaJSSASLAuthenticationError) || !sasl) return error;
  const user = 'username' in sasl ? ` of user ${sasl.username}` : '';
  return new Error(`Kafka (${brokers.join(', ')}) refused the credentials${user} (SASL ${sasl.mechanism.toUpperCase()}): ${error.message}`, { cause: error });
}
