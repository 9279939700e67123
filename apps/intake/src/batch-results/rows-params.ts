import { WholeNumber, problem } from '@g2g/platform';
import { IsIn, IsOptional, Matches } from 'class-validator';

export const OUTCOMES = ['invalid', 'pending', 'approved', 'accepted', 'rejected'] as const;
export type RowOutcome = (typeof OUTCOMES)[number];

/**
 * `GET /banks/{bank}/{kind}/{batchRef}/rows`: the page (rows numbered above `after`, `limit` of
 * them) and the filters (only the rows of an `outcome`, only those carrying a result `code`).
 */
export class RowsParams {
  @WholeNumber(0, 2_147_483_647)
  after = 0;

  @WholeNumber(1, 10_000)
  limit = 1_000;

  @IsOptional()
  @IsIn(OUTCOMES, problem('BAD_OUTCOME', `outcome: one of ${OUTCOMES.join(', ')}`))
  outcome?: RowOutcome;

  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9_]{0,63}$/, problem('BAD_CODE', 'code: a result code such as QUOTA or MALFORMED_DATE'))
  code?: string;
}
