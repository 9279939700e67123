import { Controller, Get, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { Row, Table } from '../exports/table';
import { PageTable, respond } from '../exports/respond';
import { chart, policyLine } from '../render/charts';
import { ConsoleErrors } from '../render/error-pages';
import { display, kindOfFigure, yuanForDrawing } from '../render/format';
import { Html, html, queryString } from '../render/html';
import { Label, Lang, t, tOr } from '../render/i18n';
import { PeriodQuery, apiQuery, pageQuery, periodForm, periodLine, periodOf } from '../render/period';
import { ConsoleSettings, SignedIn, SignedInGuard, VisitorOf } from '../session/signed-in';
import type { BreakdownRow, MonthFigures } from '../../../reporting/src/figures-series/figures-series';
import type { ProgrammeState } from '../../../reporting/src/programme-states/programme-states';

type Figures = Record<string, unknown> & { as_of: string | null; leverage: Record<string, string | null> };
type Month = MonthFigures;
export type { ProgrammeState };
type Breakdown = Record<'programme' | 'bank' | 'guarantor' | 'province' | 'industry_section', BreakdownRow[]> & { programmes: ProgrammeState[] };

const DIMENSIONS = [
  ['bank', 'bank', 'byBank'],
  ['guarantor', 'guarantor', 'byGuarantor'],
  ['province', 'province', 'byProvince'],
  ['industry_section', 'industry_section', 'byIndustry'],
  ['programme', 'programme', 'byProgramme'],
] as const satisfies readonly (readonly [keyof Breakdown, string, Label])[];

/** The figures a drill-down lists the guarantees of, by the figure's name. */
export function behindOf(figure: string): string | undefined {
  if (figure.startsWith('new_guarantees.')) return 'new_guarantees';
  if (figure === 'outstanding_balance') return 'outstanding_balance';
  if (figure.startsWith('released.')) return 'released';
  if (figure === 'compensation.count' || figure === 'compensation.amount') return 'compensation';
  return undefined;
}

/** Every figure of a GET /figures answer as [dotted name, value], in the answer's order. */
export function figureEntries(f: Record<string, unknown>): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(f)) {
    if (k === 'period' || k === 'slice' || k === 'as_of') continue;
    if (v !== null && typeof v === 'object') for (const [k2, v2] of Object.entries(v)) out.push([`${k}.${k2}`, v2]);
    else out.push([k, v]);
  }
  return out;
}

function figureLabel(lang: Lang, name: string): string {
  if (name in { 'new_guarantees.count': 1, 'new_guarantees.principal': 1, 'released.count': 1, 'released.principal': 1, 'compensation.count': 1, 'compensation.amount': 1, 'compensation.rate_pct': 1, 'sci_tech.borrowers': 1, 'sci_tech.principal': 1 }) return tOr(lang, name);
  const [head, ...rest] = name.split('.');
  return rest.length > 0 ? `${tOr(lang, head)} · ${rest.join('.')}` : tOr(lang, head);
}

/**
 * The regulator's and the operator's dashboard: the figures of domain.md 7 for a period and a
 * slice (as of a time), and the charts drawn from them. Three reads make the page, whatever it
 * shows: GET /figures, GET /figures/monthly and GET /figures/breakdown.
 */
@Controller('console/dashboard')
@UseGuards(SignedInGuard)
@UseFilters(ConsoleErrors)
export class DashboardController {
  constructor(private readonly settings: ConsoleSettings) {}

