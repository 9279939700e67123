import { Controller, Get, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ProgrammeState, programmesTable } from '../dashboard/dashboard.controller';
import { Column, Row, Table } from '../exports/table';
import { respond } from '../exports/respond';
import { ConsoleErrors } from '../render/error-pages';
import { Kind, display } from '../render/format';
import { html, queryString } from '../render/html';
import { Label, Lang, t } from '../render/i18n';
import { pageQuery, periodForm, periodLine, periodOf, asOfParam, chinaToday } from '../render/period';
import { ConsoleSettings, SignedIn, SignedInGuard, VisitorOf } from '../session/signed-in';

interface Position {
  participant: string;
  as_of: string | null;
  in_force: { count: number; outstanding: string; risk: string };
  claims: { count: number; compensation_paid: string; part: string; support_paid: string; support_received: string; loss: string };
  claim_lines: Row[];
  recoveries: string;
  programmes: ProgrammeState[];
}

interface Statement {
  participant: string;
  month: string;
  loans: number;
  risk: string;
  reguarantee_fees: string;
  lines: Row[];
}

const column = (lang: Lang, key: string, label: Label, kind: Kind): Column => ({ key, label: t(lang, label), kind });

/**
 * A guarantor's, re-guarantor's or the Fund's pages: its position (GET /positions/{code}: in
 * force, the claims it is a party to with what it owes and has paid, recoveries, the breakers of
 * its programmes) and its monthly cession statements (GET /statements/{code}/{month}, cession's).
 * A regulator or an operator names the participant (`?participant=`).
 */
@Controller('console')
@UseGuards(SignedInGuard)
@UseFilters(ConsoleErrors)
export class PositionController {
  constructor(private readonly settings: ConsoleSettings) {}

  @Get('position')
  async position(@VisitorOf() { session, visitor: v }: SignedIn, @Query() q: Record<string, unknown>, @Res() res: Response) {
    const lang = v.lang;
    const p = periodOf(q);
    const participant = typeof q.participant === 'string' && q.participant ? q.participant : v.code;
    const pos = await this.settings.api.get<Position>('reporting', `/positions/${encodeURIComponent(participant)}`, session.key, { from: p.from, to: p.to, as_of: asOfParam(p.asOfInput) });
    const summary: Table = {
      id: 'position',
      title: `${t(lang, 'position')}: ${participant}`,
      columns: [
        { key: 'label', label: t(lang, 'figure'), kind: 'text' },
        { key: 'value', label: t(lang, 'value'), kind: 'text', kindOf: (r) => r.kind as Kind },
      ],
      rows: (
        [
          ['inForce', 'count', pos.in_force.count],
          ['outstanding', 'yuan', pos.in_force.outstanding],
          ['risk', 'yuan', pos.in_force.risk],
          ['compensation.count', 'count', pos.claims.count],
          ['compensationPaid', 'yuan', pos.claims.compensation_paid],
          ['part', 'yuan', pos.claims.part],
          ['supportPaid', 'yuan', pos.claims.support_paid],
          ['supportReceived', 'yuan', pos.claims.support_received],
          ['loss', 'yuan', pos.claims.loss],
          ['recoveries', 'yuan', pos.recoveries],
        ] as const
      ).map(([label, kind, value]) => ({ label: t(lang, label), kind, value })),
    };
    const claims: Table = {
      id: 'claims',
      title: t(lang, 'claims'),
      columns: [
        column(lang, 'guarantee_id', 'guarantees', 'text'),
        column(lang, 'programme', 'programme', 'text'),
        column(lang, 'claimed_on', 'claimedOn', 'date'),
        column(lang, 'role', 'role', 'text'),
        column(lang, 'unpaid_principal', 'unpaidPrincipal', 'yuan'),
        column(lang, 'compensation', 'compensation.amount', 'yuan'),
        column(lang, 'part', 'part', 'yuan'),
        column(lang, 'support_paid', 'supportPaid', 'yuan'),
        column(lang, 'support_received', 'supportReceived', 'yuan'),
        column(lang, 'loss', 'loss', 'yuan'),
        { ...column(lang, 'fund_paid', 'fundPaid', 'text') },
      ],
      rows: pos.claim_lines,
    };
    const programmes = programmesTable(lang, pos.programmes);
    const inForceLink = `/console/guarantees${queryString({ ...pageQuery(p), behind: 'outstanding_balance', ...(v.kind === 'regulator' || v.kind === 'operator' ? { reguarantor: participant } : {}) })}`;
    const who = v.kind === 'regulator' || v.kind === 'operator' ? html`<label for="f-participant">${t(lang, 'participant')}<input id="f-participant" name="participant" value="${participant}" size="12"></label>` : undefined;
    await respond(res, v, q, `${t(lang, 'position')}: ${participant}`, [{ table: summary }, { table: claims }, { table: programmes }], (shown) =>
      html`${periodForm(lang, p, '/console/position', { extra: who })}
${periodLine(lang, p, pos.as_of)}
${shown('position')}
<p><a href="${inForceLink}">${t(lang, 'guarantees')} (${t(lang, 'inForce')})</a></p>
<h2>${t(lang, 'claims')}</h2>${shown('claims')}
<h2>${t(lang, 'programmes')}</h2>
<ul class="breakers">${pos.programmes.map((s) => html`<li>${s.programme}: <span class="badge ${s.suspended ? 'suspended' : 'running'}" data-programme="${s.programme}" data-suspended="${String(s.suspended)}">${t(lang, s.suspended ? 'suspended' : 'running')}</span> · ${t(lang, 'lossRatio')} ${display(s.loss_ratio_pct, 'percent')} / ${t(lang, 'fundCap')} ${display(s.fund_cap_pct, 'percent')} / ${t(lang, 'breaker')} ${display(s.breaker_pct, 'percent')}</li>`)}</ul>
${shown('programmes')}`,
    );
  }

