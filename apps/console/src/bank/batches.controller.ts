import { BadRequestException, Controller, Get, Param, Post, Put, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import busboy from 'busboy';
import type { Readable } from 'node:stream';
import type { Request, Response } from 'express';
import { Column, Row, Table } from '../exports/table';
import { respond } from '../exports/respond';
import { ConsoleErrors } from '../render/error-pages';
import { display } from '../render/format';
import { html, queryString } from '../render/html';
import { Label, Lang, t } from '../render/i18n';
import { ConsoleSettings, CsrfInFormData, SignedIn, SignedInGuard, VisitorOf, csrfHolds, csrfRefused } from '../session/signed-in';
import { ApiError } from '../api/api';
import type { BatchSummary } from '../../../intake/src/file-batch/file-batch';

/** A batch kind as the console names it, and intake's path segment for it. */
const SEGMENTS = { loans: 'batches', repayments: 'repayments', claims: 'claims', recoveries: 'recoveries' } as const;
type BatchKind = keyof typeof SEGMENTS;
const KINDS = Object.keys(SEGMENTS) as BatchKind[];
const OUTCOMES = ['invalid', 'pending', 'approved', 'accepted', 'rejected'];

/** intake's summary of a batch (and, in a list, when it was received) */
type Summary = BatchSummary & { receivedAt?: string };
interface RowPage {
  rows: { row: number; loan_id: string | null; outcome: string; codes: string[] }[];
  next: number | null;
}

function kindOf(text: string): BatchKind {
  if (!(KINDS as string[]).includes(text)) throw new BadRequestException({ code: 'UNKNOWN_BATCH_KIND', message: `one of ${KINDS.join(', ')}` });
  return text as BatchKind;
}

/** The bank a page is about: the signed-in bank itself; an operator names one (`?bank=`). */
function bankOf(v: SignedIn['visitor'], q: Record<string, unknown>): string {
  return v.kind === 'operator' && typeof q.bank === 'string' && q.bank ? q.bank : v.code;
}

const outcomeLabel = (lang: Lang, outcome: string) => (OUTCOMES.includes(outcome) ? t(lang, outcome as Label) : outcome);

/**
 * A bank's pages: its batches of each kind with their progress (intake's GET /banks/{bank}/{kind}),
 * one batch with its progress followed live and its rows filtered by outcome and code, the
 * upload of a loan, repayment, claim or recovery file from the browser (streamed through to
 * intake's PUT, never held here), and the download of every row's result.
 */
@Controller('console/batches')
@UseGuards(SignedInGuard)
@UseFilters(ConsoleErrors)
export class BatchesController {
  constructor(private readonly settings: ConsoleSettings) {}

  @Get()
  async list(@VisitorOf() { session, visitor: v }: SignedIn, @Query() q: Record<string, unknown>, @Res() res: Response) {
    const lang = v.lang;
    const kind = typeof q.kind === 'string' && q.kind ? kindOf(q.kind) : 'loans';
    const bank = bankOf(v, q);
    const { batches } = await this.settings.api.get<{ batches: Summary[] }>('intake', `/banks/${encodeURIComponent(bank)}/${SEGMENTS[kind]}`, session.key, { limit: 100 });
    const counted = kind === 'loans' ? 'approved' : 'accepted';
    const table: Table = {
      id: 'batches',
      title: `${t(lang, 'batches')}: ${bank} · ${t(lang, `kind_${kind}`)}`,
      columns: [
        { key: 'batchRef', label: t(lang, 'batchRef'), kind: 'text', href: (r) => `/console/batches/${kind}/${encodeURIComponent(String(r.batchRef))}${queryString({ bank: v.kind === 'operator' ? bank : undefined })}` },
        { key: 'programme', label: t(lang, 'programme'), kind: 'text' },
        { key: 'status', label: t(lang, 'status'), kind: 'text' },
        { key: 'rows', label: t(lang, 'rows'), kind: 'count' },
        { key: counted, label: t(lang, counted), kind: 'count' },
        { key: 'rejected', label: t(lang, 'rejected'), kind: 'count' },
        { key: 'invalid', label: t(lang, 'invalid'), kind: 'count' },
        { key: 'pending', label: t(lang, 'pending'), kind: 'count' },
        { key: 'complete', label: t(lang, 'complete'), kind: 'text' },
        { key: 'receivedAt', label: t(lang, 'receivedAt'), kind: 'text' },
      ],
      rows: batches as unknown as Row[],
    };
    const tabs = html`<p class="kinds">${KINDS.map((k) => html`${k === kind ? html`<strong>${t(lang, `kind_${k}`)}</strong>` : html`<a href="/console/batches${queryString({ kind: k, bank: v.kind === 'operator' ? bank : undefined })}">${t(lang, `kind_${k}`)}</a>`} `)}</p>`;
    const lastProgramme = batches.find((b) => b.programme)?.programme ?? '';
    const upload =
      v.kind === 'bank'
        ? html`<h2>${t(lang, 'upload')}</h2>
<form class="query" method="post" action="/console/batches/upload" enctype="multipart/form-data" data-upload="/console/batches" data-csrf="${v.csrf}" data-uploading="${t(lang, 'uploading')}">
<input type="hidden" name="_csrf" value="${v.csrf}">
<label for="u-kind">${t(lang, 'kind')}<select id="u-kind" name="kind">${KINDS.map((k) => html`<option value="${k}"${k === kind ? html` selected` : ''}>${t(lang, `kind_${k}`)}</option>`)}</select></label>
<label for="u-programme">${t(lang, 'programme')}<input id="u-programme" name="programme" value="${lastProgramme}" size="20"></label>
<label for="u-ref">${t(lang, 'batchRef')}<input id="u-ref" name="ref" required size="20" pattern="[A-Za-z0-9._-]+"></label>
<label for="u-file">${t(lang, 'file')}<input id="u-file" name="file" type="file" accept=".csv,.jsonl,.ndjson,text/csv" required></label>
<button type="submit">${t(lang, 'upload')}</button>
<p class="note">${t(lang, 'uploadHelp')}</p><p role="status" data-upload-status></p>
</form>`
        : '';
    await respond(res, v, q, `${t(lang, 'batches')}: ${bank}`, [{ table }], (shown) => html`${tabs}${shown('batches')}${upload}`);
  }

  @Get(':kind/:ref/progress')
  async progress(@VisitorOf() { session, visitor: v }: SignedIn, @Param('kind') kindText: string, @Param('ref') ref: string, @Query() q: Record<string, unknown>) {
    const kind = kindOf(kindText);
    return this.settings.api.get<Summary>('intake', `/banks/${encodeURIComponent(bankOf(v, q))}/${SEGMENTS[kind]}/${encodeURIComponent(ref)}`, session.key);
  }

  @Get(':kind/:ref')
  async batch(@VisitorOf() { session, visitor: v }: SignedIn, @Param('kind') kindText: string, @Param('ref') ref: string, @Query() q: Record<string, unknown>, @Res() res: Response) {
    const lang = v.lang;
    const kind = kindOf(kindText);
    const bank = bankOf(v, q);
    const outcome = typeof q.outcome === 'string' && OUTCOMES.includes(q.outcome) ? q.outcome : undefined;
    const code = typeof q.code === 'string' && q.code.trim() ? q.code.trim().toUpperCase() : undefined;
    const after = typeof q.after === 'string' && /^\d+$/.test(q.after) ? q.after : undefined;
    const path = `/banks/${encodeURIComponent(bank)}/${SEGMENTS[kind]}/${encodeURIComponent(ref)}`;
    const api = this.settings.api;
    const [summary, page] = await Promise.all([api.get<Summary>('intake', path, session.key), api.get<RowPage>('intake', `${path}/rows`, session.key, { outcome, code, after, limit: 100 })]);
    const toRow = (r: RowPage['rows'][number]): Row => ({ row: r.row, loan_id: r.loan_id, outcome: r.outcome, codes: r.codes.join(' ') });
    const columns: Column[] = [
      { key: 'row', label: t(lang, 'row'), kind: 'count' },
      { key: 'loan_id', label: t(lang, 'loanId'), kind: 'text' },
      { key: 'outcome', label: t(lang, 'outcome'), kind: 'text' },
      { key: 'codes', label: t(lang, 'codes'), kind: 'text' },
    ];
    const table: Table = { id: 'rows', title: `${t(lang, 'results')}: ${ref}`, columns, rows: page.rows.map(toRow) };
    const all = async function* () {
      for await (const p of api.pages<RowPage>('intake', `${path}/rows`, session.key, { outcome, code, limit: 10_000 })) yield p.rows.map(toRow);
    };
    const counted = kind === 'loans' ? 'approved' : 'accepted';
    const here = { outcome, code, bank: v.kind === 'operator' ? bank : undefined };
    const progressUrl = `/console/batches/${kind}/${encodeURIComponent(ref)}/progress${queryString({ bank: v.kind === 'operator' ? bank : undefined })}`;
    const counts = (['rows', counted, 'rejected', 'invalid', 'pending'] as const).map((k) => html`<li>${t(lang, k)}: <span data-count="${k}">${display(summary[k], 'count')}</span></li>`);
    const filter = html`<form class="query" method="get" action="/console/batches/${kind}/${encodeURIComponent(ref)}">
${v.kind === 'operator' ? html`<input type="hidden" name="bank" value="${bank}">` : ''}
<label for="f-outcome">${t(lang, 'outcome')}<select id="f-outcome" name="outcome"><option value="">${t(lang, 'all')}</option>${OUTCOMES.map((o) => html`<option value="${o}"${o === outcome ? html` selected` : ''}>${outcomeLabel(lang, o)}</option>`)}</select></label>
<label for="f-code">${t(lang, 'code')}<input id="f-code" name="code" value="${code ?? ''}" size="20"></label>
<button type="submit">${t(lang, 'filter')}</button></form>`;
    await respond(res, v, q, `${t(lang, `kind_${kind}`)} ${ref}`, [{ table, all }], (shown) =>
      html`<section class="progress" data-progress-url="${progressUrl}" data-was-complete="${String(summary.complete)}" aria-live="polite">
<p>${t(lang, 'status')}: <strong data-status>${summary.status}${summary.complete ? ' ✓' : ''}</strong>${summary.programme ? ` · ${t(lang, 'programme')}: ${summary.programme}` : ''}</p>
<p><label for="bar">${t(lang, 'progress')}</label> <progress id="bar" max="${Math.max(summary.rows, 1)}" value="${summary.rows - summary.pending}"></progress></p>
<ul class="counts">${counts}</ul>
${summary.error ? html`<p class="error">${summary.error.code}: ${summary.error.message}</p>` : ''}</section>
<h2>${t(lang, 'results')}</h2>
${filter}
${shown('rows')}
<p>${after ? html`<a href="/console/batches/${kind}/${encodeURIComponent(ref)}${queryString(here)}">${t(lang, 'firstPage')}</a> · ` : ''}${page.next !== null ? html`<a rel="next" href="/console/batches/${kind}/${encodeURIComponent(ref)}${queryString({ ...here, after: page.next })}">${t(lang, 'nextPage')}</a>` : ''}</p>`,
    );
  }

  /** The browser's file, streamed to intake as it arrives: `PUT /banks/{bank}/{segment}/{ref}`. */
  @Put(':kind/:ref/upload')
  async upload(@VisitorOf() { session, visitor: v }: SignedIn, @Param('kind') kindText: string, @Param('ref') ref: string, @Query() q: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    const kind = kindOf(kindText);
    const answer = await this.toIntake(session.key, v.code, kind, ref, q.format === 'jsonl' ? 'jsonl' : 'csv', typeof q.programme === 'string' ? q.programme : undefined, req, req.headers['content-length']);
    res.status(answer.status).json(answer.body ?? {});
  }

  /** A bank's file piped to intake's `PUT /banks/{bank}/{segment}/{ref}` (the programme only for loans). */
  private toIntake(key: string, bank: string, kind: BatchKind, ref: string, format: 'csv' | 'jsonl', programme: string | undefined, body: Readable, length?: string) {
    return this.settings.api.stream(
      'intake',
      'PUT',
      `/banks/${encodeURIComponent(bank)}/${SEGMENTS[kind]}/${encodeURIComponent(ref)}`,
      key,
      { format, programme: kind === 'loans' ? programme : undefined },
      body,
      format === 'jsonl' ? 'application/x-ndjson' : 'text/csv',
      length,
    );
  }

  /**
   * The same upload posted by the form itself (a browser without JavaScript): a multipart form
   * whose fields come before the file (the CSRF token first), read as it arrives; the file part is
   * streamed to intake like the PUT above, and the bank is sent to its batch's page (303), or shown
   * intake's refusal.
   */
  @Post('upload')
  @CsrfInFormData()
  async uploadForm(@VisitorOf() { session, visitor: v }: SignedIn, @Req() req: Request, @Res() res: Response) {
    const fields: Record<string, string> = {};
    const answer = await new Promise<{ kind: BatchKind; ref: string; status: number; body: unknown }>((resolve, reject) => {
      let form: busboy.Busboy;
      try {
        form = busboy({ headers: req.headers, limits: { files: 1, fields: 8, fieldSize: 4096 } });
      } catch {
        return reject(new BadRequestException({ code: 'NOT_A_FORM', message: 'a multipart form with the file last' }));
      }
      let file = false;
      form.on('field', (name, value) => (fields[name] = value));
      form.on('file', (name, stream: Readable, info) => {
        file = true;
        if (!csrfHolds(this.settings, req, fields._csrf)) return stop(stream, csrfRefused());
        const ref = (fields.ref ?? '').trim();
        if (name !== 'file' || !/^[A-Za-z0-9._-]+$/.test(ref)) return stop(stream, new BadRequestException({ code: 'BAD_FORM', message: 'kind, programme and a batch reference (letters, digits, . _ -) before the file' }));
        let kind: BatchKind;
        try {
          kind = kindOf(fields.kind ?? '');
        } catch (error) {
          return stop(stream, error);
        }
        const format = /\.(jsonl|ndjson)$/i.test(info.filename ?? '') ? 'jsonl' : 'csv';
        this.toIntake(session.key, v.code, kind, ref, format, fields.programme?.trim() || undefined, stream).then((a) => resolve({ kind, ref, ...a }), reject);
      });
      form.on('close', () => file || reject(new BadRequestException({ code: 'NO_FILE', message: 'the form carried no file' })));
      form.on('error', reject);
      const stop = (stream: Readable, error: unknown) => {
        stream.resume(); // the rest of the form is read and dropped
        reject(error);
      };
      req.pipe(form);
    });
    if (answer.status >= 400) {
      const body = (answer.body ?? {}) as { code?: string; message?: string };
      throw new ApiError(answer.status, body.code ?? `HTTP_${answer.status}`, body.message ?? '');
    }
    res.redirect(303, `/console/batches/${answer.kind}/${encodeURIComponent(answer.ref)}`);
  }
}
