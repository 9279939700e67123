import { Controller, Get, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { Column, Row, Table } from '../exports/table';
import { respond } from '../exports/respond';
import { ConsoleErrors } from '../render/error-pages';
import { display } from '../render/format';
import { Html, html, queryString } from '../render/html';
import { Label, Lang, t } from '../render/i18n';
import { apiQuery, pageQuery, periodForm, periodLine, periodOf } from '../render/period';
import { ConsoleSettings, SignedIn, SignedInGuard, VisitorOf } from '../session/signed-in';
import type { RollForwardLine } from '../../../reporting/src/roll-forward/roll-forward';

type Line = RollForwardLine;
interface RollForward {
  as_of: string | null;
  by: 'guarantor' | 'programme';
  lines: Line[];
  total: Line;
}
type Figures = {
  outstanding_balance: string;
  new_guarantees: { count: number; principal: string };
  released: { count: number };
  compensation: { count: number; amount: string };
  support: Record<string, string>;
  recoveries: Record<string, string>;
};
interface Audit {
  violations: string[];
  differences: unknown[];
  events: number;
  guarantees: number;
}

export const SIGNATURES: readonly Label[] = ['unitHead', 'statsHead', 'preparer', 'reportDate'];

/** The day before a date (YYYY-MM-DD), for the balance at the start of a period. */
export function dayBefore(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** Sums amounts by party (exact decimal strings of yuan) to one exact decimal string. */
export function sumYuan(amounts: Record<string, string>): string {
  const fen = Object.values(amounts).reduce((sum, a) => sum + BigInt(a.replace('.', '')), 0n);
  const digits = fen.toString().padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/**
 * The supervisory roll-forward report (GET /roll-forward), per guarantor or per programme, with
 * the signature lines of the statistical forms; tied out against GET /figures for the same period
 * (two reads: the period, and the day before it for the opening balance) and, on request, against
 * the audit (GET /audit, which recomputes the figures from the event log).
 */
@Controller('console/roll-forward')
@UseGuards(SignedInGuard)
@UseFilters(ConsoleErrors)
export class RollForwardController {
  constructor(private readonly settings: ConsoleSettings) {}

  @Get()
  async report(@VisitorOf() { session, visitor: v }: SignedIn, @Query() q: Record<string, unknown>, @Res() res: Response) {
    const p = periodOf(q);
    const lang = v.lang;
    const by = q.by === 'programme' ? 'programme' : 'guarantor';
    const api = this.settings.api;
    const query = apiQuery(p);
    const opening = dayBefore(p.from);
    const [report, figures, before, audit] = await Promise.all([
      api.get<RollForward>('reporting', '/roll-forward', session.key, { ...query, by }),
      api.get<Figures>('reporting', '/figures', session.key, query),
      api.get<Figures>('reporting', '/figures', session.key, { ...query, from: opening, to: opening }),
      q.audit === '1' ? api.get<Audit>('reporting', '/audit', session.key) : Promise.resolve(null),
    ]);
    const signatures = SIGNATURES.map((s) => t(lang, s));
    const table = rollForwardTable(lang, report, signatures);
    const checks: [Label | string, string, string][] = [
      [`${t(lang, 'opening')} (${opening})`, before.outstanding_balance, report.total.opening.amount],
      [t(lang, 'new_guarantees.count'), String(figures.new_guarantees.count), String(report.total.new_guarantees.count)],
      [t(lang, 'new_guarantees.principal'), figures.new_guarantees.principal, report.total.new_guarantees.amount],
      [t(lang, 'released.count'), String(figures.released.count), String(report.total.decreased.count)],
      [`${t(lang, 'closing')} (${p.to})`, figures.outstanding_balance, report.total.closing.amount],
      [t(lang, 'compensation.count'), String(figures.compensation.count), String(report.total.compensation.count)],
      [t(lang, 'compensation.amount'), figures.compensation.amount, report.total.compensation.amount],
      [t(lang, 'support'), sumYuan(figures.support), report.total.support],
      [t(lang, 'recoveries'), sumYuan(figures.recoveries), report.total.recoveries],
    ];
    const tie: Table = {
      id: 'tie-out',
      title: t(lang, 'tieOut'),
      columns: [
        { key: 'check', label: t(lang, 'check'), kind: 'text' },
        { key: 'expected', label: t(lang, 'expected'), kind: 'text' },
        { key: 'actual', label: t(lang, 'actual'), kind: 'text' },
        { key: 'result', label: t(lang, 'result'), kind: 'text' },
      ],
      rows: checks.map(([check, expected, actual]) => ({ check, expected, actual, result: expected === actual ? '✓' : '✗' })),
    };
    const printable = q.print === '1';
    const here = { ...pageQuery(p), by };
    const byChoice = html`<label for="f-by">${t(lang, 'by')}<select id="f-by" name="by">${(['guarantor', 'programme'] as const).map((b) => html`<option value="${b}"${b === by ? html` selected` : ''}>${t(lang, b)}</option>`)}</select></label>`;
    await respond(
      res,
      v,
      q,
      `${t(lang, 'rollForward')}（${t(lang, by)}）`,
      [{ table }, { table: tie }],
      (shown) =>
        html`${periodForm(lang, p, '/console/roll-forward', { slice: true, extra: byChoice })}
${periodLine(lang, p, report.as_of)}
${shown('roll-forward')}
<p class="no-print"><a href="/console/roll-forward${queryString({ ...here, print: '1' })}">${t(lang, 'printable')}</a></p>
<h2>${t(lang, 'tieOut')}</h2>
${shown('tie-out')}
${auditVerdict(lang, audit, `/console/roll-forward${queryString({ ...here, audit: '1' })}`)}`,
      { printable },
    );
  }
}

function auditVerdict(lang: Lang, audit: Audit | null, href: string): Html {
  if (!audit) return html`<p class="no-print"><a href="${href}">${t(lang, 'runAudit')}</a></p>`;
  const passed = audit.violations.length === 0 && audit.differences.length === 0;
  return html`<p class="${passed ? 'ok' : 'bad'}" data-audit="${passed ? 'passed' : 'failed'}">${t(lang, passed ? 'auditPassed' : 'auditFailed')} (${display(audit.events, 'count')} events, ${display(audit.guarantees, 'count')} guarantees${passed ? '' : `; ${audit.violations.length} violations, ${audit.differences.length} differences`})</p>`;
}

function rollForwardTable(lang: Lang, r: RollForward, signatures: string[]): Table {
  const group = (name: 'opening' | 'new_guarantees' | 'decreased' | 'closing' | 'compensation', label: Label): Column[] => [
    { key: `${name}_count`, label: `${t(lang, label)} · ${t(lang, 'count')}`, kind: 'count' },
    { key: `${name}_amount`, label: `${t(lang, label)} · ${t(lang, 'amount')}`, kind: 'yuan' },
  ];
  const rowOf = (l: Line): Row => ({
    key: l.key === 'total' ? t(lang, 'totals') : l.key,
    opening_count: l.opening.count,
    opening_amount: l.opening.amount,
    new_guarantees_count: l.new_guarantees.count,
    new_guarantees_amount: l.new_guarantees.amount,
    decreased_count: l.decreased.count,
    decreased_amount: l.decreased.amount,
    closing_count: l.closing.count,
    closing_amount: l.closing.amount,
    compensation_count: l.compensation.count,
    compensation_amount: l.compensation.amount,
    support: l.support,
    recoveries: l.recoveries,
    balanced: l.balanced ? '✓' : '✗',
  });
  return {
    id: 'roll-forward',
    title: `${t(lang, 'rollForward')}（${t(lang, r.by)}）`,
    columns: [
      { key: 'key', label: t(lang, r.by), kind: 'text' },
      ...group('opening', 'opening'),
      ...group('new_guarantees', 'new_guarantees'),
      ...group('decreased', 'decreased'),
      ...group('closing', 'closing'),
      ...group('compensation', 'compensation'),
      { key: 'support', label: t(lang, 'support'), kind: 'yuan' },
      { key: 'recoveries', label: t(lang, 'recoveries'), kind: 'yuan' },
      { key: 'balanced', label: t(lang, 'balanced'), kind: 'text' },
    ],
    rows: r.lines.map(rowOf),
    total: rowOf(r.total),
    signatures,
  };
}
