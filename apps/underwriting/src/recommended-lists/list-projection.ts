import { LOOKUP, Sql, joined } from '@g2g/event-store';
import { SCHEMA } from '../publish-reference-data/publish-reference-data';

/**
 * Recommended lists as underwriting keeps them: each version published is a stream of chunk
 * events (`list:{id}`), its entries a thousand at a time, then the version itself; projected into
 * list_entries and list_versions in the transaction that appends them, and again by a rebuild.
 */
export const listStream = (list: string) => `list:${list}`;

/** Entries of one version per event, as loan chunks are (docs/adr/0010). */
export const LIST_CHUNK_ROWS = 1_000;

export const LIST_ENTRIES_RECORDED = 'underwriting.list-entries-recorded.v1';
export const LIST_VERSION_PUBLISHED = 'underwriting.list-version-published.v1';

/** A chunk of a version's entries, in the file's order (duplicates already left out). */
export interface ListEntriesRecordedV1 {
  list: string;
  version: number;
  /** the file's row of the chunk's first entry */
  firstRow: number;
  idType: ('USCC' | 'RID')[];
  borrowerId: string[];
}

/** A version of a list, published once all its entries are recorded (in the same transaction). */
export interface ListVersionPublishedV1 {
  list: string;
  version: number;
  name: string;
  authority: string;
  effectiveFrom: string;
  /** the last day it holds; null: until a later version replaces it */
  effectiveTo: string | null;
  entries: number;
  /** of the file as sent */
  sha256: string;
  publishedAt: string;
  /** the participant code of who published it (OPERATOR for the bootstrap key) */
  publishedBy: string;
}

export const LIST_STATE = {
  list_versions: ['list_id', 'version', 'name', 'authority', 'effective_from', 'effective_to', 'entries', 'sha256', 'published_at', 'published_by'],
  list_entries: ['list_id', 'version', 'borrower_id', 'id_type'],
} as const;

type Event = { type: string; data?: any };

export async function applyListEvents(tx: Sql, events: readonly Event[]): Promise<void> {
  for (const e of events) {
    if (e.type === LIST_ENTRIES_RECORDED) {
      const d = e.data as ListEntriesRecordedV1;
      await tx.query(
        `insert into ${SCHEMA}.list_entries (list_id, version, borrower_id, id_type)
         select $1, $2, b, t from unnest(string_to_array($3, E'\\x1f'), string_to_array($4, E'\\x1f')) as x(b, t)
         on conflict do nothing`,
        [d.list, d.version, joined(d.borrowerId), joined(d.idType)],
      );
    } else if (e.type === LIST_VERSION_PUBLISHED) {
      const d = e.data as ListVersionPublishedV1;
      await tx.query(
        `insert into ${SCHEMA}.list_versions (list_id, version, name, authority, effective_from, effective_to, entries, sha256, published_at, published_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict do nothing`,
        [d.list, d.version, d.name, d.authority, d.effectiveFrom, d.effectiveTo, d.entries, d.sha256, d.publishedAt, d.publishedBy],
      );
    }
  }
}

/**
 * The lists each (borrower, date) is on: for each list, the version that applies on the date is
 * the one with the latest effective_from on or before it (of two with the same date, the later
 * published), unless the date is after its effective_to; the borrower is on the list when that
 * version names it. One index probe per borrower and applying version.
 */
export async function listsOnDates(tx: Sql, pairs: readonly { borrowerId: string; on: string }[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  if (pairs.length === 0) return found;
  const rows = await tx.query<{ borrower_id: string; on_date: string; list_id: string }>(
    `with asked as (
            select b, d::date as d from unnest(string_to_array($1, E'\\x1f'), string_to_array($2, E'\\x1f')) as x(b, d)),
          applying as (
            select d.d, v.list_id, v.version
              from (select distinct d from asked) d
              cross join lateral (select distinct on (list_id) list_id, version, effective_to from ${SCHEMA}.list_versions
                                   where effective_from <= d.d order by list_id, effective_from desc, version desc) v
             where v.effective_to is null or v.effective_to >= d.d)
     select a.b as borrower_id, to_char(a.d, 'YYYY-MM-DD') as on_date, v.list_id
       from asked a join applying v on v.d = a.d
      -- one index probe per borrower and list, whatever the statistics of a list of a million say (LOOKUP)
      cross join lateral (select 1 from ${SCHEMA}.list_entries e
                           where e.list_id = v.list_id and e.version = v.version and e.borrower_id = a.b ${LOOKUP}) e
      order by v.list_id`,
    [joined(pairs.map((p) => p.borrowerId)), joined(pairs.map((p) => p.on))],
  );
  for (const r of rows) {
    const key = onKey(r.borrower_id, r.on_date);
    const lists = found.get(key) ?? found.set(key, []).get(key)!;
    if (!lists.includes(r.list_id)) lists.push(r.list_id);
  }
  return found;
}

export const onKey = (borrowerId: string, on: string) => `${borrowerId}\u001f${on}`;

/** The ids among `ids` that name no published list. */
export async function unpublishedLists(tx: Sql, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await tx.query<{ id: string }>(
    `select id from unnest(string_to_array($1, E'\\x1f')) as x(id) where not exists (select 1 from ${SCHEMA}.list_versions v where v.list_id = x.id)`,
    [joined(ids)],
  );
  return rows.map((r) => r.id);
}
