import 'reflect-metadata';
import { readConfig, runServices, stopOnSignals } from '@g2g/platform';
import { intakeService } from './intake.module';

/** The intake service alone: distributed mode unless G2G_MODE says otherwise. */
async function main() {
  const config = readConfig({ G2G_MODE: 'distributed', ...process.env });
  stopOnSignals(await runServices([intakeService], config));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
