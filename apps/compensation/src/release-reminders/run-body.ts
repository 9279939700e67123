import { isValidDate } from '@g2g/domain';
import { Check, problem } from '@g2g/platform';
import { IsOptional } from 'class-validator';

/** The body of `POST /reminders/run`, optional: the business date to send the reminders of. */
export class RunRemindersBody {
  @IsOptional()
  @Check((d) => typeof d === 'string' && isValidDate(d), problem('BAD_DATE', 'on: YYYY-MM-DD'))
  on?: string | null;
}
