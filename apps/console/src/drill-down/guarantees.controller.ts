import { Controller, Get, Param, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { describeMessage, messageLabel } from '../../../cli/src/feed/messages';
import { Column, Row, Table } from '../exports/table';
import { respond } from '../exports/respond';
import { ConsoleErrors } from '../render/error-pages';
import { display } from '../render/format';
import { html, queryString } from '../render/html';
import { Label, Lang, t } from '../render/i18n';
import { apiQuery, pageQuery, periodForm, periodLine, periodOf } from '../render/period';
import { ConsoleSettings, SignedIn, SignedInGuard, VisitorOf } from '../session/signed-in';

interface GuaranteePage {
  as_of: string | null;
  totals: { count: number; principal: string; outstanding: string; compensation: string };
  guarantees: Row[];
  next: string | null;
}

const BEHIND: readonly string[] = ['new_guarantees', 'outstanding_balance', 'released', 'compensation'];

/** The figures a list's totals equal, by what the list stands behind: [total's key, figure name]. */
const TOTAL_FIGURES: Record<string, readonly (readonly [keyof GuaranteePage['totals'], string])[]> = {
  new_guarantees: [
    ['count', 'new_guarantees.count'],
    ['principal', 'new_guarantees.principal'],
  ],
  outstanding_balance: [['outstanding', 'outstanding_balance']],
  released: [
    ['count', 'released.count'],
    ['principal', 'released.principal'],
  ],
  compensation: [
    ['count', 'compensation.count'],
    ['compensation', 'compensation.amount'],
  ],
};

/** Who may read a loan's history (GET /loans/{bank}/{loanId}/history): the list links to it for them. */
const READS_HISTORY = new Set(['bank', 'regulator', 'operator']);

/**
 * The drill-down: the guarantees behind a figure, a page at a time, filtered by the slice and a
 * loan id prefix (GET /guarantees), each leading to its loan's history
 * (GET /loans/{bank}/{loanId}/history). The list's totals carry the figure's name, and equal it.
 */
@Controller('console')
@UseGuards(SignedInGuard)
@UseFilters(ConsoleErrors)
export class GuaranteesController {
  constructor(private readonly settings: ConsoleSettings) {}

  @Get('guarantees')
  async list(@VisitorOf() { session, visitor: v }: SignedIn, @Query() q: Record<string, unknown>, @Res() res: Response) {
    const p = periodOf(q);
    const lang = v.lang;
    const behind = BEHIND.includes(String(q.behind)) ? String(q.behind) : 'new_guarantees';
    const loanId = typeof q.loan_id === 'string' ? q.loan_id.trim() : '';
    const after = typeof q.after === 'string' && q.after ? q.after : undefined;
    const query = { ...apiQuery(p), behind, loan_id: loanId };
    const api = this.settings.api;
    const found = await api.get<GuaranteePage>('reporting', '/guarantees', session.key, { ...query, after, limit: 50 });
    const history = READS_HISTORY.has(v.kind);
    const table = guaranteesTable(lang, found.guarantees, history);
    const all = async function* () {
      for await (const page of api.pages<GuaranteePage>('reporting', '/guarantees', session.key, { ...query, limit: 1000 })) yield page.guarantees;
    };
    const here = { ...pageQuery(p), behind, loan_id: loanId };
    const totals = TOTAL_FIGURES[behind].map(
      ([key, figure]) => html`<li>${t(lang, figure as Label)}: <strong data-figure="${figure}" data-value="${String(found.totals[key])}">${display(found.totals[key], key === 'count' ? 'count' : 'yuan')}</strong></li>`,
    );
    const behindChoice = html`<label for="f-behind">${t(lang, 'figure')}<select id="f-behind" name="behind">${BEHIND.map((b) => html`<option value="${b}"${b === behind ? html` selected` : ''}>${t(lang, b as Label)}</option>`)}</select></label>
<label for="f-loan_id">${t(lang, 'loanIdPrefix')}<input id="f-loan_id" name="loan_id" value="${loanId}" size="16"></label>`;
    await respond(res, v, q, `${t(lang, 'guaranteesBehind')}: ${t(lang, behind as Label)}`, [{ table, all }], (shown) =>
      html`${periodForm(lang, p, '/console/guarantees', { slice: true, extra: behindChoice })}
${periodLine(lang, p, found.as_of)}
<h2>${t(lang, 'totals')}</h2><ul class="totals">${totals}</ul>
${shown('guarantees')}
<p>${after ? html`<a href="/console/guarantees${queryString(here)}">${t(lang, 'firstPage')}</a> · ` : ''}${found.next ? html`<a rel="next" href="/console/guarantees${queryString({ ...here, after: found.next })}">${t(lang, 'nextPage')}</a>` : ''}</p>`,
    );
  }

  @Get('loans/:bank/:loanId')
  async loan(@VisitorOf() { session, visitor: v }: SignedIn, @Param('bank') bank: string, @Param('loanId') loanId: string, @Query() q: Record<string, unknown>, @Res() res: Response) {
    const lang = v.lang;
    const h = await this.settings.api.get<{ guarantee_id: string; events: { event: string; business_date: string | null; recorded_at: string; data: unknown }[] }>(
      'reporting',
      `/loans/${encodeURIComponent(bank)}/${encodeURIComponent(loanId)}/history`,
      session.key,
    );
    const table: Table = {
      id: 'history',
      title: `${t(lang, 'history')}: ${h.guarantee_id}`,
      columns: [
        { key: 'business_date', label: t(lang, 'businessDate'), kind: 'date' },
        { key: 'recorded_at', label: t(lang, 'recordedAt'), kind: 'text' },
        { key: 'event', label: t(lang, 'event'), kind: 'text' },
        { key: 'details', label: t(lang, 'details'), kind: 'text' },
      ],
      rows: h.events.map((e) => ({ business_date: e.business_date, recorded_at: e.recorded_at, event: messageLabel(e.event, lang), details: describeMessage(e.event, e.data, undefined, lang) })),
    };
    await respond(res, v, q, `${t(lang, 'history')}: ${h.guarantee_id}`, [{ table }], (shown) => html`${shown('history')}`);
  }
}

function guaranteesTable(lang: Lang, rows: Row[], history: boolean): Table {
  const c = (key: string, label: Label, kind: Column['kind']): Column => ({ key, label: t(lang, label), kind });
  return {
    id: 'guarantees',
    title: t(lang, 'guarantees'),
    columns: [
      { ...c('loan_id', 'loanId', 'text'), href: history ? (r) => `/console/loans/${encodeURIComponent(String(r.bank))}/${encodeURIComponent(String(r.loan_id))}` : undefined },
      c('bank', 'bank', 'text'),
      c('programme', 'programme', 'text'),
      c('guarantor', 'guarantor', 'text'),
      c('province', 'province', 'text'),
      c('industry_section', 'industrySection', 'text'),
      c('borrower_type', 'borrowerType', 'text'),
      c('principal', 'principal', 'yuan'),
      c('outstanding', 'outstanding', 'yuan'),
      c('issued_on', 'issuedOn', 'date'),
      c('matures_on', 'maturesOn', 'date'),
      c('released_on', 'releasedOn', 'date'),
      c('claimed_on', 'claimedOn', 'date'),
      c('compensation', 'compensation.amount', 'yuan'),
    ],
    rows,
  };
}
