import { KafkaSecurity, readKafkaSecurity } from './kafka-security';

/** Settings from the environment, read once at start-up. */
export interface PlatformConfig {
  mode: 'embedded' | 'distributed';
  /** distributed: the PostgreSQL server */
  databaseUrl: string;
  /** embedded: where the embedded PostgreSQL keeps its files */
  dataDir: string;
  kafkaBrokers: string[];
  /**
   * prefix of every Kafka topic and group name (KAFKA_NAMESPACE), to share a cluster between
   * environments: `ceo` names the topics `ceo.g2g...`; a value that ends in `.`, `-` or `_` is used as
   * it is (`ceo-` gives `ceo-g2g...`)
   */
  kafkaNamespace: string;
  /** how the relays compress what they produce (KAFKA_COMPRESSION: gzip or none) */
  kafkaCompression: 'gzip' | 'none';
  /** TLS and SASL towards Kafka (KAFKA_SECURITY_PROTOCOL and the rest: docs/kafka-security.md), checked here */
  kafkaSecurity: KafkaSecurity;
  /** HTTP port; in distributed mode each service has its own default */
  port?: number;
  host: string;
  /** the file connector's drop folder (G2G_INBOX_DIR); embedded default .g2g/inbox, off when empty */
  inboxDir: string | null;
  /** where the operator's key is kept when G2G_OPERATOR_KEY is not set */
  operatorKeyFile: string;
  /** an upload's hold on its batch lapses when its process stops renewing it for this long (G2G_UPLOAD_LEASE_MS) */
  uploadLeaseMs: number;
  /** an upload that sends no byte for this long is cut off (G2G_UPLOAD_STALL_MS) */
  uploadStallMs: number;
  /** the file connector picks up a file once its size and time have not changed for this long (G2G_FILE_SETTLE_MS) */
  fileSettleMs: number;
  /**
   * which of several processes of the same service this is (G2G_INSTANCE, e.g. `2`): appended to
   * its database application name and Kafka client id, so that each can be told apart; none by default
   */
  instance: string | null;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const mode = env.G2G_MODE === 'distributed' ? 'distributed' : 'embedded';
  return {
    mode,
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/g2g',
    dataDir: env.G2G_DATA_DIR ?? '.g2g/data',
    kafkaNamespace: kafkaNamespace(env.KAFKA_NAMESPACE),
    kafkaCompression: env.KAFKA_COMPRESSION === 'gzip' ? 'gzip' : 'none',
    kafkaSecurity: readKafkaSecurity(env),
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean),
    port: env.PORT ? Number(env.PORT) : undefined,
    host: env.HOST ?? '127.0.0.1',
    inboxDir: env.G2G_INBOX_DIR !== undefined ? env.G2G_INBOX_DIR || null : mode === 'embedded' ? '.g2g/inbox' : null,
    operatorKeyFile: env.G2G_OPERATOR_KEY_FILE ?? '.g2g/operator-key',
    uploadLeaseMs: milliseconds(env.G2G_UPLOAD_LEASE_MS, 30_000),
    uploadStallMs: milliseconds(env.G2G_UPLOAD_STALL_MS, 60_000),
    fileSettleMs: milliseconds(env.G2G_FILE_SETTLE_MS, 2_000),
    instance: env.G2G_INSTANCE || null,
  };
}

function kafkaNamespace(text: string | undefined): string {
  const namespace = (text ?? '').trim();
  if (namespace === '' || /[._-]$/.test(namespace)) return namespace;
  return `${namespace}.`;
}

function milliseconds(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a number of milliseconds: ${text}`);
  return n;
}