  @Get()
  async dashboard(@VisitorOf() { session, visitor: v }: SignedIn, @Query() q: Record<string, unknown>, @Res() res: Response) {
    const p = periodOf(q);
    const api = this.settings.api;
    const query = apiQuery(p);
    const [figures, monthly, breakdown] = await Promise.all([
      api.get<Figures>('reporting', '/figures', session.key, query),
      api.get<{ months: Month[] }>('reporting', '/figures/monthly', session.key, query),
      api.get<Breakdown>('reporting', '/figures/breakdown', session.key, { ...query, by: DIMENSIONS.map(([d]) => d).join(',') }),
    ]);
    const lang = v.lang;
    const drill = (row: Row) => {
      const behind = behindOf(String(row.figure));
      return behind ? `/console/guarantees${queryString({ ...pageQuery(p), behind })}` : undefined;
    };
    const tables: PageTable[] = [
      { table: figuresTable(lang, figures, drill) },
      { table: monthlyTable(lang, monthly.months) },
      { table: programmesTable(lang, breakdown.programmes) },
      ...DIMENSIONS.map(([d, param, label]) => ({ table: breakdownTable(lang, d, param, t(lang, label), breakdown[d] ?? [], p) })),
    ];
    const known = Object.fromEntries(DIMENSIONS.map(([d, param]) => [param, (breakdown[d] ?? []).map((r) => r.key)]));
    await respond(res, v, q, t(lang, 'dashboard'), tables, (shown) =>
      html`${periodForm(lang, p, '/console/dashboard', { slice: true, known })}
${periodLine(lang, p, figures.as_of)}
${cards(lang, figures, p)}
<h2>${t(lang, 'monthly')}</h2>
<div class="charts">${monthlyCharts(lang, monthly.months)}</div>
${shown('monthly')}
<h2>${t(lang, 'byProgramme')}</h2>
<div class="charts">${lossRatioChart(lang, breakdown.programmes)}${leverageChart(lang, figures.leverage)}</div>
${shown('programmes')}
<h2>${t(lang, 'slice')}</h2>
<div class="charts">${DIMENSIONS.slice(0, 4).map(([d, , label]) => breakdownChart(`${t(lang, label)}: ${t(lang, 'chartBreakdown')}`, lang, breakdown[d] ?? []))}</div>
${DIMENSIONS.map(([d]) => shown(`by-${d}`))}
<h2>${t(lang, 'figures')}</h2>
${shown('figures')}`,
    );
  }
}

const HEADLINE = ['new_guarantees.count', 'new_guarantees.principal', 'outstanding_balance', 'borrowers_served', 'inclusive_share', 'share_at_most_5m_per_borrower', 'compensation.amount', 'compensation.rate_pct'];

function cards(lang: Lang, f: Figures, p: PeriodQuery): Html {
  const entries = new Map(figureEntries(f));
  return html`<div class="cards">${HEADLINE.map((name) => {
    const value = entries.get(name);
    const behind = behindOf(name);
    const shown = display(value, kindOfFigure(name));
    const number = html`<span data-figure="${name}" data-value="${value === null || value === undefined ? '' : String(value)}">${shown}</span>`;
    return html`<div class="card"><p class="name">${figureLabel(lang, name)}</p><p class="number">${behind ? html`<a href="/console/guarantees${queryString({ ...pageQuery(p), behind })}">${number}</a>` : number}</p></div>`;
  })}</div>`;
}

function figuresTable(lang: Lang, f: Figures, drill: (row: Row) => string | undefined): Table {
  return {
    id: 'figures',
    title: t(lang, 'figures'),
    columns: [
      { key: 'label', label: t(lang, 'figure'), kind: 'text' },
      { key: 'figure', label: 'data-figure', kind: 'text' },
      { key: 'value', label: t(lang, 'value'), kind: 'text', kindOf: (r) => kindOfFigure(String(r.figure)), figure: (r) => String(r.figure), href: drill },
    ],
    rows: figureEntries(f).map(([name, value]) => ({ label: figureLabel(lang, name), figure: name, value: value === null || value === undefined ? null : String(value) })),
  };
}

