import { cessionService } from '../../cession/src/cession.module';
import { compensationService } from '../../compensation/src/compensation.module';
import { intakeService } from '../../intake/src/intake.module';
import { reportingService } from '../../reporting/src/reporting.module';
import { underwritingService } from '../../underwriting/src/underwriting.module';

/** The five services, in the order the embedded platform starts them. */
export const allServices = [intakeService, underwritingService, cessionService, compensationService, reportingService];
