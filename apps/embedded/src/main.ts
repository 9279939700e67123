import 'reflect-metadata';
import { readConfig, runServices, stopOnSignals } from '@g2g/platform';
import { Logger } from '@nestjs/common';
import { ConsoleModule } from '../../console/src/console.module';
import { SessionSeal } from '../../console/src/session/session';
import { allServices } from './services';

/**
 * The whole platform in one process: embedded PostgreSQL, in-database transport, one HTTP port;
 * the console at /console on the same port, calling the API of this very process.
 */
async function main() {
  const config = readConfig(process.env);
  const { seal, persistent } = SessionSeal.fromEnvironment(process.env);
  let self = '';
  const running = await runServices(allServices, config, { modules: [ConsoleModule.register({ urlOf: () => self, seal })] });
  self = running.url;
  if (!persistent) new Logger('console').warn('G2G_CONSOLE_SECRET is not set: console sessions end when this process stops');
  stopOnSignals(running);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
