import { enqueue, migrate, storeMigrations } from '@g2g/event-store';
import { ConsumerSpec, KafkaTransport } from '@g2g/messaging';
import { SecuredKafka, TestDatabase, eventually, serverDatabase, uniqueSchema } from '@g2g/testing';
import { Kafka, logLevel } from 'kafkajs';
import { readConfig } from './config';
import { kafkaClientSecurity } from './kafka-security';

// The platform's Kafka transport against a broker that asks who is there (a broker of the test's
// own: TLS with a CA made for the run, SCRAM-SHA-512, and a listener that wants a client
// certificate), set up the way a service is: environment variables read by readConfig.

jest.setTimeout(60_000);

describe('Kafka over TLS with SCRAM-SHA-512 (a broker of its own)', () => {
  let kafka: SecuredKafka;
  let t: TestDatabase;
  const producer = uniqueSchema('ksp');
  const consumer = uniqueSchema('ksc');
  const topic = `g2g.${producer.replaceAll('_', '-')}.secured.v1`;
  const transports: KafkaTransport[] = [];

  beforeAll(async () => {
    kafka = new SecuredKafka();
    [t] = await Promise.all([serverDatabase(4), kafka.start()]);
    for (const schema of [producer, consumer]) await migrate(t.db, schema, storeMigrations);
    await t.db.query(`create table ${consumer}.seen (message_id text, n int)`);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(transports.map((x) => x.stop().catch(() => undefined)));
    await kafka?.stop();
    for (const schema of [producer, consumer]) await t?.db.query(`drop schema if exists ${schema} cascade`).catch(() => undefined);
    await t?.close();
  });

  /** A transport set up from the environment, as platform.ts sets up a service's. */
  function transportFrom(env: NodeJS.ProcessEnv, lines: string[], options: { relay?: boolean } = {}): KafkaTransport {
    const config = readConfig({ G2G_MODE: 'distributed', ...env });
    const transport = new KafkaTransport(t.db, {
      brokers: config.kafkaBrokers,
      clientId: 'g2g-kafka-security-test',
      relaySchemas: options.relay ? [producer] : [],
      security: kafkaClientSecurity(config.kafkaSecurity),
      log: (line) => lines.push(line),
    });
    transports.push(transport);
    return transport;
  }

  /** How start() ends: null when it connected, else its error (the transport is stopped either way). */
  async function startError(env: NodeJS.ProcessEnv, lines: string[] = []): Promise<Error | null> {
    const transport = transportFrom(env, lines);
    try {
      await transport.start();
      return null;
    } catch (error) {
      return error as Error;
    } finally {
      await transport.stop();
    }
  }

  it('carries an outbox message through the relay to a consumer, over TLS and logged in with SCRAM-SHA-512', async () => {
    const lines: string[] = [];
    const transport = transportFrom(kafka.serviceEnv(), lines, { relay: true });
    const spec: ConsumerSpec = {
      consumer: `${consumer}.secured`,
      schema: consumer,
      topics: [topic],
      handle: async (messages, tx) => {
        for (const m of messages) await tx.query(`insert into ${consumer}.seen (message_id, n) values ($1, $2)`, [m.id, m.value.n]);
      },
    };
    transport.subscribe(spec);
    await transport.start();
    await t.db.transaction((tx) => enqueue(tx, producer, [1, 2, 3].map((n) => ({ topic, key: 'k', value: { n } }))));

    const seen = () => t.db.query<{ message_id: string; n: number }>(`select message_id, n from ${consumer}.seen order by n`);
    await eventually(async () => (await seen()).length === 3, 30_000, 'the three messages at the consumer');
    expect((await seen()).map((r) => r.n)).toEqual([1, 2, 3]);
    expect((await seen()).every((r) => r.message_id.startsWith(`${producer}:`))).toBe(true);
    expect(lines.join('\n')).not.toContain(kafka.password);
  });

  it('refuses a wrong password at start, saying who was refused where, and never the password', async () => {
    const lines: string[] = [];
    const wrong = `not-${kafka.password}`;
    const started = Date.now();
    const error = await startError({ ...kafka.serviceEnv(), KAFKA_SASL_PASSWORD_FILE: undefined, KAFKA_SASL_PASSWORD: wrong }, lines);
    expect(error?.message).toMatch(
      new RegExp(`^Kafka \\(${kafka.saslSsl}\\) refused the credentials of user g2g-app \\(SASL SCRAM-SHA-512\\): SASL SCRAM SHA512 authentication failed: .*invalid credentials`),
    );
    // not retried: a wrong password stays wrong
    expect(Date.now() - started).toBeLessThan(10_000);
    for (const said of [error!.message, String(error!.cause), ...lines]) expect(said).not.toContain(wrong);
  });

  it("checks the broker's certificate: the system's CAs do not vouch for the test CA's", async () => {
    const config = readConfig({ G2G_MODE: 'distributed', ...kafka.serviceEnv(), KAFKA_SSL_CA_FILE: undefined });
    expect(config.kafkaSecurity.tls).toEqual({ ca: null, client: null });
    // kafkajs retries a TLS failure for half a minute; one attempt says the same
    const admin = new Kafka({ brokers: config.kafkaBrokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, ...kafkaClientSecurity(config.kafkaSecurity) }).admin();
    try {
      await expect(admin.connect()).rejects.toThrow(/certificate/);
    } finally {
      await admin.disconnect();
    }
  });

  it('mutual TLS: a listener that requires a client certificate takes the one in KAFKA_SSL_CERT_FILE, and turns away a client without one', async () => {
    const mtls = { KAFKA_BROKERS: kafka.mtls, KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_CA_FILE: kafka.files.ca };
    const transport = transportFrom({ ...mtls, KAFKA_SSL_CERT_FILE: kafka.files.clientCert, KAFKA_SSL_KEY_FILE: kafka.files.clientKey }, []);
    await transport.start();
    await transport.ensureTopics([`${topic}.mtls`]); // requests beyond the handshake go through
    await transport.stop();

    const config = readConfig({ G2G_MODE: 'distributed', ...mtls });
    const admin = new Kafka({ brokers: config.kafkaBrokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, ...kafkaClientSecurity(config.kafkaSecurity) }).admin();
    try {
      await expect(admin.connect()).rejects.toThrow(/certificate/);
    } finally {
      await admin.disconnect();
    }
  });

  it('rotates the credentials without a gap: a second user is added beside the first, then the first is removed', async () => {
    const next = { user: 'g2g-app-next', password: `next-${kafka.password}` };
    const nextEnv = { ...kafka.serviceEnv(), KAFKA_SASL_USERNAME: next.user, KAFKA_SASL_PASSWORD_FILE: undefined, KAFKA_SASL_PASSWORD: next.password };
    // the documented steps (docs/kafka-security.md), through kafka-configs
    await kafka.configs(['--alter', '--entity-type', 'users', '--entity-name', next.user, '--add-config', `SCRAM-SHA-512=[password=${next.password}]`]);
    await eventually(async () => (await startError(nextEnv)) === null, 15_000, 'the new user to be taken');
    expect(await startError(kafka.serviceEnv())).toBeNull(); // both at once: services move over one by one

    await kafka.configs(['--alter', '--entity-type', 'users', '--entity-name', kafka.user, '--delete-config', 'SCRAM-SHA-512']);
    await eventually(async () => /refused the credentials of user g2g-app /.test((await startError(kafka.serviceEnv()))?.message ?? ''), 15_000, 'the old user to be refused');
    expect(await startError(nextEnv)).toBeNull();
  });
});
