import { Html, html } from '../render/html';
import { Kind, display, isNumeric } from '../render/format';

export type Cell = string | number | boolean | null | undefined;
export type Row = Record<string, Cell>;

export interface Column {
  key: string;
  label: string;
  kind: Kind;
  /** a kind row by row, where a column holds values of several kinds */
  kindOf?: (row: Row) => Kind;
  /** the name in the /figures JSON of the figure a cell shows, when it shows one */
  figure?: (row: Row) => string | undefined;
  /** where a cell leads (a drill-down) */
  href?: (row: Row) => string | undefined;
}

/**
 * A table as the console shows it and exports it: the screen, the CSV and the XLSX are written
 * from the same rows, so that they carry the same numbers. Values are the API's own text (exact
 * decimal strings of yuan, fractions of 1, percentages); only the screen formats them.
 */
export interface Table {
  /** names the table in an export link (`?export=<id>&format=csv`) */
  id: string;
  title: string;
  columns: Column[];
  rows: Row[];
  /** a last row of totals, shown and exported like the others */
  total?: Row;
  /** the signature lines of a statistical form under the table, on screen, in print and in exports */
  signatures?: readonly string[];
  /** attributes of a row on screen: the period or slice its figures are for (`data-period`, `data-slice`) */
  rowAttributes?: (row: Row) => Record<string, string>;
}

const cellText = (v: Cell): string => (v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? 'Y' : 'N') : String(v));

export function renderTable(table: Table, options: { exportHref?: (format: 'csv' | 'xlsx') => string; exportLabel?: string; empty?: string; yes?: string; no?: string } = {}): Html {
  const cell = (c: Column, row: Row) => {
    const v = row[c.key];
    const kind = c.kindOf?.(row) ?? c.kind;
    const shown = typeof v === 'boolean' ? (v ? (options.yes ?? 'yes') : (options.no ?? 'no')) : display(v, kind);
    const figure = c.figure?.(row);
    const href = c.href?.(row);
    const content = href ? html`<a href="${href}">${shown}</a>` : shown;
    return html`<td${isNumeric(kind) ? html` class="num"` : ''}${figure ? html` data-figure="${figure}" data-value="${cellText(v)}"` : ''}>${content}</td>`;
  };
  const exports = options.exportHref
    ? html`<p class="exports">${options.exportLabel ?? 'Export'}: <a href="${options.exportHref('csv')}" download>CSV</a> · <a href="${options.exportHref('xlsx')}" download>XLSX</a></p>`
    : '';
  const body =
    table.rows.length === 0 && !table.total
      ? html`<tr><td colspan="${table.columns.length}">${options.empty ?? '-'}</td></tr>`
      : [...table.rows.map((r) => html`<tr${attributes(table, r)}>${table.columns.map((c) => cell(c, r))}</tr>`), table.total ? html`<tr class="total">${table.columns.map((c) => cell(c, table.total!))}</tr>` : ''];
  // a region of its own, reachable by keyboard: a wide table scrolls within it
  return html`<div class="table" id="table-${table.id}" role="region" aria-label="${table.title}" tabindex="0">
<table><caption>${table.title}</caption>
<thead><tr>${table.columns.map((c) => html`<th scope="col"${isNumeric(c.kind) ? html` class="num"` : ''}>${c.label}</th>`)}</tr></thead>
<tbody>${body}</tbody></table>
${table.signatures ? signatureBlock(table.signatures) : ''}${exports}</div>`;
}

function attributes(table: Table, row: Row) {
  return Object.entries(table.rowAttributes?.(row) ?? {}).map(([k, v]) => html` data-${k}="${v}"`);
}

export function signatureBlock(labels: readonly string[]): Html {
  return html`<div class="signatures">${labels.map((l) => html`<span class="signature">${l}：<span class="blank"></span></span>`)}</div>`;
}

/** RFC 4180 quoting: a field with a comma, a quote or a line break is quoted, its quotes doubled. */
export function csvField(value: Cell): string {
  const text = cellText(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvLine = (cells: readonly Cell[]) => `${cells.map(csvField).join(',')}\r\n`;
