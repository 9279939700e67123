import { UsageError } from '../args';
import { Command, Context } from '../context';
import { formatCount, formatMultiple, formatPercent, formatShare, formatYuanText, label, table } from '../format';
import { Query } from '../http';

/** Slice flags and the query parameters they become (domain.md 7). */
export const SLICE_FLAGS: readonly (readonly [flag: string, param: string])[] = [
  ['programme', 'programme'],
  ['bank', 'bank'],
  ['fund-backed', 'fund_backed'],
  ['guarantor', 'guarantor'],
  ['reguarantor', 'reguarantor'],
  ['province', 'province'],
  ['industry-section', 'industry_section'],
  ['borrower-type', 'borrower_type'],
];

/** The query of GET /figures from the command's flags. */
export function figuresQuery(ctx: Pick<Context, 'opts'>): Query {
  const { opts } = ctx;
  const from = opts.date('from', true);
  const to = opts.date('to', true);
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  opts.choice('fund-backed', ['true', 'false'] as const);
  const query: Query = { from, to };
  for (const [flag, param] of SLICE_FLAGS) {
    const value = opts.string(flag);
    if (value !== undefined) query[param] = value;
  }
  return query;
}

type Kind = 'yuan' | 'share' | 'percent' | 'multiple' | 'count' | 'plain';

/**
 * How a figure reads, from its key path: shares are fractions of 1 (shown as %), rates are already
 * in percent, leverage is a multiple, other decimal strings are yuan, numbers are counts.
 */
export function kindOf(path: readonly string[]): Kind {
  // Only the figure names (snake_case) count; participant codes (BJ-REG, NFGF) are data.
  const keys = path.filter((k) => /^[a-z0-9_]+$/.test(k));
  const has = (word: string) => keys.some((k) => k.includes(word));
  const last = keys[keys.length - 1] ?? '';
  if (has('leverage') || has('multiple')) return 'multiple';
  if (last.includes('count') || last === 'borrowers' || last.endsWith('_borrowers') || last.startsWith('borrowers_')) return 'count';
  if (has('pct') || has('rate') || has('percent')) return 'percent';
  if (has('share') || has('ratio')) return 'share';
  if (keys.some((k) => k === 'from' || k === 'to' || k.endsWith('_on') || k.endsWith('date'))) return 'plain';
  return 'yuan';
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

function formatValue(value: unknown, path: readonly string[]): string {
  if (value === null || value === undefined) return 'n/a';
  if (typeof value === 'number') return formatCount(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value !== 'string') return JSON.stringify(value);
  if (!DECIMAL.test(value)) return value;
  switch (kindOf(path)) {
    case 'multiple':
      return formatMultiple(value);
    case 'percent':
      return formatPercent(value);
    case 'share':
      return formatShare(value);
    case 'count':
      return formatCount(value);
    case 'plain':
      return value;
    default:
      return formatYuanText(value);
  }
}

/** Figures as rows of [label, value], nested objects indented under their heading. */
export function figureRows(value: unknown, path: string[] = [], depth = 0): string[][] {
  const rows: string[][] = [];
  if (typeof value !== 'object' || value === null) return [[label(path[path.length - 1] ?? ''), formatValue(value, path)]];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, v] of entries) {
    const indent = '  '.repeat(depth);
    const childPath = [...path, key];
    if (typeof v === 'object' && v !== null) {
      const empty = Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
      rows.push([`${indent}${label(key)}`, empty ? '-' : '']);
      if (!empty) rows.push(...figureRows(v, childPath, depth + 1));
    } else {
      rows.push([`${indent}${label(key)}`, formatValue(v, childPath)]);
    }
  }
  return rows;
}

/** The human table of a figures answer, with the period and slice it was asked for. */
export function renderFigures(figures: unknown, query: Query): string {
  const slice = Object.entries(query)
    .filter(([k, v]) => k !== 'from' && k !== 'to' && v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  const head = `figures for ${String(query.from)} to ${String(query.to)}${slice ? ` (${slice})` : ' (everything)'}`;
  const body: Record<string, unknown> = typeof figures === 'object' && figures !== null ? { ...(figures as Record<string, unknown>) } : { figures };
  // The period and slice are in the heading already.
  for (const k of ['from', 'to', 'slice', 'period']) delete body[k];
  return `${head}\n\n${table(figureRows(body))}`;
}

export const figuresCommand: Command = {
  name: 'figures',
  summary: "regulators' figures for a period and slice (domain.md 7)",
  flags: ['from', 'to', ...SLICE_FLAGS.map(([flag]) => flag)],
  help: `Usage: g2g figures --from YYYY-MM-DD --to YYYY-MM-DD [slice options] [--json]

The reporting figures for business dates from..to (inclusive), within a slice. Amounts are yuan,
shares fractions of 1 (shown as %), rates in percent; "n/a" marks a ratio with a zero denominator.
Uses the operator key unless --key or --as (e.g. --as NFRA) names another.

Slice options:
  --programme ID             --bank CODE              --fund-backed true|false
  --guarantor CODE           --reguarantor CODE       --province NN
  --industry-section LETTER  --borrower-type TYPE
  --json                     the server's answer as is`,
  async run(ctx: Context) {
    ctx.opts.positionals(0, '');
    const query = figuresQuery(ctx);
    const client = ctx.client('reporting', { kind: 'operator' });
    const { body } = await client.get<unknown>('/figures', query);
    if (ctx.json) await ctx.printJson(body);
    else await ctx.print(renderFigures(body, query));
  },
};