  @Get('statements')
  async statements(@VisitorOf() { session, visitor: v }: SignedIn, @Query() q: Record<string, unknown>, @Res() res: Response) {
    const lang = v.lang;
    const month = typeof q.month === 'string' && /^\d{4}-\d{2}$/.test(q.month) ? q.month : chinaToday().slice(0, 7);
    const participant = typeof q.participant === 'string' && q.participant ? q.participant : v.code;
    const s = await this.settings.api.get<Statement>('cession', `/statements/${encodeURIComponent(participant)}/${month}`, session.key);
    const table: Table = {
      id: 'statement',
      title: `${t(lang, 'statements')}: ${participant} ${month}`,
      columns: [
        column(lang, 'guarantee_id', 'guarantees', 'text'),
        column(lang, 'programme', 'programme', 'text'),
        column(lang, 'guarantor', 'guarantor', 'text'),
        column(lang, 'principal', 'principal', 'yuan'),
        column(lang, 'risk', 'risk', 'yuan'),
        column(lang, 'fee_pct', 'feePct', 'percent'),
        column(lang, 'reguarantee_fee', 'reguaranteeFee', 'yuan'),
        column(lang, 'term_days', 'termDays', 'count'),
        column(lang, 'ceded_on', 'cededOn', 'date'),
      ],
      rows: s.lines,
      total: { guarantee_id: `${t(lang, 'totals')} (${display(s.loans, 'count')})`, risk: s.risk, reguarantee_fee: s.reguarantee_fees },
    };
    const form = html`<form class="query" method="get" action="/console/statements"><label for="f-month">${t(lang, 'statementMonth')}<input id="f-month" name="month" type="month" value="${month}"></label>${
      v.kind === 'regulator' || v.kind === 'operator' ? html`<label for="f-participant">${t(lang, 'participant')}<input id="f-participant" name="participant" value="${participant}"></label>` : ''
    }<button type="submit">${t(lang, 'show')}</button></form>`;
    await respond(res, v, q, `${t(lang, 'statements')}: ${participant} ${month}`, [{ table }], (shown) => html`${form}${shown('statement')}`);
  }
}
