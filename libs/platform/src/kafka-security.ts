import type { KafkaClientSecurity } from '@g2g/messaging';
import type { SASLOptions } from 'kafkajs';
import { KeyObject, X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';

/** Kafka's names for how a client talks to a broker (its `security.protocol`). */
export const KAFKA_SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_SSL', 'SASL_PLAINTEXT'] as const;
export type KafkaSecurityProtocol = (typeof KAFKA_SECURITY_PROTOCOLS)[number];

export const KAFKA_SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** How the services connect to Kafka (docs/kafka-security.md); PLAINTEXT when nothing is set. */
export interface KafkaSecurity {
  protocol: KafkaSecurityProtocol;
  /** SSL and SASL_SSL: TLS, the brokers' certificates and host names always checked */
  tls: KafkaTls | null;
  /** SASL_SSL and SASL_PLAINTEXT */
  sasl: KafkaSasl | null;
}

export interface KafkaTls {
  /** the certificates (PEM) that sign the brokers' (KAFKA_SSL_CA_FILE); null: the system's CAs */
  ca: { file: string; pem: string } | null;
  /** mutual TLS: the client's certificate chain and its private key, PEM (KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE) */
  client: { certFile: string; cert: string; keyFile: string; key: Secret } | null;
}

export interface KafkaSasl {
  mechanism: KafkaSaslMechanism;
  username: string;
  password: Secret;
}

/**
 * A value that must not reach a log: printed, inspected or serialised it says `[secret]`, so that
 * logging the settings (or an object holding them) cannot leak it. Only `reveal()` gives it.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[secret]';
  }
  toJSON(): string {
    return '[secret]';
  }
  [inspect.custom](): string {
    return '[secret]';
  }
}

/** Kafka security settings that cannot be used; each problem names the variables to change. */
export class KafkaSecurityConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Kafka security settings cannot be used (docs/kafka-security.md):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'KafkaSecurityConfigError';
  }
}

const SASL_VARIABLES = ['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_PASSWORD_FILE'] as const;
const TLS_VARIABLES = ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const;

/**
 * Reads and checks the Kafka security settings at start-up, files included: a mistake is said then,
 * naming the variable, rather than found on the first connection (where kafkajs retries a TLS
 * failure for half a minute before it gives up). Settings the chosen protocol would not use are
 * refused too: credentials set with KAFKA_SECURITY_PROTOCOL left at PLAINTEXT would otherwise be
 * dropped without a word. No message ever holds a password or a key, only the variables' names and
 * the files' paths.
 */
