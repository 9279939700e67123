import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const KAFKA_SH = join(__dirname, '../../../deploy/kafka/kafka.sh');
const HOST = '127.0.0.1';

type Listener = 'plaintext' | 'controller' | 'saslSsl' | 'mtls';

/**
 * A Kafka broker of a test's own that asks clients to prove who they are, run by
 * deploy/kafka/kafka.sh from the jars it keeps for the shared broker, with its own ports and its
 * own temp folder (data, run files, a throwaway CA and the certificates it signs). Listeners:
 * - `saslSsl`: TLS, then SASL SCRAM-SHA-512 for `user` (made when the storage is formatted);
 * - `mtls`: TLS that requires a client certificate signed by the CA (mutual TLS);
 * - `plaintext`: for kafka.sh's readiness checks and for `configs` (SCRAM users), as an operator's
 *   own listener would be.
 *
 * The folder is made when the object is. `stop()` kills the broker and removes the folder, whatever
 * state `start()` got to: make the object in a `beforeAll` and stop it in the `afterAll`, which runs
 * even when that `beforeAll` failed or timed out.
 */
export class SecuredKafka {
  readonly dir = mkdtempSync(join(tmpdir(), 'g2g-kafka-security-'));
  readonly user = 'g2g-app';
  readonly password = randomBytes(18).toString('base64url');
  /** in `dir`: the CA (PEM) that signed the broker's and the client's certificates, the client's, and the password as a mounted secret */
  readonly files = {
    ca: join(this.dir, 'ca.pem'),
    clientCert: join(this.dir, 'client.pem'),
    clientKey: join(this.dir, 'client.key'),
    password: join(this.dir, 'password'),
  };
  private ports?: Record<Listener, number>;
  /** kafka.sh runs, each in a process group of its own so that stop() can end it with its children */
  private readonly running = new Set<ChildProcess>();
  private stopped = false;

  get plaintext(): string {
    return `${HOST}:${this.port('plaintext')}`;
  }
  get saslSsl(): string {
    return `${HOST}:${this.port('saslSsl')}`;
  }
  get mtls(): string {
    return `${HOST}:${this.port('mtls')}`;
  }

  /** The settings a service would be given to reach `saslSsl` (the password from its file). */
  serviceEnv(): NodeJS.ProcessEnv {
    return {
      KAFKA_BROKERS: this.saslSsl,
      KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: this.user,
      KAFKA_SASL_PASSWORD_FILE: this.files.password,
      KAFKA_SSL_CA_FILE: this.files.ca,
    };
  }

  /** Makes the CA and certificates, writes the broker's settings, starts it and waits until it serves. */
  async start(): Promise<void> {
    if (!existsSync(KAFKA_SH)) throw new Error(`${KAFKA_SH} not found`);
    const [plaintext, controller, saslSsl, mtls] = await freePorts(4);
    this.ports = { plaintext, controller, saslSsl, mtls };
    await this.makeCertificates();
    // `echo secret > file` style: the reader must drop the newline
    writeFileSync(this.files.password, `${this.password}\n`, { mode: 0o600 });
    const at = (name: string) => join(this.dir, name);
    writeFileSync(
      at('broker.properties'),
      [
        `listeners=PLAINTEXT://${HOST}:${plaintext},CONTROLLER://${HOST}:${controller},SASL_SSL://${HOST}:${saslSsl},SSL://${HOST}:${mtls}`,
        `advertised.listeners=PLAINTEXT://${HOST}:${plaintext},SASL_SSL://${HOST}:${saslSsl},SSL://${HOST}:${mtls}`,
        'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL',
        'listener.name.sasl_ssl.sasl.enabled.mechanisms=SCRAM-SHA-512',
        // the broker checks SCRAM logins against the users in its metadata: the module needs no options
        'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
        'listener.name.ssl.ssl.client.auth=required',
        // PEM stores: no keytool, no store passwords (the key is unencrypted, so no ssl.key.password)
        'ssl.keystore.type=PEM',
        `ssl.keystore.location=${at('broker-keystore.pem')}`,
        'ssl.truststore.type=PEM',
        `ssl.truststore.location=${this.files.ca}`,
        '',
      ].join('\n'),
    );
    await this.kafkaSh(['start'], {
      KAFKA_EXTRA_CONFIG: at('broker.properties'),
      KAFKA_ADD_SCRAM: `SCRAM-SHA-512=[name=${this.user},password=${this.password}]`,
      KAFKA_START_TIMEOUT: '60',
    });
  }

