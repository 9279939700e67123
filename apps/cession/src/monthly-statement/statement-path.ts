import { problem } from '@g2g/platform';
import { IsString, Matches } from 'class-validator';

/** `GET /statements/{participant}/{month}`: whose statement, and of which month (`YYYY-MM`). */
export class StatementPath {
  @IsString()
  participant!: string;

  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, problem('BAD_MONTH', 'month: YYYY-MM'))
  month!: string;
}
