import { Check, problem } from '@g2g/platform';
import { isValidDate } from '@g2g/domain';
import { FiguresParams, PeriodEnd } from '../figures-api/figures-params';
import { DIMENSIONS, Dimension } from './figures-series';

/** The longest series a request may ask for, in months. */
export const MAX_MONTHS = 120;

const monthsOf = (from: string, to: string) => (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) + 1;

/** `GET /figures/monthly`: the parameters of `GET /figures`, over at most 120 months. */
export class MonthlyParams extends FiguresParams {
  // a subclass's checks of a field replace its parent's: the period's own is named again
  @Check((to, q: MonthlyParams) => !(isValidDate(q.from) && isValidDate(to)) || monthsOf(q.from, to) <= MAX_MONTHS, problem('BAD_PERIOD', `a series covers at most ${MAX_MONTHS} months`))
  @PeriodEnd()
  declare to: string;
}

const asked = (text: unknown) =>
  String(text ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);

/** `GET /figures/breakdown?by=bank,guarantor,...`: the parameters of `GET /figures`, and the dimensions to break it down by. */
export class BreakdownParams extends FiguresParams {
  @Check(
    (by) => typeof by === 'string' && asked(by).length > 0 && asked(by).every((d) => (DIMENSIONS as readonly string[]).includes(d)),
    problem('BAD_BREAKDOWN', `by: one or more of ${DIMENSIONS.join(', ')}, separated by commas`),
  )
  by!: string;

  dimensions(): Dimension[] {
    return [...new Set(asked(this.by))] as Dimension[];
  }
}
