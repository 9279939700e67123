import { EntryProblem, LIST_ENTRY_FIELDS, ListEntry, readListEntry } from '@g2g/domain';
import { Database, EventStore, NewEvent, Sql } from '@g2g/event-store';
import { Caller, operatorAction, recordOperatorActions } from '@g2g/platform';
import { SCHEMA } from '../publish-reference-data/publish-reference-data';
import { BatchFormat, BatchFormatError, Spooled, recordsOf } from './list-files';
import {
  LIST_CHUNK_ROWS,
  LIST_ENTRIES_RECORDED,
  LIST_VERSION_PUBLISHED,
  ListEntriesRecordedV1,
  ListVersionPublishedV1,
  applyListEvents,
  listStream,
} from './list-projection';

/** The header of a version, from the request's parameters (checked at the edge: ListVersionParams). */
export interface ListVersionHeader {
  list: string;
  name: string;
  authority: string;
  effectiveFrom: string;
  effectiveTo: string | null;
}

/** At most this many problems are reported for a refused file: enough to correct it, never a file's worth. */
const MAX_PROBLEMS = 100;

export type PublishedList =
  | { ok: true; value: { list: string; version: number; effective_from: string; effective_to: string | null; rows: number; entries: number; sha256: string } }
  | { ok: false; status: 400 | 422; code: string; message: string; errors?: (EntryProblem & { row: number })[] };

const store = new EventStore(SCHEMA);

/**
 * Publishes a version of a recommended list from a spooled file: every row is read and checked
 * first (an identifier with a wrong check character refuses the whole version: a regulator's list
 * is corrected and sent again, never published in part); then, in one transaction, the entries a
 * thousand per event and the version last, each projected as it is appended. A million entries
 * are a thousand events and never more than a chunk in memory.
 */
export async function publishList(db: Database, header: ListVersionHeader, file: Spooled, format: BatchFormat, caller: Caller, now: Date): Promise<PublishedList> {
  const problems: (EntryProblem & { row: number })[] = [];
  let rows = 0;
  try {
    for await (const records of recordsOf(file, format, LIST_ENTRY_FIELDS)) {
      for (const r of records) {
        rows++;
        const read = r.error ? { ok: false as const, problem: { ...r.error, field: '' } } : readListEntry(r.fields ?? {});
        if (!read.ok && problems.length < MAX_PROBLEMS) problems.push({ row: r.row, ...read.problem });
      }
    }
  } catch (error) {
    if (error instanceof BatchFormatError) return { ok: false, status: 400, code: error.code, message: error.message };
    throw error;
  }
  if (problems.length > 0) return { ok: false, status: 422, code: 'INVALID_LIST', message: `the list has rows that are not valid entries (the first ${problems.length} listed); nothing was published`, errors: problems };
  if (rows === 0) return { ok: false, status: 400, code: 'EMPTY_FILE', message: 'the file has no entries: a list that is to be emptied is published with effective_to instead' };

  return db.transaction(async (tx) => {
    const stream = listStream(header.list);
    let position = await store.version(tx, stream);
    const [{ version }] = await tx.query<{ version: number }>(`select coalesce(max(version), 0) + 1 as version from ${SCHEMA}.list_versions where list_id = $1`, [header.list]);
    const append = async (event: NewEvent) => {
      await store.append(tx, [{ streamId: stream, expected: position === 0 ? 'no_stream' : position, events: [event] }]);
      position++;
      await applyListEvents(tx, [event]);
    };
    // a repeated entry is the same entry: left out within a chunk, and across chunks by the table's key
    const seen = new Set<string>();
    let chunk: { firstRow: number; entries: ListEntry[] } = { firstRow: 1, entries: [] };
    const flush = async () => {
      if (chunk.entries.length === 0) return;
      const data: ListEntriesRecordedV1 = { list: header.list, version, firstRow: chunk.firstRow, idType: chunk.entries.map((e) => e.idType), borrowerId: chunk.entries.map((e) => e.id) };
      await append({ type: LIST_ENTRIES_RECORDED, data });
      chunk = { firstRow: 0, entries: [] };
      seen.clear();
    };
    for await (const records of recordsOf(file, format, LIST_ENTRY_FIELDS)) {
      for (const r of records) {
        const read = readListEntry(r.fields ?? {});
        if (!read.ok || seen.has(read.entry.id)) continue; // every row was judged above
        seen.add(read.entry.id);
        if (chunk.entries.length === 0) chunk.firstRow = r.row;
        chunk.entries.push(read.entry);
        if (chunk.entries.length === LIST_CHUNK_ROWS) await flush();
      }
    }
    await flush();
    const [{ entries }] = await tx.query<{ entries: number }>(`select count(*)::int as entries from ${SCHEMA}.list_entries where list_id = $1 and version = $2`, [header.list, version]);
    const published: ListVersionPublishedV1 = {
      list: header.list,
      version,
      name: header.name,
      authority: header.authority,
      effectiveFrom: header.effectiveFrom,
      effectiveTo: header.effectiveTo,
      entries,
      sha256: file.sha256,
      publishedAt: now.toISOString(),
      publishedBy: caller.code,
    };
    await append({ type: LIST_VERSION_PUBLISHED, data: published, businessDate: header.effectiveFrom });
    await recordOperatorActions(tx, SCHEMA, [
      operatorAction(SCHEMA, caller, 'list-published', header.list, { version, effectiveFrom: header.effectiveFrom, effectiveTo: header.effectiveTo, entries }, now),
    ]);
    return { ok: true as const, value: { list: header.list, version, effective_from: header.effectiveFrom, effective_to: header.effectiveTo, rows, entries, sha256: file.sha256 } };
  });
}

/** Every list and its versions, newest version last. */
export async function listsAndVersions(sql: Sql): Promise<{ lists: ListListing[] }> {
  const rows = await sql.query<{
    list_id: string;
    version: number;
    name: string;
    authority: string;
    effective_from: string;
    effective_to: string | null;
    entries: number;
    sha256: string;
    published_at: Date | string;
    published_by: string;
  }>(
    `select list_id, version, name, authority, to_char(effective_from, 'YYYY-MM-DD') as effective_from, to_char(effective_to, 'YYYY-MM-DD') as effective_to,
            entries, sha256, published_at, published_by
       from ${SCHEMA}.list_versions order by list_id, version`,
  );
  const lists = new Map<string, ListListing>();
  for (const r of rows) {
    const listing = lists.get(r.list_id) ?? lists.set(r.list_id, { id: r.list_id, name: r.name, authority: r.authority, versions: [] }).get(r.list_id)!;
    // the list is called what its latest version calls it
    listing.name = r.name;
    listing.authority = r.authority;
    listing.versions.push({
      version: r.version,
      name: r.name,
      authority: r.authority,
      effective_from: r.effective_from,
      effective_to: r.effective_to,
      entries: r.entries,
      sha256: r.sha256,
      published_at: new Date(r.published_at).toISOString(),
      published_by: r.published_by,
    });
  }
  return { lists: [...lists.values()] };
}

export interface ListListing {
  id: string;
  name: string;
  authority: string;
  versions: {
    version: number;
    name: string;
    authority: string;
    effective_from: string;
    effective_to: string | null;
    entries: number;
    sha256: string;
    published_at: string;
    published_by: string;
  }[];
}