export function readKafkaSecurity(env: NodeJS.ProcessEnv, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): KafkaSecurity {
  const problems: string[] = [];
  const given = (name: string) => (env[name] ?? '') !== '';
  const protocolText = (env.KAFKA_SECURITY_PROTOCOL ?? '').trim().toUpperCase() || 'PLAINTEXT';
  if (!(KAFKA_SECURITY_PROTOCOLS as readonly string[]).includes(protocolText)) {
    throw new KafkaSecurityConfigError([`KAFKA_SECURITY_PROTOCOL=${env.KAFKA_SECURITY_PROTOCOL} is not one of ${KAFKA_SECURITY_PROTOCOLS.join(', ')}`]);
  }
  const protocol = protocolText as KafkaSecurityProtocol;
  const usesTls = protocol === 'SSL' || protocol === 'SASL_SSL';
  const usesSasl = protocol === 'SASL_SSL' || protocol === 'SASL_PLAINTEXT';

  const unusedSasl = SASL_VARIABLES.filter(given);
  if (!usesSasl && unusedSasl.length > 0) {
    problems.push(`${listed(unusedSasl)} set, but KAFKA_SECURITY_PROTOCOL is ${protocol}, which logs in with no user: set it to SASL_SSL`);
  }
  const unusedTls = TLS_VARIABLES.filter(given);
  if (!usesTls && unusedTls.length > 0) {
    problems.push(`${listed(unusedTls)} set, but KAFKA_SECURITY_PROTOCOL is ${protocol}, which uses no TLS: set it to SSL or SASL_SSL`);
  }
  const allowUnencrypted = flag(env, 'KAFKA_ALLOW_UNENCRYPTED_SASL', problems);
  if (protocol === 'SASL_PLAINTEXT' && !allowUnencrypted) {
    problems.push(
      'KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT sends the login (with the plain mechanism, the password itself) and every message unencrypted: use SASL_SSL, or set KAFKA_ALLOW_UNENCRYPTED_SASL=true where the network is encrypted by other means',
    );
  }

  const files = (name: string): string | null => {
    const path = env[name] ?? '';
    if (path === '') return null;
    try {
      return readFile(path);
    } catch (error) {
      problems.push(`${name}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      return null;
    }
  };
  const tls = usesTls ? readTls(env, files, problems) : null;
  const sasl = usesSasl ? readSasl(env, files, problems) : null;
  if (problems.length > 0) throw new KafkaSecurityConfigError(problems);
  return { protocol, tls, sasl };
}

function readTls(env: NodeJS.ProcessEnv, read: (name: string) => string | null, problems: string[]): KafkaTls {
  let ca: KafkaTls['ca'] = null;
  const caPem = read('KAFKA_SSL_CA_FILE');
  if (caPem !== null) {
    // node's TLS ignores a CA it cannot read, which would leave the client trusting nothing: check here
    if (certificates('KAFKA_SSL_CA_FILE', env.KAFKA_SSL_CA_FILE!, caPem, problems).length > 0) ca = { file: env.KAFKA_SSL_CA_FILE!, pem: caPem };
  }
  const certGiven = (env.KAFKA_SSL_CERT_FILE ?? '') !== '';
  const keyGiven = (env.KAFKA_SSL_KEY_FILE ?? '') !== '';
  if (certGiven !== keyGiven) {
    problems.push(certGiven ? 'KAFKA_SSL_CERT_FILE is set without KAFKA_SSL_KEY_FILE: mutual TLS needs both' : 'KAFKA_SSL_KEY_FILE is set without KAFKA_SSL_CERT_FILE: mutual TLS needs both');
    return { ca, client: null };
  }
  if (!certGiven) return { ca, client: null };
  const certPem = read('KAFKA_SSL_CERT_FILE');
  const keyPem = read('KAFKA_SSL_KEY_FILE');
  if (certPem === null || keyPem === null) return { ca, client: null };
  const [first] = certificates('KAFKA_SSL_CERT_FILE', env.KAFKA_SSL_CERT_FILE!, certPem, problems);
  const key = privateKey(env.KAFKA_SSL_KEY_FILE!, keyPem, problems);
  if (!first || !key) return { ca, client: null };
  if (!first.checkPrivateKey(key)) {
    problems.push(`KAFKA_SSL_KEY_FILE (${env.KAFKA_SSL_KEY_FILE}) is not the key of the certificate in KAFKA_SSL_CERT_FILE (${env.KAFKA_SSL_CERT_FILE})`);
    return { ca, client: null };
  }
  return { ca, client: { certFile: env.KAFKA_SSL_CERT_FILE!, cert: certPem, keyFile: env.KAFKA_SSL_KEY_FILE!, key: new Secret(keyPem) } };
}

function readSasl(env: NodeJS.ProcessEnv, read: (name: string) => string | null, problems: string[]): KafkaSasl | null {
  const mechanismText = (env.KAFKA_SASL_MECHANISM ?? '').trim().toLowerCase() || 'scram-sha-512';
  const mechanism = (KAFKA_SASL_MECHANISMS as readonly string[]).includes(mechanismText) ? (mechanismText as KafkaSaslMechanism) : null;
  if (!mechanism) problems.push(`KAFKA_SASL_MECHANISM=${env.KAFKA_SASL_MECHANISM} is not one of ${KAFKA_SASL_MECHANISMS.join(', ')}`);
  const username = env.KAFKA_SASL_USERNAME ?? '';
  if (username === '') problems.push('KAFKA_SASL_USERNAME is not set: SASL needs a user');
  const inline = env.KAFKA_SASL_PASSWORD ?? '';
  const file = env.KAFKA_SASL_PASSWORD_FILE ?? '';
  let password: string | null = null;
  if (inline !== '' && file !== '') {
    problems.push('KAFKA_SASL_PASSWORD and KAFKA_SASL_PASSWORD_FILE are both set: give one');
  } else if (inline !== '') {
    password = inline;
  } else if (file !== '') {
    const text = read('KAFKA_SASL_PASSWORD_FILE');
    // `echo secret > file` and most editors end the file with a newline that is not the password's
    if (text !== null) password = text.replace(/[\r\n]+$/, '');
    if (password === '') problems.push(`KAFKA_SASL_PASSWORD_FILE (${file}) is empty`);
  } else {
    problems.push('neither KAFKA_SASL_PASSWORD nor KAFKA_SASL_PASSWORD_FILE is set: SASL needs a password');
  }
  if (!mechanism || username === '' || !password) return null;
  return { mechanism, username, password: new Secret(password) };
}

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The PEM certificates in a file, each parsed; a problem when there is none or one is unreadable. */
function certificates(name: string, path: string, pem: string, problems: string[]): X509Certificate[] {
  const blocks = pem.match(CERTIFICATE) ?? [];
  if (blocks.length === 0) {
    problems.push(`${name} (${path}) holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
    return [];
  }
  const parsed: X509Certificate[] = [];
  for (const [i, block] of blocks.entries()) {
    try {
      parsed.push(new X509Certificate(block));
    } catch {
      problems.push(`${name} (${path}): certificate ${i + 1} of ${blocks.length} cannot be read`);
    }
  }
  return parsed.length === blocks.length ? parsed : [];
}

function privateKey(path: string, pem: string, problems: string[]): KeyObject | null {
  try {
    return createPrivateKey(pem);
  } catch (error) {
    // the library's message can quote the file; only the code is said
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MISSING_PASSPHRASE' || /ENCRYPTED/.test(pem)) {
      problems.push(`KAFKA_SSL_KEY_FILE (${path}) is encrypted: give the key unencrypted (PEM, as a mounted secret)`);
    } else {
      problems.push(`KAFKA_SSL_KEY_FILE (${path}) holds no PEM private key${code ? ` (${code})` : ''}`);
    }
    return null;
  }
}

function flag(env: NodeJS.ProcessEnv, name: string, problems: string[]): boolean {
  const text = (env[name] ?? '').trim().toLowerCase();
  if (text === '' || text === 'false' || text === '0') return false;
  if (text === 'true' || text === '1') return true;
  problems.push(`${name}=${env[name]} is not true or false`);
  return false;
}

function listed(names: readonly string[]): string {
  return names.length === 1 ? `${names[0]} is` : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} are`;
}

/** The settings as kafkajs takes them; the only place the password and the key are revealed. */
export function kafkaClientSecurity(security: KafkaSecurity): KafkaClientSecurity {
  const { tls, sasl } = security;
  return {
    ...(tls && {
      ssl: {
        // node's TLS checks the certificate chain and the host name unless told not to; never told here
        ...(tls.ca && { ca: tls.ca.pem }),
        ...(tls.client && { cert: tls.client.cert, key: tls.client.key.reveal() }),
      },
    }),
    // kafkajs types each mechanism apart; all three take a user and a password
    ...(sasl && { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password.reveal() } as SASLOptions }),
  };
}

/** One line for the start-up log: what protects the connection, never the secrets themselves. */
export function describeKafkaSecurity(security: KafkaSecurity): string {
  const { protocol, tls, sasl } = security;
  const parts: string[] = [];
  if (sasl) parts.push(`SASL ${sasl.mechanism.toUpperCase()} as ${sasl.username}`);
  if (tls) parts.push(`TLS, brokers' certificates checked against ${tls.ca ? tls.ca.file : "the system's CAs"}`);
  if (tls?.client) parts.push(`client certificate ${tls.client.certFile}`);
  if (protocol === 'PLAINTEXT') parts.push('unencrypted, unauthenticated');
  if (protocol === 'SASL_PLAINTEXT') parts.push('unencrypted (KAFKA_ALLOW_UNENCRYPTED_SASL)');
  return `${protocol}: ${parts.join('; ')}`;
}