  /** kafka-configs against this broker (through its PLAINTEXT listener), e.g. to add or delete a SCRAM user. */
  async configs(args: string[]): Promise<void> {
    await this.kafkaSh(['configs', ...args], {});
  }

  /** The broker's log, for a failing test to show. */
  log(lines = 60): string {
    try {
      return readFileSync(join(this.dir, 'run', 'kafka.log'), 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no broker log)';
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // a start still waiting for the broker holds kafka.sh's lock and has children of its own; once
    // it is gone, any broker it launched is there to be found, pid file written or not
    await Promise.all([...this.running].map((child) => killGroup(child)));
    // SIGKILL: its data goes with the folder, so a clean shutdown would only cost time
    for (const pid of this.brokerPids()) {
      process.kill(pid, 'SIGKILL');
      await gone(pid, 15_000);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private port(name: Listener): number {
    if (!this.ports) throw new Error('the secured broker is not started');
    return this.ports[name];
  }

  /** The pids of this broker: the kafka.Kafka JVMs run with this folder's server.properties. */
  private brokerPids(): number[] {
    const props = join(this.dir, 'run', 'server.properties');
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .filter((name) => {
        try {
          const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
          return args.includes('kafka.Kafka') && args.includes(props);
        } catch {
          return false; // gone meanwhile
        }
      })
      .map(Number);
  }

  private kafkaSh(args: string[], extra: NodeJS.ProcessEnv): Promise<void> {
    const env = {
      ...process.env,
      KAFKA_DATA_DIR: join(this.dir, 'data'),
      KAFKA_RUN_DIR: join(this.dir, 'run'),
      KAFKA_PORT: String(this.port('plaintext')),
      KAFKA_CONTROLLER_PORT: String(this.port('controller')),
      KAFKA_EXTRA_CONFIG: '',
      KAFKA_ADD_SCRAM: '',
      ...extra,
    };
    return new Promise((resolve, reject) => {
      if (this.stopped) return reject(new Error('the secured broker is stopped'));
      const child = spawn('bash', [KAFKA_SH, ...args], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      this.running.add(child);
      let output = '';
      child.stdout!.on('data', (d) => (output += d));
      child.stderr!.on('data', (d) => (output += d));
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        this.running.delete(child);
        if (code === 0) return resolve();
        reject(new Error(`kafka.sh ${args[0]} failed (${signal ?? code}):\n${output.slice(-3_000)}\n${args[0] === 'start' ? this.log() : ''}`));
      });
    });
  }

  /** A CA of this run only, and a certificate it signs for the broker (127.0.0.1) and one for a client. */
  private async makeCertificates(): Promise<void> {
    const at = (name: string) => join(this.dir, name);
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    await openssl(['req', '-x509', ...ec, '-keyout', at('ca.key'), '-out', this.files.ca, '-days', '2', '-subj', '/CN=g2g test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    const signed = async (name: string, subject: string, extensions: string) => {
      writeFileSync(at(`${name}.ext`), extensions);
      await openssl(['req', '-new', ...ec, '-keyout', at(`${name}.key`), '-out', at(`${name}.csr`), '-subj', subject]);
      await openssl(['x509', '-req', '-in', at(`${name}.csr`), '-CA', this.files.ca, '-CAkey', at('ca.key'), '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '2', '-extfile', at(`${name}.ext`), '-out', at(`${name}.pem`)]);
    };
    await Promise.all([
      signed('broker', '/CN=localhost', `subjectAltName=IP:${HOST},DNS:localhost\nextendedKeyUsage=serverAuth\n`),
      signed('client', `/CN=${this.user}`, 'extendedKeyUsage=clientAuth\n'),
    ]);
    // Kafka's PEM key store: the private key (PKCS#8, as openssl writes it) and the certificate in one file
    writeFileSync(at('broker-keystore.pem'), readFileSync(at('broker.key'), 'utf8') + readFileSync(at('broker.pem'), 'utf8'));
  }
}

async function openssl(args: string[]): Promise<void> {
  try {
    await promisify(execFile)('openssl', args);
  } catch (error) {
    throw new Error(`openssl ${args[0]} failed: ${(error as { stderr?: string }).stderr ?? (error as Error).message}`);
  }
}

/** Ports nobody listens on now, all different (each held open until all are found). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, HOST, () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** SIGKILLs a kafka.sh run and its children (its process group), and waits until it has exited. */
async function killGroup(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)));
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  await exited;
}

async function gone(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`the secured broker (pid ${pid}) is still there ${timeoutMs} ms after SIGKILL`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
