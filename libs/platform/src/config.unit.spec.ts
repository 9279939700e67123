import { inspect } from 'node:util';
import { readConfig } from './config';
import { KafkaSecurityConfigError } from './kafka-security';

describe('readConfig: KAFKA_NAMESPACE', () => {
  it.each([
    [undefined, ''],
    ['', ''],
    ['ceo', 'ceo.'],
    [' ceo ', 'ceo.'],
    ['ceo.', 'ceo.'],
    ['ceo-', 'ceo-'],
    ['ceo_', 'ceo_'],
    ['e2e-run1.', 'e2e-run1.'],
  ])('%p names the topics with the prefix %p', (value, prefix) => {
    expect(readConfig({ KAFKA_NAMESPACE: value }).kafkaNamespace).toBe(prefix);
  });
});

describe('readConfig: Kafka security', () => {
  it('is PLAINTEXT when nothing is set, as a local broker needs', () => {
    expect(readConfig({}).kafkaSecurity).toEqual({ protocol: 'PLAINTEXT', tls: null, sasl: null });
  });

  it('carries SASL_SSL with SCRAM, and printing the whole config shows no password', () => {
    const config = readConfig({ G2G_MODE: 'distributed', KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_USERNAME: 'g2g-intake', KAFKA_SASL_PASSWORD: 'pa55-word' });
    expect(config.kafkaSecurity).toMatchObject({ protocol: 'SASL_SSL', tls: { ca: null, client: null }, sasl: { mechanism: 'scram-sha-512', username: 'g2g-intake' } });
    expect(config.kafkaSecurity.sasl!.password.reveal()).toBe('pa55-word');
    expect(inspect(config, { depth: 10 })).not.toContain('pa55-word');
    expect(JSON.stringify(config)).not.toContain('pa55-word');
  });

  it('refuses, at start-up, SASL without TLS unless it is allowed', () => {
    const env = { KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', KAFKA_SASL_USERNAME: 'g2g-intake', KAFKA_SASL_PASSWORD: 'pa55-word' };
    expect(() => readConfig(env)).toThrow(KafkaSecurityConfigError);
    expect(() => readConfig(env)).toThrow(/KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT sends the login .* unencrypted/);
    expect(readConfig({ ...env, KAFKA_ALLOW_UNENCRYPTED_SASL: 'true' }).kafkaSecurity.protocol).toBe('SASL_PLAINTEXT');
  });
});