function monthlyTable(lang: Lang, months: Month[]): Table {
  const col = (key: string, label: string, kind: 'count' | 'yuan' | 'share', figure: string) => ({ key, label, kind, figure: () => figure });
  return {
    id: 'monthly',
    title: t(lang, 'monthly'),
    columns: [
      { key: 'month', label: t(lang, 'month'), kind: 'text' },
      col('new_count', t(lang, 'new_guarantees.count'), 'count', 'new_guarantees.count'),
      col('new_principal', t(lang, 'new_guarantees.principal'), 'yuan', 'new_guarantees.principal'),
      col('outstanding', t(lang, 'outstanding_balance'), 'yuan', 'outstanding_balance'),
      col('inclusive', t(lang, 'inclusive_share'), 'share', 'inclusive_share'),
      col('small', t(lang, 'share_at_most_5m_per_borrower'), 'share', 'share_at_most_5m_per_borrower'),
      col('released', t(lang, 'released.count'), 'count', 'released.count'),
      col('compensation', t(lang, 'compensation.amount'), 'yuan', 'compensation.amount'),
    ],
    rows: months.map((m) => ({
      month: m.month,
      from: m.period.from,
      to: m.period.to,
      new_count: m.new_guarantees.count,
      new_principal: m.new_guarantees.principal,
      outstanding: m.outstanding_balance,
      inclusive: m.inclusive_share,
      small: m.share_at_most_5m_per_borrower,
      released: m.released.count,
      compensation: m.compensation.amount,
    })),
    rowAttributes: (r) => ({ period: `${r.from}..${r.to}` }),
  };
}

export function programmesTable(lang: Lang, programmes: ProgrammeState[]): Table {
  return {
    id: 'programmes',
    title: t(lang, 'breakerState'),
    columns: [
      { key: 'programme', label: t(lang, 'programme'), kind: 'text' },
      { key: 'principal_guaranteed', label: t(lang, 'principalGuaranteed'), kind: 'yuan' },
      { key: 'compensation', label: t(lang, 'compensation.amount'), kind: 'yuan' },
      { key: 'loss_ratio_pct', label: t(lang, 'lossRatio'), kind: 'percent' },
      { key: 'fund_cap_pct', label: t(lang, 'fundCap'), kind: 'percent' },
      { key: 'breaker_pct', label: t(lang, 'breaker'), kind: 'percent' },
      { key: 'state', label: t(lang, 'breakerState'), kind: 'text' },
      { key: 'suspended_on', label: t(lang, 'suspendedOn'), kind: 'date' },
    ],
    rows: programmes.map((s) => ({ ...s, state: t(lang, s.suspended ? 'suspended' : 'running') })),
  };
}

function breakdownTable(lang: Lang, id: string, param: string, title: string, rows: BreakdownRow[], p: PeriodQuery): Table {
  const col = (key: string, label: Label, kind: 'count' | 'yuan' | 'percent', figure: string) => ({ key, label: t(lang, label), kind, figure: () => figure });
  return {
    id: `by-${id}`,
    title,
    columns: [
      { key: 'key', label: t(lang, 'key'), kind: 'text', href: (r) => `/console/dashboard${queryString({ ...pageQuery(p), [param]: String(r.key) })}` },
      col('new_count', 'new_guarantees.count', 'count', 'new_guarantees.count'),
      col('new_principal', 'new_guarantees.principal', 'yuan', 'new_guarantees.principal'),
      col('outstanding', 'outstanding_balance', 'yuan', 'outstanding_balance'),
      col('released', 'released.count', 'count', 'released.count'),
      col('compensation', 'compensation.amount', 'yuan', 'compensation.amount'),
      col('rate', 'compensation.rate_pct', 'percent', 'compensation.rate_pct'),
    ],
    rows: rows.map((r) => ({
      key: r.key,
      new_count: r.new_guarantees.count,
      new_principal: r.new_guarantees.principal,
      outstanding: r.outstanding_balance,
      released: r.released.count,
      compensation: r.compensation.amount,
      rate: r.compensation.rate_pct,
    })),
    rowAttributes: (r) => ({ slice: `${param}=${r.key}` }),
  };
}

const axisLabel = { color: '#222' };
const category = (data: string[]) => ({ type: 'category', data, axisLabel: { ...axisLabel, interval: 0, rotate: data.length > 8 ? 45 : 0 } });
const value = (name: string) => ({ type: 'value', name, nameTextStyle: { color: '#222' }, axisLabel });
/** a share as a percentage for drawing; a month with nothing issued has none (a gap in the line) */
const pct = (share: string | null) => (share === null ? '-' : Number(share) * 100);

