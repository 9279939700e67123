import { CHECK_DATE_FIELD, EntryProblem, LIST_ENTRY_FIELDS, readCheckDate, readListEntry } from '@g2g/domain';
import { Sql } from '@g2g/event-store';
import { BatchFormat, ParsedRecord, Spooled, csvHeaderNames, recordsOf } from './list-files';
import { LIST_CHUNK_ROWS, listsOnDates, onKey } from './list-projection';

/** One borrower of a check file: the lists it is on, on the date it was checked on; or why its row is no borrower. */
export type CheckedRow =
  | { row: number; borrower_id_type: string; borrower_id: string; on: string; lists: string[] }
  | { row: number; error: EntryProblem };

/**
 * Checks a file of borrowers against the lists, a thousand rows per look-up: each row on its own
 * `disbursed_on` when the file has that column (a loan batch is checked as it is), else on `on`.
 * The rows come out in the file's order, as they are checked, so that a file of any size is
 * answered as it is read. The first piece is read before anything is answered: a file that cannot
 * be read at all (no header, missing columns) is refused with a status, not a row.
 */
export async function* checkAgainstLists(sql: Sql, file: Spooled, format: BatchFormat, on: string): AsyncGenerator<CheckedRow[]> {
  const withDates = format === 'jsonl' || (await csvHeaderNames(file)).includes(CHECK_DATE_FIELD);
  const fields = withDates ? [...LIST_ENTRY_FIELDS, CHECK_DATE_FIELD] : [...LIST_ENTRY_FIELDS];
  let pending: ParsedRecord[] = [];
  const answer = async (records: ParsedRecord[]): Promise<CheckedRow[]> => {
    const asked: { row: number; idType: string; id: string; on: string }[] = [];
    const out: CheckedRow[] = [];
    for (const r of records) {
      if (r.error) {
        out.push({ row: r.row, error: { ...r.error, field: '' } });
        continue;
      }
      const entry = readListEntry(r.fields ?? {});
      const date = readCheckDate(r.fields ?? {});
      if (!entry.ok) out.push({ row: r.row, error: entry.problem });
      else if (!date.ok) out.push({ row: r.row, error: date.problem });
      else {
        const row = { row: r.row, idType: entry.entry.idType, id: entry.entry.id, on: date.date ?? on };
        asked.push(row);
        out.push({ row: r.row, borrower_id_type: row.idType, borrower_id: row.id, on: row.on, lists: [] });
      }
    }
    const found = await listsOnDates(sql, asked.map((a) => ({ borrowerId: a.id, on: a.on })));
    for (const o of out) if ('lists' in o) o.lists = found.get(onKey(o.borrower_id, o.on)) ?? [];
    return out;
  };
  for await (const records of recordsOf(file, format, fields)) {
    for (const r of records) {
      pending.push(r);
      if (pending.length === LIST_CHUNK_ROWS) {
        yield await answer(pending);
        pending = [];
      }
    }
  }
  if (pending.length > 0) yield await answer(pending);
}
