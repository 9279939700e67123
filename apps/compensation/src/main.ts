import 'reflect-metadata';
import { readConfig, runServices, stopOnSignals } from '@g2g/platform';
import { compensationService } from './compensation.module';

/** The compensation service alone: distributed mode unless G2G_MODE says otherwise. */
async function main() {
  const config = readConfig({ G2G_MODE: 'distributed', ...process.env });
  stopOnSignals(await runServices([compensationService], config));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
