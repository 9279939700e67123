import { problem } from '@g2g/platform';
import { IsIn } from 'class-validator';
import { FiguresParams } from '../figures-api/figures-params';
import { ROLL_FORWARD_BY, RollForwardBy } from './roll-forward';

/** `GET /roll-forward`: the parameters of `GET /figures`, and a line per guarantor (the default) or per programme. */
export class RollForwardParams extends FiguresParams {
  @IsIn(ROLL_FORWARD_BY, problem('BAD_ROLL_FORWARD', `by: ${ROLL_FORWARD_BY.join(' or ')}`))
  by: RollForwardBy = 'guarantor';
}
