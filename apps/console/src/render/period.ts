import { SLICE_FLAGS } from '../../../cli/src/figures/figures';
import type { Query } from '../api/api';
import { Html, html } from './html';
import { Label, Lang, t } from './i18n';

/** The slice parameters of GET /figures, each with its label. */
const SLICE_LABELS: Record<string, Label> = {
  programme: 'programme',
  bank: 'bank',
  fund_backed: 'fundBacked',
  guarantor: 'guarantor',
  reguarantor: 'reguarantor',
  province: 'province',
  industry_section: 'industrySection',
  borrower_type: 'borrowerType',
  list: 'list',
};
export const SLICE_PARAMS: readonly string[] = SLICE_FLAGS.map(([, param]) => param);
const BORROWER_TYPES = ['micro', 'small', 'medium', 'individual_business', 'farmer', 'agri_entity'];

/** A period, a slice and an as-of time as a page was asked for them. */
export interface PeriodQuery {
  from: string;
  to: string;
  /** what the visitor typed (a China-time datetime-local value, or an ISO time with its zone) */
  asOfInput: string;
  slice: Record<string, string>;
}

/** Today in China (business dates are China time). */
export const chinaToday = (now = new Date()) => new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** The page's period: as asked, else from the first day of last year to today. */
export function periodOf(q: Record<string, unknown>, today = chinaToday()): PeriodQuery {
  const slice: Record<string, string> = {};
  for (const p of SLICE_PARAMS) if (text(q[p])) slice[p] = text(q[p]);
  return { from: text(q.from) || `${Number(today.slice(0, 4)) - 1}-01-01`, to: text(q.to) || today, asOfInput: text(q.as_of), slice };
}

/** A datetime-local value is China time; anything else goes to the API as typed (which checks it). */
export function asOfParam(input: string): string | undefined {
  if (!input) return undefined;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(input)) return `${input}:00+08:00`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(input)) return `${input}+08:00`;
  return input;
}

/** The API's query for a period: from, to, the slice and as_of. */
export const apiQuery = (p: PeriodQuery): Query => ({ from: p.from, to: p.to, ...p.slice, as_of: asOfParam(p.asOfInput) });

/** The page's own query (as typed), to carry into links. */
export const pageQuery = (p: PeriodQuery): Query => ({ from: p.from, to: p.to, ...p.slice, as_of: p.asOfInput });

/** The form above a page: the period, the as-of time and, where the page takes one, the slice (with the values the page knows of). */
export function periodForm(lang: Lang, p: PeriodQuery, action: string, options: { slice?: boolean; known?: Record<string, readonly string[]>; extra?: Html } = {}): Html {
  const field = (name: string, label: string, input: Html) => html`<label for="f-${name}">${label}${input}</label>`;
  const sliceFields = options.slice
    ? SLICE_PARAMS.map((param) => {
        const label = t(lang, SLICE_LABELS[param]);
        const value = p.slice[param] ?? '';
        if (param === 'fund_backed' || param === 'borrower_type') {
          const choices = param === 'fund_backed' ? ['true', 'false'] : BORROWER_TYPES;
          const name = (c: string) => (param === 'fund_backed' ? t(lang, c === 'true' ? 'yes' : 'no') : c);
          return field(param, label, html`<select id="f-${param}" name="${param}"><option value="">${t(lang, 'all')}</option>${choices.map((c) => html`<option value="${c}"${c === value ? html` selected` : ''}>${name(c)}</option>`)}</select>`);
        }
        const known = options.known?.[param] ?? [];
        return field(
          param,
          label,
          html`<input id="f-${param}" name="${param}" value="${value}" size="12"${known.length > 0 ? html` list="known-${param}"` : ''}>${known.length > 0 ? html`<datalist id="known-${param}">${known.map((k) => html`<option value="${k}"></option>`)}</datalist>` : ''}`,
        );
      })
    : '';
  return html`<form class="query" method="get" action="${action}">
${field('from', t(lang, 'from'), html`<input id="f-from" name="from" type="date" value="${p.from}" required>`)}
${field('to', t(lang, 'to'), html`<input id="f-to" name="to" type="date" value="${p.to}" required>`)}
${field('as_of', t(lang, 'asOf'), html`<input id="f-as_of" name="as_of" type="datetime-local" step="1" value="${/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(p.asOfInput) ? p.asOfInput : ''}">`)}
${sliceFields}${options.extra ?? ''}
<button type="submit">${t(lang, 'show')}</button></form>`;
}

/** One line under a page's title: the period, the slice and the as-of time the numbers are for. */
export function periodLine(lang: Lang, p: PeriodQuery, asOf: string | null): Html {
  const slice = Object.entries(p.slice).map(([k, v]) => `${t(lang, SLICE_LABELS[k])}=${v}`);
  return html`<p class="note">${t(lang, 'period')}: ${p.from} – ${p.to}${slice.length > 0 ? ` · ${t(lang, 'slice')}: ${slice.join(', ')}` : ''} · ${asOf ? `${t(lang, 'asOfThen')} ${asOf}` : t(lang, 'asOfNow')} · ${t(lang, 'yuanNote')}</p>`;
}
