import 'reflect-metadata';
import { readConfig, runServices, stopOnSignals } from '@g2g/platform';
import { cessionService } from '../../cession/src/cession.module';
import { compensationService } from '../../compensation/src/compensation.module';
import { intakeService } from '../../intake/src/intake.module';
import { reportingService } from '../../reporting/src/reporting.module';
import { underwritingService } from '../../underwriting/src/underwriting.module';

export const allServices = [intakeService, underwritingService, cessionService, compensationService, reportingService];

/** The whole platform in one process: embedded PostgreSQL, in-database transport, one HTTP port. */
async function main() {
  const config = readConfig(process.env);
  stopOnSignals(await runServices(allServices, config));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
