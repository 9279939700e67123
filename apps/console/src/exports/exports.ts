import ExcelJS from 'exceljs';
import type { Response } from 'express';
import { Table, Cell, Row, csvLine } from './table';

export type ExportFormat = 'csv' | 'xlsx';

/** Rows to export: the table's own, or pages read one at a time (a list longer than a screen). */
export type RowSource = AsyncIterable<readonly Row[]>;

async function* once(rows: readonly Row[]): RowSource {
  yield rows;
}

/**
 * Writes a table as CSV (UTF-8 with a byte order mark, so that spreadsheet programs read the
 * Chinese labels) or as XLSX (exceljs' streaming writer: rows go to the response as they are
 * read). Cells carry the API's values: amounts as their exact decimal text, never a binary float;
 * counts, which are whole numbers, as numbers in XLSX. The statistical form's signature lines
 * follow the rows.
 */
export async function sendExport(res: Response, table: Omit<Table, 'rows'> & { rows?: Row[] }, format: ExportFormat, source?: RowSource): Promise<void> {
  const rows = source ?? once([...(table.rows ?? []), ...(table.total ? [table.total] : [])]);
  const name = `${table.id}.${format}`;
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  res.setHeader('cache-control', 'no-store');
  if (format === 'csv') {
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    await write(res, `\ufeff${csvLine(table.columns.map((c) => c.label))}`);
    for await (const page of rows) if (page.length > 0) await write(res, page.map((r) => csvLine(table.columns.map((c) => r[c.key]))).join(''));
    if (source && table.total) await write(res, csvLine(table.columns.map((c) => table.total![c.key])));
    if (table.signatures) await write(res, `\r\n${table.signatures.map((s) => csvLine([s, ''])).join('')}`);
    res.end();
    return;
  }
  res.setHeader('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true });
  const sheet = book.addWorksheet(table.id);
  sheet.columns = table.columns.map((c) => ({ header: c.label, key: c.key, width: Math.max(12, Math.min(40, c.label.length * 2 + 4)) }));
  sheet.getRow(1).font = { bold: true };
  const cellOf = (kind: string, v: Cell): Cell => (kind === 'count' && typeof v === 'number' ? v : v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? 'Y' : 'N') : String(v));
  const add = (r: Row) => sheet.addRow(table.columns.map((c) => cellOf(c.kind, r[c.key]))).commit();
  for await (const page of rows) for (const r of page) add(r);
  if (source && table.total) add(table.total);
  if (table.signatures) {
    sheet.addRow([]).commit();
    sheet.addRow(table.signatures.flatMap((s) => [`${s}：`, ''])).commit();
  }
  sheet.commit();
  await book.commit();
}

function write(res: Response, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (res.write(text)) resolve();
    else {
      res.once('drain', resolve);
      res.once('error', reject);
    }
  });
}
