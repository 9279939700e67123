import 'reflect-metadata';
import { readConfig, runServices, stopOnSignals } from '@g2g/platform';
import { reportingService } from './reporting.module';

/** The reporting service alone: distributed mode unless G2G_MODE says otherwise. */
async function main() {
  const config = readConfig({ G2G_MODE: 'distributed', ...process.env });
  stopOnSignals(await runServices([reportingService], config));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
