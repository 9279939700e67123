import { WholeNumber, problem, Check } from '@g2g/platform';
import { IsIn, IsOptional } from 'class-validator';
import { FiguresParams } from '../figures-api/figures-params';
import { BEHIND, Behind } from './guarantees';

/**
 * `GET /guarantees`: the parameters of `GET /figures`, the figure whose guarantees are listed
 * (`behind`), loan ids starting with `loan_id`, and the page (`after` the last guarantee id read, `limit`).
 */
export class GuaranteesParams extends FiguresParams {
  @IsIn(BEHIND, problem('BAD_FIGURE', `behind: one of ${BEHIND.join(', ')}`))
  behind: Behind = 'new_guarantees';

  @IsOptional()
  loan_id?: string;

  @IsOptional()
  @Check((after) => typeof after === 'string' && after !== '' && after.length <= 300, problem('BAD_AFTER', 'after: the last guarantee id of the page before'))
  after?: string;

  @WholeNumber(1, 1_000)
  limit = 50;
}
