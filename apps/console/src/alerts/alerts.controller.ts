import { formatYuan } from '@g2g/domain';
import { Controller, Get, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { describeMessage } from '../../../cli/src/feed/messages';
import { Column, Row, Table } from '../exports/table';
import { respond } from '../exports/respond';
import { ConsoleErrors } from '../render/error-pages';
import { Kind } from '../render/format';
import { html, queryString } from '../render/html';
import { Label, Lang, t } from '../render/i18n';
import { ConsoleSettings, SignedIn, SignedInGuard, VisitorOf } from '../session/signed-in';

interface FeedPage {
  participant: string;
  messages: { seq: number; topic: string; key: string; value: Record<string, unknown>; recorded_at: string }[];
  next: number;
}

/** Messages per page: the page makes one read of the feed. */
const PAGE = 1_000;

const column = (lang: Lang, key: string, label: Label, kind: Kind): Column => ({ key, label: t(lang, label), kind });
const yuan = (fen: unknown) => (typeof fen === 'string' && /^\d+$/.test(fen) ? formatYuan(BigInt(fen)) : '');

/**
 * Release reminders and early warnings (GET /feed?only=release-reminder,breaker-approached): a
 * bank's and a guarantor's reminders of guarantees past maturity and not released, and the
 * warnings of programmes whose loss ratio reached the line before the breaker, for the guarantors,
 * re-guarantors, the Fund and the regulators. The feed's own rules decide what each one sees.
 */
@Controller('console')
@UseGuards(SignedInGuard)
@UseFilters(ConsoleErrors)
export class AlertsController {
  constructor(private readonly settings: ConsoleSettings) {}

  @Get('alerts')
  async alerts(@VisitorOf() { session, visitor: v }: SignedIn, @Query() q: Record<string, unknown>, @Res() res: Response) {
    const lang = v.lang;
    const after = typeof q.after === 'string' && /^\d{1,16}$/.test(q.after) ? q.after : '0';
    const feed = await this.settings.api.get<FeedPage>('reporting', '/feed', session.key, { only: 'release-reminder,breaker-approached', after, limit: PAGE });
    const reminders: Row[] = [];
    const warnings: Row[] = [];
    for (const m of feed.messages) {
      const x = m.value;
      if (m.topic.includes('.release-reminder.')) {
        reminders.push({
          guarantee_id: String(x.guaranteeId ?? ''),
          programme: String(x.programme ?? ''),
          bank: String(x.bank ?? ''),
          guarantor: String(x.guarantor ?? ''),
          matures_on: String(x.maturesOn ?? ''),
          due_on: String(x.dueOn ?? ''),
          days_past_maturity: Number(x.daysPastMaturity ?? 0),
          outstanding: yuan(x.outstandingFen),
        });
      } else {
        warnings.push({
          programme: String(x.programme ?? ''),
          warned_on: String(x.warnedOn ?? ''),
          loss_ratio: String(x.lossRatio ?? ''),
          warning_pct: String(x.warningPct ?? ''),
          breaker_pct: String(x.breakerPct ?? ''),
          guarantee_id: String(x.guaranteeId ?? ''),
          details: describeMessage(m.topic, x, feed.participant, lang),
        });
      }
    }
    const reminderTable: Table = {
      id: 'reminders',
      title: t(lang, 'releaseReminders'),
      columns: [
        column(lang, 'guarantee_id', 'guarantees', 'text'),
        column(lang, 'programme', 'programme', 'text'),
        column(lang, 'bank', 'bank', 'text'),
        column(lang, 'guarantor', 'guarantor', 'text'),
        column(lang, 'matures_on', 'maturesOn', 'date'),
        column(lang, 'due_on', 'dueOn', 'date'),
        column(lang, 'days_past_maturity', 'daysPastMaturity', 'count'),
        column(lang, 'outstanding', 'outstanding', 'yuan'),
      ],
      rows: reminders,
      rowAttributes: (r) => ({ 'data-reminder': `${r.guarantee_id}@${r.due_on}` }),
    };
    const warningTable: Table = {
      id: 'warnings',
      title: t(lang, 'breakerWarnings'),
      columns: [
        column(lang, 'programme', 'programme', 'text'),
        column(lang, 'warned_on', 'warnedOn', 'date'),
        column(lang, 'loss_ratio', 'lossRatio', 'share'),
        column(lang, 'warning_pct', 'warningLine', 'percent'),
        column(lang, 'breaker_pct', 'breaker', 'percent'),
        column(lang, 'guarantee_id', 'guarantees', 'text'),
        column(lang, 'details', 'details', 'text'),
      ],
      rows: warnings,
      rowAttributes: (r) => ({ 'data-warning': `${r.programme}@${r.warned_on}` }),
    };
    const more = feed.messages.length === PAGE ? html`<p><a href="/console/alerts${queryString({ after: String(feed.next) })}">${t(lang, 'more')}</a></p>` : '';
    await respond(res, v, q, t(lang, 'alerts'), [{ table: warningTable }, { table: reminderTable }], (shown) =>
      html`<p>${t(lang, 'alertsHelp')}</p>
<h2>${t(lang, 'breakerWarnings')}</h2>${shown('warnings')}
<h2>${t(lang, 'releaseReminders')}</h2>${shown('reminders')}
${more}`,
    );
  }
}
