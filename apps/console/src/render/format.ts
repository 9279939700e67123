import { formatCount, formatMultiple, formatPercent, formatShare, formatYuanText } from '../../../cli/src/format';

/**
 * How a value reads on screen. The platform's amounts are exact decimal strings of yuan (integer
 * fen in the services); they are grouped by thousands as text, never through a binary float.
 */
export type Kind = 'text' | 'yuan' | 'count' | 'share' | 'percent' | 'multiple' | 'date';

const NUMERIC = /^-?\d+(\.\d+)?$/;

export function display(value: unknown, kind: Kind): string {
  if (value === null || value === undefined || value === '') return kind === 'text' || kind === 'date' ? '' : '—';
  const text = String(value);
  if (!NUMERIC.test(text)) return text;
  switch (kind) {
    case 'yuan':
      return formatYuanText(text);
    case 'count':
      return formatCount(text);
    case 'share':
      return formatShare(text);
    case 'percent':
      return formatPercent(text);
    case 'multiple':
      return formatMultiple(text);
    default:
      return text;
  }
}

/** Whether a kind is a number (right-aligned, and written as a number where that is exact). */
export const isNumeric = (kind: Kind) => kind !== 'text' && kind !== 'date';

/** The kind of a figure of GET /figures from its name (dotted path, participant codes after the first part). */
export function kindOfFigure(path: string): Kind {
  const [head, tail] = [path.split('.')[0], path.split('.').slice(1).join('.')];
  if (head === 'leverage') return 'multiple';
  if (head.endsWith('_pct') || tail === 'rate_pct') return 'percent';
  if (head.includes('share')) return 'share';
  if (tail === 'count' || tail === 'borrowers' || head === 'borrowers_served') return 'count';
  return 'yuan';
}

/** A decimal string of yuan as a number of 100 million yuan (亿元), for drawing a chart only: labels stay exact text. */
export function yuanForDrawing(text: string | null | undefined, unit = 100_000_000): number {
  if (!text || !NUMERIC.test(text)) return 0;
  return Number(text) / unit;
}
