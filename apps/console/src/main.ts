import 'reflect-metadata';
import { MetricsController, PlatformMetrics, platformLogger, prepareHttp } from '@g2g/platform';
import { Controller, Get, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { serviceUrl } from '../../cli/src/config';
import { ConsoleModule } from './console.module';
import { SessionSeal } from './session/session';

export const CONSOLE_PORT = 8086;

@Controller('health')
class ConsoleHealth {
  @Get('live')
  live() {
    return { status: 'up', services: ['console'] };
  }

  /** The console keeps no state and reads the services per request: up is ready. */
  @Get('ready')
  ready() {
    return { status: 'ready', services: ['console'] };
  }
}

/**
 * The console as a process of its own (distributed mode): it serves /console on PORT (default
 * 8086) and calls each service at its own address, named as the g2g client names them
 * (G2G_INTAKE_URL, G2G_UNDERWRITING_URL, G2G_CESSION_URL, G2G_COMPENSATION_URL, G2G_REPORTING_URL,
 * each defaulting to G2G_URL). Sessions are sealed with G2G_CONSOLE_SECRET; without it, with a
 * secret drawn at start, so that every session ends when the process stops.
 */
async function main() {
  const env = process.env;
  const logger = platformLogger('console', env, 'distributed');
  Logger.overrideLogger(logger);
  const log = new Logger('console');
  const { seal, persistent } = SessionSeal.fromEnvironment(env);
  if (!persistent) log.warn('G2G_CONSOLE_SECRET is not set: sessions are sealed with a secret of this process and end when it stops');
  const metrics = new PlatformMetrics(['console']);
  @Module({
    imports: [ConsoleModule.register({ urlOf: (service) => serviceUrl(service, env), seal })],
    controllers: [ConsoleHealth, MetricsController],
    providers: [{ provide: PlatformMetrics, useValue: metrics }],
  })
  class ConsoleRoot {}
  const app = await NestFactory.create(ConsoleRoot, { logger, bodyParser: false });
  metrics.timeHttp(app);
  prepareHttp(app);
  await app.listen(env.PORT ? Number(env.PORT) : CONSOLE_PORT, env.HOST ?? '127.0.0.1');
  const url = await app.getUrl();
  log.log(`console ready on ${url}/console`);
  process.send?.({ ready: url });
  const stop = (signal: string) => {
    log.log(`${signal}: stopping`);
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
