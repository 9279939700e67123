import { Database, Migration, StatisticsKeeper, migrate, storeMigrations } from '@g2g/event-store';
import { EmbeddedTransport, G2gServer, KafkaTransport, MessageTransport, PassErrorsToTransport } from '@g2g/messaging';
import { DynamicModule, INestApplication, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { PlatformConfig } from './config';
import { describeKafkaSecurity, kafkaClientSecurity } from './kafka-security';
import { EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';
import { ApiDocsController } from './api-docs.controller';
import { HealthController, PlatformState } from './health.controller';
import { prepareHttp } from './http-edge';
import { MetricsController } from './metrics/metrics.controller';
import { PlatformMetrics } from './metrics/platform-metrics';
import { correlateRequests, platformLogger } from './logging/logger';
import { startTracing, traceHttp } from './tracing/tracing';
import { Authenticator, operatorKey } from './auth/auth';
import { BackupController, BackupSettings } from './backup/backup.controller';
import { StateProjection } from './state/state-projection';

/** The routes every process serves beside its services' own: health, the API document, metrics, backup. */
export const PLATFORM_CONTROLLERS = [HealthController, ApiDocsController, MetricsController, BackupController];

/** What a service module is given: the database, the message transport and the settings. */
export interface Platform {
  db: Database;
  transport: MessageTransport;
  config: PlatformConfig;
}

/** One of the services (intake, underwriting, ...): its schema, its migrations, its Nest module. */
export interface ServiceDefinition {
  name: string;
  /** the PostgreSQL schema it owns; its consumers are named `{schema}.{purpose}` */
  schema: string;
  defaultPort: number;
  /** its own tables; versions above 100 (the store's tables come first) */
  migrations: readonly Migration[];
  module(platform: Platform): DynamicModule;
  /** its state, a projection of its own log: what a rebuild and a restore replay */
  state: StateProjection;
  /** the gauges of its own state (read when /metrics is scraped), beside the platform's */
  watch?(platform: Platform, metrics: PlatformMetrics): void;
}

export interface RunningPlatform {
  app: INestApplication;
  platform: Platform;
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts services in this process: all five in embedded mode (embedded PostgreSQL, in-database
 * transport), or any subset against PostgreSQL and Kafka in distributed mode. The service code is
 * the same either way; only the database and the transport differ.
 */
export async function runServices(services: readonly ServiceDefinition[], config: PlatformConfig, options: { modules?: readonly DynamicModule[] } = {}): Promise<RunningPlatform> {
  const logger = platformLogger(services.map((s) => s.name).join('+'), process.env, config.mode);
  Logger.overrideLogger(logger);
  const log = new Logger('g2g');
  const tracing = startTracing(services.map((s) => s.name));
  const instanceSuffix = config.instance ? `#${config.instance}` : '';
  let embedded: EmbeddedPostgres | undefined;
  let db: Database;
  if (config.mode === 'embedded') {
    embedded = await startEmbeddedPostgres(config.dataDir);
    db = await Database.connect({ socket: embedded.socket, poolSize: 1, applicationName: 'g2g-embedded' });
  } else {
    await ensureDatabase(config.databaseUrl);
    db = await Database.connect({ url: config.databaseUrl, poolSize: 10, applicationName: `g2g-${services.map((s) => s.name).join('+')}${instanceSuffix}` });
  }
  for (const s of services) {
    const applied = await migrate(db, s.schema, [...storeMigrations, ...s.migrations]);
    if (applied.length > 0) log.log(`${s.name}: applied migrations ${applied.join(', ')}`);
  }
  const transport: MessageTransport =
    config.mode === 'embedded'
      ? new EmbeddedTransport(db, { log: (line) => log.warn(line) })
      : new KafkaTransport(db, {
          brokers: config.kafkaBrokers,
          clientId: `g2g-${services.map((s) => s.name).join('-')}${instanceSuffix}`,
          relaySchemas: services.map((s) => s.schema),
          namespace: config.kafkaNamespace,
          compression: config.kafkaCompression,
          security: kafkaClientSecurity(config.kafkaSecurity),
          log: (line) => log.warn(line),
        });
  if (config.mode === 'distributed') log.log(`Kafka ${config.kafkaBrokers.join(', ')}: ${describeKafkaSecurity(config.kafkaSecurity)}`);
  const platform: Platform = { db, transport, config };
  const state = new PlatformState(platform, services.map((s) => s.name));
  const metrics = new PlatformMetrics(services.map((s) => s.name));
  db.observer = { appended: (schema, seconds) => metrics.appended(schema, seconds) };
  metrics.watchPlatform(db, transport, services.map((s) => s.schema));
  for (const s of services) s.watch?.(platform, metrics);

  @Module({
    // other modules served on the same port, which own no schema (the embedded platform's console)
    imports: [...services.map((s) => s.module(platform)), ...(options.modules ?? [])],
    controllers: [...PLATFORM_CONTROLLERS],
    providers: [
      // the operator's routes of the platform itself (backup, restore) check keys against the first service's copy
      { provide: Authenticator, useValue: new Authenticator(db, services[0].schema, operatorKey(process.env, config.operatorKeyFile)) },
      { provide: PlatformState, useValue: state },
      { provide: BackupSettings, useValue: new BackupSettings(db, config.mode, services.map((s) => ({ name: s.name, schema: s.schema, state: s.state }))) },
      { provide: PlatformMetrics, useValue: metrics },
    ],
  })
  class RootModule {}

  const app = await NestFactory.create(RootModule, { logger, bodyParser: false });
  metrics.timeHttp(app);
  traceHttp(app);
  correlateRequests(app);
  prepareHttp(app);
  app
    .connectMicroservice({ strategy: new G2gServer(transport) }, { deferInitialization: true })
    .useGlobalFilters(new PassErrorsToTransport());
  const port = config.port ?? (services.length === 1 ? services[0].defaultPort : 8080);
  // HTTP first: a restarted service answers (health: not ready yet) while its consumers rejoin their groups
  await app.listen(port, config.host);
  await app.startAllMicroservices();
  const url = await app.getUrl();
  const statistics = new StatisticsKeeper(db, services.map((s) => s.schema), { log: (line) => log.warn(line) });
  statistics.start();
  state.markStarted();
  log.log(`${services.map((s) => s.name).join(', ')} ready (${config.mode}) on ${url}`);
  process.send?.({ ready: url }); // a parent that forked this process (tests, benchmark) learns the address

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      state.markStopping();
      await app.close(); // stops consuming (in-flight batches commit or roll back), then HTTP
      await statistics.stop();
      await db.close();
      await embedded?.stop();
      await tracing?.shutdown();
    })());
  return { app, platform, url, stop };
}

/** Stops cleanly on SIGTERM/SIGINT: no batch is half applied, nothing acknowledged is lost. */
export function stopOnSignals(running: RunningPlatform): void {
  const handler = (signal: string) => {
    new Logger('g2g').log(`${signal}: stopping`);
    running.stop().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
}

/** Creates the database named in the URL when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, '')) || 'postgres';
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) {
      await client.query(`create database "${name.replaceAll('"', '""')}"`).catch((e: { code?: string }) => {
        if (e.code !== '42P04' && e.code !== '23505') throw e;
      });
    }
  } finally {
    await client.end();
  }
}