function monthlyCharts(lang: Lang, months: Month[]): Html[] {
  const labels = months.map((m) => m.month);
  const grid = { left: 70, right: 30, top: 40, bottom: 60 };
  return [
    chart(t(lang, 'chartOutstanding'), {
      grid,
      xAxis: category(labels),
      yAxis: value(lang === 'zh' ? '亿元' : '100 m yuan'),
      series: [{ type: 'line', name: t(lang, 'outstanding_balance'), data: months.map((m) => yuanForDrawing(m.outstanding_balance)) }],
    }),
    chart(t(lang, 'chartNew'), {
      grid,
      xAxis: category(labels),
      yAxis: value(lang === 'zh' ? '亿元' : '100 m yuan'),
      series: [{ type: 'bar', name: t(lang, 'new_guarantees.principal'), data: months.map((m) => yuanForDrawing(m.new_guarantees.principal)) }],
    }),
    chart(t(lang, 'chartShares'), {
      grid,
      legend: { top: 0, textStyle: axisLabel },
      xAxis: category(labels),
      yAxis: { ...value('%'), min: 0, max: 100 },
      series: [
        { type: 'line', name: t(lang, 'inclusive_share'), data: months.map((m) => pct(m.inclusive_share)), markLine: { symbol: 'none', data: [policyLine(80, t(lang, 'line80'))] } },
        { type: 'line', name: t(lang, 'share_at_most_5m_per_borrower'), data: months.map((m) => pct(m.share_at_most_5m_per_borrower)), markLine: { symbol: 'none', data: [policyLine(50, t(lang, 'line50'))] } },
      ],
    }),
  ];
}

function lossRatioChart(lang: Lang, programmes: ProgrammeState[]): Html {
  const n = (s: string | null) => (s === null ? 0 : Number(s));
  return chart(t(lang, 'chartLossRatio'), {
    grid: { left: 60, right: 30, top: 40, bottom: 60 },
    legend: { top: 0, textStyle: axisLabel },
    xAxis: category(programmes.map((s) => s.programme)),
    yAxis: value('%'),
    series: [
      { type: 'bar', name: t(lang, 'lossRatio'), data: programmes.map((s) => n(s.loss_ratio_pct)), barMaxWidth: 60 },
      { type: 'scatter', name: t(lang, 'fundCap'), symbol: 'rect', symbolSize: [48, 3], data: programmes.map((s) => n(s.fund_cap_pct)) },
      { type: 'scatter', name: t(lang, 'breaker'), symbol: 'rect', symbolSize: [48, 3], data: programmes.map((s) => n(s.breaker_pct)) },
    ],
  });
}

function leverageChart(lang: Lang, leverage: Record<string, string | null>): Html {
  const guarantors = Object.keys(leverage);
  return chart(t(lang, 'chartLeverage'), {
    grid: { left: 60, right: 30, top: 40, bottom: 60 },
    xAxis: category(guarantors),
    yAxis: { ...value('x'), max: (v: { max: number }) => Math.max(16, Math.ceil(v.max)) },
    series: [
      {
        type: 'bar',
        name: t(lang, 'leverage'),
        barMaxWidth: 60,
        data: guarantors.map((g) => (leverage[g] === null ? 0 : Number(leverage[g]))),
        label: { show: true, position: 'top', color: '#222', formatter: (x: { dataIndex: number }) => display(leverage[guarantors[x.dataIndex]], 'multiple') },
        markLine: { symbol: 'none', data: [policyLine(10, '10x'), policyLine(15, '15x')] },
      },
    ],
  });
}

function breakdownChart(title: string, lang: Lang, rows: BreakdownRow[]): Html {
  return chart(title, {
    grid: { left: 70, right: 30, top: 40, bottom: 60 },
    legend: { top: 0, textStyle: axisLabel },
    xAxis: category(rows.map((r) => r.key)),
    yAxis: value(lang === 'zh' ? '亿元' : '100 m yuan'),
    series: [
      { type: 'bar', name: t(lang, 'new_guarantees.principal'), data: rows.map((r) => yuanForDrawing(r.new_guarantees.principal)) },
      { type: 'bar', name: t(lang, 'outstanding_balance'), data: rows.map((r) => yuanForDrawing(r.outstanding_balance)) },
    ],
  });
}
