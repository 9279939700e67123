import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { KafkaSecurity, KafkaSecurityConfigError, Secret, describeKafkaSecurity, kafkaClientSecurity, readKafkaSecurity } from './kafka-security';

// A self-signed certificate and its key, made for these tests and trusted by nothing: node cannot
// make a certificate itself, and the checks of a CA file and of mutual TLS need real ones.
const CERT = `-----BEGIN CERTIFICATE-----
MIIBvjCCAWWgAwIBAgIUDVkc8XYIOHwluLI0Dl5bvjPG1CcwCgYIKoZIzj0EAwIw
NDEyMDAGA1UEAwwpZzJnIHVuaXQtdGVzdCBmaXh0dXJlLCB0cnVzdGVkIGJ5IG5v
dGhpbmcwIBcNMjYxMjA3MTQwOTM5WhgPMjEyNjExMTMxNDA5MzlaMDQxMjAwBgNV
BAMMKWcyZyB1bml0LXRlc3QgZml4dHVyZSwgdHJ1c3RlZCBieSBub3RoaW5nMFkw
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZW1WEt7ZX3CCXUldVWSYb1LdkMsEbWdH
da2KiWxtuHXiiX9fAQLJjEn5CbkIWVySYZ8o9ErWagURjJuJ7/87M6NTMFEwHQYD
VR0OBBYEFDckZRfBeTRFi1E5apXqBjRuy8gFMB8GA1UdIwQYMBaAFDckZRfBeTRF
i1E5apXqBjRuy8gFMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIg
diAmfqs7PSx5rrOk/hOsIPEReRC2ImUU14otd1SItBkCIBfshPv4+L+sa8Ctascr
l4N6tnQ6Xo1FYgATW0Jb2FsW
-----END CERTIFICATE-----
`;
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgUjiEls1Jg8RZrksv
zLzZ+sCd3RO7H6yPIjBII/hVEeehRANCAARlbVYS3tlfcIJdSV1VZJhvUt2QywRt
Z0d1rYqJbG24deKJf18BAsmMSfkJuQhZXJJhnyj0StZqBRGMm4nv/zsz
-----END PRIVATE KEY-----
`;
const otherKey = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
const encryptedKey = () =>
  generateKeyPairSync('ec', { namedCurve: 'prime256v1', privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;

const PASSWORD = 'correct horse battery staple';

/** A file system of the given files; any other path is missing. */
function filesOf(files: Record<string, string>): { read: (path: string) => string; reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    read: (path) => {
      reads.push(path);
      if (path in files) return files[path];
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    },
  };
}

const scram = { KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_USERNAME: 'g2g-intake', KAFKA_SASL_PASSWORD: PASSWORD };

/** The problems the settings are refused for (fails the test when they are taken). */
function refusal(env: NodeJS.ProcessEnv, files: Record<string, string> = {}): KafkaSecurityConfigError {
  try {
    readKafkaSecurity(env, filesOf(files).read);
  } catch (error) {
    if (error instanceof KafkaSecurityConfigError) return error;
    throw error;
  }
  throw new Error('the settings were taken');
}

describe('readKafkaSecurity', () => {
  it('with nothing set is PLAINTEXT, without TLS or SASL, and reads no file', () => {
    const fs = filesOf({});
    expect(readKafkaSecurity({}, fs.read)).toEqual({ protocol: 'PLAINTEXT', tls: null, sasl: null });
    expect(fs.reads).toEqual([]);
  });

  it('takes SASL_SSL with a user and a password, SCRAM-SHA-512 unless told, trusting the system CAs', () => {
    const s = readKafkaSecurity(scram, filesOf({}).read);
    expect(s).toMatchObject({ protocol: 'SASL_SSL', tls: { ca: null, client: null }, sasl: { mechanism: 'scram-sha-512', username: 'g2g-intake' } });
    expect(s.sasl!.password.reveal()).toBe(PASSWORD);
  });

  it.each([
    ['scram-sha-256', 'scram-sha-256'],
    ['SCRAM-SHA-256', 'scram-sha-256'],
    ['SCRAM-SHA-512', 'scram-sha-512'],
    ['plain', 'plain'],
    [' PLAIN ', 'plain'],
  ])('takes the mechanism %p as %p', (text, mechanism) => {
    expect(readKafkaSecurity({ ...scram, KAFKA_SASL_MECHANISM: text }).sasl!.mechanism).toBe(mechanism);
  });

  it('takes the protocol in any case', () => {
    expect(readKafkaSecurity({ ...scram, KAFKA_SECURITY_PROTOCOL: 'sasl_ssl' }).protocol).toBe('SASL_SSL');
  });

  it('reads the password from a mounted secret, without the newline that ends the file', () => {
    const fs = filesOf({ '/run/secrets/kafka-password': `${PASSWORD}\n` });
    const s = readKafkaSecurity({ ...scram, KAFKA_SASL_PASSWORD: undefined, KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka-password' }, fs.read);
    expect(s.sasl!.password.reveal()).toBe(PASSWORD);
    expect(fs.reads).toEqual(['/run/secrets/kafka-password']);
  });

  it('refuses a protocol it does not know, naming the ones it does', () => {
    expect(refusal({ KAFKA_SECURITY_PROTOCOL: 'TLS' }).problems).toEqual(['KAFKA_SECURITY_PROTOCOL=TLS is not one of PLAINTEXT, SSL, SASL_SSL, SASL_PLAINTEXT']);
  });

  it('refuses a mechanism it does not know', () => {
    expect(refusal({ ...scram, KAFKA_SASL_MECHANISM: 'GSSAPI' }).problems).toEqual(['KAFKA_SASL_MECHANISM=GSSAPI is not one of scram-sha-512, scram-sha-256, plain']);
  });

  it('refuses SASL without a user or a password, and says both', () => {
    expect(refusal({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' }).problems).toEqual([
      'KAFKA_SASL_USERNAME is not set: SASL needs a user',
      'neither KAFKA_SASL_PASSWORD nor KAFKA_SASL_PASSWORD_FILE is set: SASL needs a password',
    ]);
  });

  it('refuses a password given both ways', () => {
    expect(refusal({ ...scram, KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka-password' }, { '/run/secrets/kafka-password': PASSWORD }).problems).toEqual([
      'KAFKA_SASL_PASSWORD and KAFKA_SASL_PASSWORD_FILE are both set: give one',
    ]);
  });

  it('refuses a password file it cannot read, or one that is empty', () => {
    const env = { ...scram, KAFKA_SASL_PASSWORD: undefined, KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka-password' };
    expect(refusal(env).problems).toEqual(['KAFKA_SASL_PASSWORD_FILE: cannot read /run/secrets/kafka-password (ENOENT)']);
    expect(refusal(env, { '/run/secrets/kafka-password': '\n' }).problems).toEqual(['KAFKA_SASL_PASSWORD_FILE (/run/secrets/kafka-password) is empty']);
  });

  it('refuses credentials when the protocol would not use them, rather than connect without them', () => {
    expect(refusal({ KAFKA_SASL_USERNAME: 'g2g-intake', KAFKA_SASL_PASSWORD: PASSWORD }).problems).toEqual([
      'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are set, but KAFKA_SECURITY_PROTOCOL is PLAINTEXT, which logs in with no user: set it to SASL_SSL',
    ]);
    expect(refusal({ KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SASL_USERNAME: 'g2g-intake' }).problems).toEqual([
      'KAFKA_SASL_USERNAME is set, but KAFKA_SECURITY_PROTOCOL is SSL, which logs in with no user: set it to SASL_SSL',
    ]);
  });

  it('refuses TLS files when the protocol is not encrypted', () => {
    expect(refusal({ KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem' }).problems).toEqual([
      'KAFKA_SSL_CA_FILE is set, but KAFKA_SECURITY_PROTOCOL is PLAINTEXT, which uses no TLS: set it to SSL or SASL_SSL',
    ]);
  });

  it('refuses SASL without TLS unless KAFKA_ALLOW_UNENCRYPTED_SASL says it is meant', () => {
    const env = { ...scram, KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT' };
    expect(refusal(env).problems).toEqual([expect.stringMatching(/^KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT sends the login .* unencrypted: use SASL_SSL, or set KAFKA_ALLOW_UNENCRYPTED_SASL=true/)]);
    expect(refusal({ ...env, KAFKA_ALLOW_UNENCRYPTED_SASL: 'false' }).problems).toHaveLength(1);
    expect(refusal({ ...env, KAFKA_ALLOW_UNENCRYPTED_SASL: 'yes' }).problems).toEqual([
      'KAFKA_ALLOW_UNENCRYPTED_SASL=yes is not true or false',
      expect.stringMatching(/^KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT sends/),
    ]);
    expect(readKafkaSecurity({ ...env, KAFKA_ALLOW_UNENCRYPTED_SASL: 'true' })).toMatchObject({ protocol: 'SASL_PLAINTEXT', tls: null, sasl: { username: 'g2g-intake' } });
  });

  it('takes a CA file of one or several certificates', () => {
    const one = readKafkaSecurity({ ...scram, KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem' }, filesOf({ '/etc/kafka/ca.pem': CERT }).read);
    expect(one.tls!.ca).toEqual({ file: '/etc/kafka/ca.pem', pem: CERT });
    const bundle = readKafkaSecurity({ ...scram, KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem' }, filesOf({ '/etc/kafka/ca.pem': CERT + CERT }).read);
    expect(bundle.tls!.ca!.pem).toBe(CERT + CERT);
  });

  it('refuses a CA file that holds no certificate, a broken one, or that is not there: node would trust nothing without a word', () => {
    const env = { ...scram, KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem' };
    expect(refusal(env, { '/etc/kafka/ca.pem': KEY }).problems).toEqual(['KAFKA_SSL_CA_FILE (/etc/kafka/ca.pem) holds no PEM certificate (-----BEGIN CERTIFICATE-----)']);
    const broken = CERT.replace('MIIBvjCC', 'MIIBvjXX');
    expect(refusal(env, { '/etc/kafka/ca.pem': CERT + broken }).problems).toEqual(['KAFKA_SSL_CA_FILE (/etc/kafka/ca.pem): certificate 2 of 2 cannot be read']);
    expect(refusal(env).problems).toEqual(['KAFKA_SSL_CA_FILE: cannot read /etc/kafka/ca.pem (ENOENT)']);
  });

  describe('mutual TLS', () => {
    const env = { KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_CERT_FILE: '/etc/kafka/client.pem', KAFKA_SSL_KEY_FILE: '/etc/kafka/client.key' };

    it('takes a certificate and its own key', () => {
      const s = readKafkaSecurity(env, filesOf({ '/etc/kafka/client.pem': CERT, '/etc/kafka/client.key': KEY }).read);
      expect(s.tls!.client).toMatchObject({ certFile: '/etc/kafka/client.pem', cert: CERT, keyFile: '/etc/kafka/client.key' });
      expect(s.tls!.client!.key.reveal()).toBe(KEY);
    });

    it('refuses a certificate without a key, and a key without a certificate', () => {
      expect(refusal({ ...env, KAFKA_SSL_KEY_FILE: undefined }).problems).toEqual(['KAFKA_SSL_CERT_FILE is set without KAFKA_SSL_KEY_FILE: mutual TLS needs both']);
      expect(refusal({ ...env, KAFKA_SSL_CERT_FILE: '' }).problems).toEqual(['KAFKA_SSL_KEY_FILE is set without KAFKA_SSL_CERT_FILE: mutual TLS needs both']);
    });

    it('refuses a key that is not the certificate’s', () => {
      expect(refusal(env, { '/etc/kafka/client.pem': CERT, '/etc/kafka/client.key': otherKey() }).problems).toEqual([
        'KAFKA_SSL_KEY_FILE (/etc/kafka/client.key) is not the key of the certificate in KAFKA_SSL_CERT_FILE (/etc/kafka/client.pem)',
      ]);
    });

    it('refuses an encrypted key, and a file that holds no key', () => {
      expect(refusal(env, { '/etc/kafka/client.pem': CERT, '/etc/kafka/client.key': encryptedKey() }).problems).toEqual([
        'KAFKA_SSL_KEY_FILE (/etc/kafka/client.key) is encrypted: give the key unencrypted (PEM, as a mounted secret)',
      ]);
      expect(refusal(env, { '/etc/kafka/client.pem': CERT, '/etc/kafka/client.key': CERT }).problems).toEqual([expect.stringMatching(/^KAFKA_SSL_KEY_FILE \(\/etc\/kafka\/client\.key\) holds no PEM private key/)]);
    });
  });

  it('says every problem at once', () => {
    const error = refusal({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem', KAFKA_SASL_MECHANISM: 'md5' });
    expect(error.problems).toEqual([
      'KAFKA_SSL_CA_FILE: cannot read /etc/kafka/ca.pem (ENOENT)',
      'KAFKA_SASL_MECHANISM=md5 is not one of scram-sha-512, scram-sha-256, plain',
      'KAFKA_SASL_USERNAME is not set: SASL needs a user',
      'neither KAFKA_SASL_PASSWORD nor KAFKA_SASL_PASSWORD_FILE is set: SASL needs a password',
    ]);
    expect(error.message).toBe(`Kafka security settings cannot be used (docs/kafka-security.md):\n${error.problems.map((p) => `  - ${p}`).join('\n')}`);
  });

  it.each([
    ['with the protocol left at PLAINTEXT', { KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: PASSWORD }],
    ['given both ways', { ...scram, KAFKA_SASL_PASSWORD_FILE: '/p' }],
    ['without TLS', { ...scram, KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT' }],
    ['with a bad mechanism', { ...scram, KAFKA_SASL_MECHANISM: 'x' }],
  ])('never says the password in a refusal (a password %s)', (_what, env) => {
    const error = refusal(env, { '/p': PASSWORD });
    expect(error.message).not.toContain(PASSWORD);
    expect(inspect(error)).not.toContain(PASSWORD);
  });
});

describe('Secret', () => {
  it('is said as [secret] however it is printed, and only reveal() gives it', () => {
    const holder = { password: new Secret(PASSWORD) };
    for (const shown of [JSON.stringify(holder), inspect(holder, { showHidden: true, depth: 5 }), `${holder.password}`, String(holder.password)]) {
      expect(shown).toContain('[secret]');
      expect(shown).not.toContain(PASSWORD);
    }
    expect(holder.password.reveal()).toBe(PASSWORD);
  });
});

describe('kafkaClientSecurity: the settings as kafkajs takes them', () => {
  const read = filesOf({ '/ca.pem': CERT, '/client.pem': CERT, '/client.key': KEY }).read;
  const of = (env: NodeJS.ProcessEnv) => kafkaClientSecurity(readKafkaSecurity(env, read));

  it('PLAINTEXT: neither TLS nor SASL', () => {
    expect(of({})).toEqual({});
  });

  it('SSL without a CA file: TLS with the system CAs (no `ca`, which would replace them)', () => {
    expect(of({ KAFKA_SECURITY_PROTOCOL: 'SSL' })).toEqual({ ssl: {} });
  });

  it('SASL_SSL with a CA and a client certificate: all of it, the password and key revealed', () => {
    expect(of({ ...scram, KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256', KAFKA_SSL_CA_FILE: '/ca.pem', KAFKA_SSL_CERT_FILE: '/client.pem', KAFKA_SSL_KEY_FILE: '/client.key' })).toEqual({
      ssl: { ca: CERT, cert: CERT, key: KEY },
      sasl: { mechanism: 'scram-sha-256', username: 'g2g-intake', password: PASSWORD },
    });
  });

  it('SASL_PLAINTEXT, when allowed: SASL alone', () => {
    expect(of({ ...scram, KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', KAFKA_ALLOW_UNENCRYPTED_SASL: '1' })).toEqual({ sasl: { mechanism: 'scram-sha-512', username: 'g2g-intake', password: PASSWORD } });
  });
});

describe('describeKafkaSecurity', () => {
  it.each<[string, NodeJS.ProcessEnv, string]>([
    ['PLAINTEXT', {}, 'PLAINTEXT: unencrypted, unauthenticated'],
    ['SSL', { KAFKA_SECURITY_PROTOCOL: 'SSL' }, "SSL: TLS, brokers' certificates checked against the system's CAs"],
    ['SASL_SSL', { ...scram, KAFKA_SSL_CA_FILE: '/ca.pem', KAFKA_SSL_CERT_FILE: '/client.pem', KAFKA_SSL_KEY_FILE: '/client.key' }, "SASL_SSL: SASL SCRAM-SHA-512 as g2g-intake; TLS, brokers' certificates checked against /ca.pem; client certificate /client.pem"],
  ])('says how %s connects, and no secret', (_name, env, line) => {
    const security: KafkaSecurity = readKafkaSecurity(env, filesOf({ '/ca.pem': CERT, '/client.pem': CERT, '/client.key': KEY }).read);
    const said = describeKafkaSecurity(security);
    expect(said).toBe(line);
    expect(said).not.toContain(PASSWORD);
    expect(said).not.toContain('PRIVATE KEY');
  });
});
