import { BadRequestException } from '@nestjs/common';
import type { Response } from 'express';
import { Html, html, queryString } from '../render/html';
import { t } from '../render/i18n';
import { Visitor, page } from '../render/layout';
import { ExportFormat, RowSource, sendExport } from './exports';
import { Table, renderTable } from './table';

/** A table on a page, and how to read all its rows for an export when the screen shows one page of them. */
export interface PageTable {
  table: Table;
  /** every row, page by page (a long list); the table's own rows otherwise */
  all?: () => RowSource;
}

/**
 * Answers a page, or one of its tables as a file: `?export=<table id>&format=csv|xlsx` writes the
 * table the page would show, from the same rows, so that the file and the screen agree.
 */
export async function respond(res: Response, v: Visitor, query: Record<string, unknown>, title: string, tables: PageTable[], body: (shown: (id: string) => Html) => Html, options: { printable?: boolean } = {}): Promise<void> {
  if (typeof query.export === 'string') {
    const format = query.format === 'xlsx' ? 'xlsx' : query.format === 'csv' ? 'csv' : null;
    const wanted = tables.find((p) => p.table.id === query.export);
    if (!wanted || !format) throw new BadRequestException({ code: 'BAD_EXPORT', message: `export one of ${tables.map((p) => p.table.id).join(', ')} as format=csv or xlsx` });
    await sendExport(res, wanted.table, format as ExportFormat, wanted.all?.());
    return;
  }
  const exportHref = (id: string) => (format: ExportFormat) => {
    const u = new URL(v.url, 'http://console.invalid');
    u.searchParams.delete('lang');
    u.searchParams.set('export', id);
    u.searchParams.set('format', format);
    return `${u.pathname}${u.search}`;
  };
  const shown = (id: string) => {
    const p = tables.find((x) => x.table.id === id);
    if (!p) return html``;
    return renderTable(p.table, { exportHref: exportHref(id), exportLabel: t(v.lang, 'export'), empty: t(v.lang, 'noRows'), yes: t(v.lang, 'yes'), no: t(v.lang, 'no') });
  };
  res.status(200).setHeader('content-type', 'text/html; charset=utf-8');
  res.send(page(v, title, body(shown), options).text);
}

export { queryString };
