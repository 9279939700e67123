import { isValidDate } from '@g2g/domain';
import { Check, problem } from '@g2g/platform';
import { IsOptional } from 'class-validator';

/** The body of `POST /programmes/{id}/resume`, optional: the business date of the resumption. */
export class ResumeBody {
  @IsOptional()
  @Check((d) => typeof d === 'string' && isValidDate(d), problem('BAD_DATE', 'resumed_on: YYYY-MM-DD'))
  resumed_on?: string | null;
}
