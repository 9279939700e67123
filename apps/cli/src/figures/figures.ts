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
  ['list', 'list'],
];

/**
 * An ISO 8601 time with its zone (Z or +08:00), seconds and fractions optional. The zone is
 * required: a time without one would mean whatever zone the server happens to run in.
 */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Checks --as-of: a real ISO 8601 time with a zone. */
export function asOfTime(text: string): string {
  if (!ISO_TIME.test(text) || Number.isNaN(Date.parse(text))) {
    throw new UsageError(`--as-of must be an ISO 8601 time with its zone, e.g. 2025-06-30T16:00:00Z or 2025-07-01T00:00+08:00, not ${JSON.stringify(text)}`);
  }
  return text;
}

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
  const asOf = opts.string('as-of');
  if (asOf !== undefined) query.as_of = asOfTime(asOf);
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

export function formatValue(value: unknown, path: readonly string[]): string {
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
export function figureRows(value: unknown, path: string[] = [], depth = 0, labels: Readonly<Record<string, string>> = {}): string[][] {
  const rows: string[][] = [];
  if (typeof value !== 'object' || value === null) return [[label(path[path.length - 1] ?? ''), formatValue(value, path)]];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, v] of entries) {
    const indent = '  '.repeat(depth);
    const childPath = [...path, key];
    const name = labels[childPath.join('.')] ?? label(key);
    if (typeof v === 'object' && v !== null) {
      const empty = Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
      rows.push([`${indent}${name}`, empty ? '-' : '']);
      if (!empty) rows.push(...figureRows(v, childPath, depth + 1, labels));
    } else {
      rows.push([`${indent}${name}`, formatValue(v, childPath)]);
    }
  }
  return rows;
}

/**
 * The figures of domain.md 7 in three groups: what was issued in the period, what left the books
 * in it (released, claimed, recovered), and the positions at the end of its last day. Keys are the
 * server's; the labels are for people. A figure the client does not know is listed at the end.
 */
export const FIGURE_SECTIONS: readonly { title: (to: string) => string; figures: readonly (readonly [key: string, label: string])[] }[] = [
  {
    title: () => 'issued in the period',
    figures: [
      ['new_guarantees', 'new guarantees'],
      ['borrowers_served', 'borrowers served'],
      ['share_at_most_5m_per_borrower', 'share <= 5 m per borrower'],
      ['inclusive_share', 'inclusive share'],
      ['fund_backed_share', 'Fund-backed share'],
      ['listed_share', 'share to listed enterprises'],
      ['sci_tech', 'sci-tech'],
      ['average_guarantee_fee_rate_pct', 'average guarantee fee rate'],
      ['average_interest_rate_pct', 'average interest rate'],
      ['guarantee_fees', 'guarantee fees'],
      ['reguarantee_fees', 're-guarantee fees'],
    ],
  },
  {
    title: () => 'released, claimed and recovered in the period',
    figures: [
      ['released', 'released (repaid to zero or claimed)'],
      ['compensation', 'compensation (claims paid)'],
      ['support', 'support paid, by re-guarantor and Fund'],
      ['recoveries', 'recoveries, by party'],
    ],
  },
  {
    title: (to) => `at the end of ${to}`,
    figures: [
      ['outstanding_balance', 'outstanding balance'],
      ['risk_borne', 'risk borne, by party'],
      ['leverage', 'leverage, by guarantor'],
    ],
  },
];

/** Labels of figures inside a group, by key path. */
const CHILD_LABELS: Readonly<Record<string, string>> = {
  'released.principal': 'original principal',
  'compensation.rate_pct': 'rate, of released principal',
};

/** Keys that describe the request rather than a figure: they go in the heading. */
const REQUEST_KEYS = new Set(['from', 'to', 'period', 'slice', 'as_of']);

/** The human table of a figures answer, with the period, slice and as-of time it was asked for. */
export function renderFigures(figures: unknown, query: Query): string {
  const slice = Object.entries(query)
    .filter(([k, v]) => k !== 'from' && k !== 'to' && k !== 'as_of' && v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  const body: Record<string, unknown> = typeof figures === 'object' && figures !== null ? { ...(figures as Record<string, unknown>) } : { figures };
  const asOf = typeof body.as_of === 'string' ? body.as_of : query.as_of !== undefined ? String(query.as_of) : undefined;
  let head = `figures for ${String(query.from)} to ${String(query.to)}${slice ? ` (${slice})` : ' (everything)'}`;
  if (asOf) head += `\nas the platform knew them at ${asOf}`;
  for (const k of REQUEST_KEYS) delete body[k];

  const rows: string[][] = [];
  for (const section of FIGURE_SECTIONS) {
    const present = section.figures.filter(([key]) => key in body);
    if (present.length === 0) continue;
    if (rows.length > 0) rows.push(['', '']);
    rows.push([section.title(String(query.to)), '']);
    for (const [key, name] of present) {
      rows.push(...figureRows({ [key]: body[key] }, [], 1, { [key]: name, ...CHILD_LABELS }));
      delete body[key];
    }
  }
  if (Object.keys(body).length > 0) {
    if (rows.length > 0) rows.push(['', '']);
    rows.push(['other figures', '']);
    rows.push(...figureRows(body, [], 1));
  }
  return `${head}\n\n${table(rows)}`;
}

export const figuresCommand: Command = {
  name: 'figures',
  summary: "regulators' figures for a period and slice (domain.md 7), now or as known at a past time",
  flags: ['from', 'to', 'as-of', ...SLICE_FLAGS.map(([flag]) => flag), 'risk-label'],
  help: `Usage: g2g figures --from YYYY-MM-DD --to YYYY-MM-DD [slice options] [--as-of TIME] [--json]

The reporting figures for business dates from..to (inclusive), within a slice: new business,
guarantees released, compensation (claims paid, by claimed_on) and its rate over the released
principal, support paid by each re-guarantor and the Fund, recoveries by party, and at the end of
--to the outstanding balance, the risk each party bears and each guarantor's leverage.
Amounts are yuan, shares fractions of 1 (shown as %), rates in percent, leverage a multiple;
"n/a" marks a ratio with a zero denominator (or a guarantor without net assets).
Uses the operator key unless --key or --as (e.g. --as NFRA) names another.

Options:
  --as-of TIME               the figures as the platform knew them at TIME (events recorded by
                             then), an ISO 8601 time with zone: 2025-06-30T16:00:00Z,
                             2025-07-01T00:00+08:00
Slice options:
  --programme ID             --bank CODE              --fund-backed true|false
  --guarantor CODE           --reguarantor CODE       --province NN
  --industry-section LETTER  --borrower-type TYPE     --list ID
                             (--list: the guarantees whose borrower was on the list when issued)
  --risk-label CODE          the guarantees the risk model labelled CODE (TERM_AT_EDGE, ...:
                             docs/risk-model.md)
  --json                     the server's answer as is`,
  async run(ctx: Context) {
    ctx.opts.positionals(0, '');
    const query = figuresQuery(ctx);
    // a slice of the figures alone (not of the series and breakdowns made of them): not in SLICE_FLAGS
    const riskLabel = ctx.opts.string('risk-label');
    if (riskLabel !== undefined) query.risk_label = riskLabel;
    const client = ctx.client('reporting', { kind: 'operator' });
    const { body } = await client.get<unknown>('/figures', query);
    if (ctx.json) await ctx.printJson(body);
    else await ctx.print(renderFigures(body, query));
  },
};
