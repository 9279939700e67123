import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { UsageError } from '../args';
import { formatFromExtension } from '../batch/submit';
import { Command, Context } from '../context';
import { formatCount, plural, table } from '../format';
import { segment } from '../http';

/** POST /lists/{id}/versions */
export interface PublishedVersion {
  list: string;
  version: number;
  effective_from: string;
  effective_to: string | null;
  rows: number;
  entries: number;
  sha256: string;
}

/** GET /lists */
export interface ListsAnswer {
  lists: {
    id: string;
    name: string;
    authority: string;
    versions: { version: number; name: string; authority: string; effective_from: string; effective_to: string | null; entries: number; published_at: string; published_by: string }[];
  }[];
}

/** A line of POST /lists/check */
export type CheckedRow = { row: number; borrower_id_type: string; borrower_id: string; on: string; lists: string[] } | { row: number; error: { code: string; field: string; message: string } } | { error: { code: string; message: string }; row?: undefined };

function fileArgument(ctx: Context): { file: string; format: 'csv' | 'jsonl' } {
  const file = resolve(ctx.io.cwd, ctx.opts.positionals(1, 'FILE')[0]);
  const format = ctx.opts.choice('format', ['csv', 'jsonl'] as const) ?? formatFromExtension(file);
  if (!format) throw new UsageError(`cannot tell the format of ${file} from its extension: pass --format csv or --format jsonl`);
  try {
    if (!statSync(file).isFile()) throw new UsageError(`${file} is not a file`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  return { file, format };
}

const body = (file: string, format: 'csv' | 'jsonl') => ({
  body: Readable.toWeb(createReadStream(file)) as unknown as NonNullable<RequestInit['body']>,
  contentType: format === 'csv' ? 'text/csv' : 'application/x-ndjson',
});

export function renderPublished(p: PublishedVersion, name: string): string {
  const until = p.effective_to ? ` to ${p.effective_to}` : ', until a later version replaces it';
  return `list ${p.list} (${name}) version ${p.version}: ${formatCount(p.entries)} ${p.entries === 1 ? 'entry' : 'entries'} from ${plural(p.rows, 'row')}, effective from ${p.effective_from}${until}\n`;
}

export const listsPublish: Command = {
  name: 'lists publish',
  summary: 'publish a version of a recommended list (operator or regulator)',
  flags: ['id', 'name', 'authority', 'from', 'to', 'format'],
  help: `Usage: g2g lists publish FILE --id ID --name NAME --authority AUTHORITY --from YYYY-MM-DD [--to YYYY-MM-DD] [--json]

Publishes FILE (CSV or JSON Lines, streamed from disk, of any size) as a new version of the
recommended list ID: the enterprises on it by USCC, or individuals by resident ID. A version
replaces the list's entries from its --from date (until a later version's date, or --to, after
which the list is empty); earlier versions are kept. Every identifier is checked with its check
character; one row that is not a valid entry refuses the whole version, with the first rows
listed. Uses the operator key unless --key/--as (a regulator publishes with --as CODE).

The file: CSV with a header naming borrower_id_type and borrower_id (other columns are ignored),
or JSON Lines with these names, every value a string. For example:
  borrower_id_type,borrower_id
  USCC,91350100M000100Y43
  RID,11010519491231002X

Options:
  --id ID                 the list (letters, digits, . _ -), e.g. BJ-SPECIALISED-2025
  --name NAME             what the list is called
  --authority AUTHORITY   who issued it
  --from YYYY-MM-DD       the first day this version holds
  --to YYYY-MM-DD         its last day (default: until a later version)
  --format csv|jsonl      default from the extension (.csv, .jsonl, .ndjson)
  --json                  the server's answer: {list, version, effective_from, effective_to, rows, entries, sha256}`,
  async run(ctx: Context) {
    const { file, format } = fileArgument(ctx);
    const id = ctx.opts.required('id');
    const name = ctx.opts.required('name');
    const from = ctx.opts.date('from', true);
    const to = ctx.opts.date('to');
    if (to !== undefined && to < from) throw new UsageError(`--to ${to} is before --from ${from}`);
    const client = ctx.client('underwriting', { kind: 'operator' });
    const { body: answer } = await client.request<PublishedVersion>('POST', `/lists/${segment(id)}/versions`, {
      query: { name, authority: ctx.opts.required('authority'), effective_from: from, effective_to: to, format },
      raw: body(file, format),
    });
    if (ctx.json) await ctx.printJson(answer);
    else await ctx.print(renderPublished(answer, name));
  },
};

export function renderLists(a: ListsAnswer): string {
  if (a.lists.length === 0) return 'no recommended list is published yet (g2g lists publish)\n';
  const rows: string[][] = [];
  for (const l of a.lists) {
    for (const v of l.versions) {
      rows.push([l.id, String(v.version), v.name, v.authority, v.effective_from, v.effective_to ?? '', formatCount(v.entries), v.published_at, v.published_by]);
    }
  }
  return table(rows, { header: ['list', 'version', 'name', 'authority', 'from', 'to', 'entries', 'published at', 'by'] });
}

export const listsShow: Command = {
  name: 'lists show',
  summary: 'the recommended lists and every version of each',
  flags: [],
  help: `Usage: g2g lists show [--json]

Every recommended list published, and each of its versions: name, issuing authority, the dates
it holds, how many entries, when and by whom it was published. Any participant may ask; uses the
operator key unless --key/--as.

Options:
  --json   the server's answer: {lists: [{id, name, authority, versions: [...]}]}`,
  async run(ctx: Context) {
    ctx.opts.positionals(0, '');
    const client = ctx.client('underwriting', { kind: 'operator' });
    const { body: answer } = await client.get<ListsAnswer>('/lists');
    if (ctx.json) await ctx.printJson(answer);
    else await ctx.print(renderLists(answer));
  },
};

/** The human lines of a check: one per borrower on a list or not a borrower, then a count. */
export class CheckTally {
  rows = 0;
  listed = 0;
  unlisted = 0;
  invalid = 0;
  readonly byList = new Map<string, number>();

  add(r: CheckedRow): string | null {
    if (r.row === undefined) return `the file could not be read further: ${r.error.code}: ${r.error.message}`;
    this.rows++;
    if ('error' in r) {
      this.invalid++;
      return `row ${r.row}: not a borrower id: ${r.error.code}: ${r.error.message}`;
    }
    if (r.lists.length === 0) {
      this.unlisted++;
      return null;
    }
    this.listed++;
    for (const l of r.lists) this.byList.set(l, (this.byList.get(l) ?? 0) + 1);
    return `row ${r.row}: ${r.borrower_id_type} ${r.borrower_id} on ${r.on}: ${r.lists.join(', ')}`;
  }

  summary(): string {
    const lists = [...this.byList].map(([l, n]) => `${l} ${formatCount(n)}`).join(', ');
    return `${plural(this.rows, 'row')}: ${formatCount(this.listed)} on a list${lists ? ` (${lists})` : ''}, ${formatCount(this.unlisted)} on none, ${formatCount(this.invalid)} not a borrower id\n`;
  }
}

export const listsCheck: Command = {
  name: 'lists check',
  summary: 'which recommended lists each borrower of a file is on, and on which date',
  flags: ['on', 'format'],
  help: `Usage: g2g lists check FILE [--on YYYY-MM-DD] [--json]

Checks every borrower of FILE (CSV or JSON Lines, streamed, of any size) against the recommended
lists: for each row, the lists its borrower is on, on the row's own disbursed_on when the file has
that column (a loan batch can be checked as it is, before it is filed), else on --on (default: the
server's date today, China time). Prints the borrowers on a list and the rows that are no valid
borrower id, then a count. Any participant may check; uses the operator key unless --key/--as
(a bank: --as ICBC).

The file: CSV with a header naming borrower_id_type and borrower_id (and optionally
disbursed_on; other columns are ignored), or JSON Lines with these names.

Options:
  --on YYYY-MM-DD      the date of the rows without their own
  --format csv|jsonl   default from the extension (.csv, .jsonl, .ndjson)
  --json               every row as a line of JSON: {row, borrower_id_type, borrower_id, on, lists}
                       or {row, error}`,
  async run(ctx: Context) {
    const { file, format } = fileArgument(ctx);
    const on = ctx.opts.date('on');
    const client = ctx.client('underwriting', { kind: 'operator' });
    const tally = new CheckTally();
    for await (const row of client.lines<CheckedRow>('POST', '/lists/check', { query: { on, format }, raw: body(file, format) })) {
      if (ctx.json) {
        await ctx.io.out(`${JSON.stringify(row)}\n`);
        continue;
      }
      const line = tally.add(row);
      if (line !== null) await ctx.print(line);
    }
    if (!ctx.json) await ctx.print(tally.summary());
  },
};

export const listsCommands: readonly Command[] = [listsPublish, listsShow, listsCheck];
