import { SERVICING_KINDS } from '../batch/kinds';
import { resultsCommand } from '../batch/results';
import { submitCommand } from '../batch/submit';
import { Command } from '../context';

/**
 * `g2g repayments|claims|recoveries submit|results`: the later interfaces of the bank batch
 * (domain.md section 4), through the very code of `g2g batch submit` and `g2g batch results`.
 */
export const servicingCommands: readonly Command[] = SERVICING_KINDS.flatMap((spec) => [submitCommand(spec), resultsCommand(spec)]);
