import { RISK_LABEL_CODES } from '@g2g/domain';
import { problem } from '@g2g/platform';
import { IsIn, IsOptional } from 'class-validator';
import { Slice } from '../figures-api/figures';
import { FiguresParams } from '../figures-api/figures-params';

/**
 * `GET /figures` with `risk_label`: the figures of the guarantees the committed model labelled so.
 * Only the figures take it: they are read from the facts for it (a label is no part of a figure
 * cell); the other reads of the figures come from the cells alone.
 */
export class RiskLabelFiguresParams extends FiguresParams {
  @IsOptional() @IsIn([...RISK_LABEL_CODES], problem('BAD_SLICE', `risk_label: one of ${RISK_LABEL_CODES.join(', ')}`)) risk_label?: string;

  override slice(): Slice {
    return { ...super.slice(), ...(this.risk_label ? { riskLabel: this.risk_label } : {}) };
  }
}
