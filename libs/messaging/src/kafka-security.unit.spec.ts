import { KafkaJSConnectionError, KafkaJSSASLAuthenticationError } from 'kafkajs';
import { credentialsRefused } from './kafka-security';

// kafkajs's typings give this constructor no message; it takes one, as every kafkajs error does
const SaslError = KafkaJSSASLAuthenticationError as unknown as new (message: string) => KafkaJSSASLAuthenticationError;

describe('credentialsRefused', () => {
  const security = { ssl: {}, sasl: { mechanism: 'scram-sha-512' as const, username: 'g2g-intake', password: 'pa55-word' } };

  it('says which user the brokers refused, with which mechanism, and keeps kafkajs’s error as the cause', () => {
    const refused = new SaslError('SASL SCRAM SHA512 authentication failed: invalid credentials');
    const error = credentialsRefused(refused, ['b-1:9096', 'b-2:9096'], security) as Error;
    expect(error.message).toBe('Kafka (b-1:9096, b-2:9096) refused the credentials of user g2g-intake (SASL SCRAM-SHA-512): SASL SCRAM SHA512 authentication failed: invalid credentials');
    expect(error.cause).toBe(refused);
    expect(error.message).not.toContain('pa55-word');
  });

  it('leaves any other error as it is, and a refusal without SASL settings too', () => {
    const other = new KafkaJSConnectionError('Connection error: unable to verify the first certificate');
    expect(credentialsRefused(other, ['b-1:9096'], security)).toBe(other);
    const refused = new SaslError('refused');
    expect(credentialsRefused(refused, ['b-1:9096'], undefined)).toBe(refused);
  });
});
