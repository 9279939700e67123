import {
  ApiKeyIssuedV1,
  ApiKeyRevokedV1,
  ParticipantRegisteredV1,
  ProgrammeDocumentV1,
  ProgrammePublishedV1,
  apiKeyIssuedV1,
  apiKeyRevokedV1,
  participantRegisteredV1,
  programmePublishedV1,
} from '@g2g/contracts';
import { Migration, Sql, ident } from '@g2g/event-store';

/**
 * Reference data every service keeps a copy of: participants, programme versions, API key
 * hashes and their revocations. Underwriting owns them (operators publish there) and writes its copy in the same
 * transaction as its events; every other service applies the integration messages to its own.
 */
export const referenceDataTopics = [participantRegisteredV1.topic, programmePublishedV1.topic, apiKeyIssuedV1.topic, apiKeyRevokedV1.topic] as const;

export const referenceDataMigrations: readonly Migration[] = [
  {
    version: 50,
    name: 'reference data: participants, programme versions, api keys',
    sql: `
      create table {schema}.ref_participants (
        code text not null,
        effective_from date not null,
        kind text not null,
        name text not null,
        net_assets_fen numeric(20, 0),
        registered_at timestamptz not null,
        primary key (code, effective_from)
      );
      create table {schema}.ref_programmes (
        id text not null,
        effective_from date not null,
        document jsonb not null,
        published_at timestamptz not null,
        primary key (id, effective_from)
      );
      create table {schema}.ref_api_keys (
        key_hash text primary key,
        participant text not null,
        key_prefix text not null,
        issued_at timestamptz not null
      );
    `,
  },
  {
    version: 51,
    name: 'reference data: api key revocations',
    // Revocations are kept apart from the keys: a revocation may be heard before the key's issue
    // (different topics keep no order between them) and must still hold when the issue arrives.
    sql: `
      create table {schema}.ref_api_key_revocations (
        key_hash text primary key,
        participant text not null,
        revoked_at timestamptz not null
      );
      create index ref_api_keys_participant_idx on {schema}.ref_api_keys (participant);
    `,
  },
];

/** The event type each reference-data message is kept under (underwriting's own, and every copy's). */
export const REFERENCE_EVENT_OF: Record<string, string> = {
  [participantRegisteredV1.topic]: 'registry.participant-registered.v1',
  [programmePublishedV1.topic]: 'registry.programme-published.v1',
  [apiKeyIssuedV1.topic]: 'registry.api-key-issued.v1',
  [apiKeyRevokedV1.topic]: 'registry.api-key-revoked.v1',
};

/** The reference-data tables of a schema, with the columns a rebuild compares. */
export const REFERENCE_STATE = {
  ref_participants: ['code', 'effective_from', 'kind', 'name', 'net_assets_fen', 'registered_at'],
  ref_programmes: ['id', 'effective_from', 'document', 'published_at'],
  ref_api_keys: ['key_hash', 'participant', 'key_prefix', 'issued_at'],
  ref_api_key_revocations: ['key_hash', 'participant', 'revoked_at'],
} as const;

/** Applies reference-data events to a schema's copy (live, and in a rebuild). */
export async function applyReferenceDataEvents(tx: Sql, schema: string, events: readonly { type: string; data?: any }[]): Promise<void> {
  for (const e of events) {
    if (e.type === 'registry.participant-registered.v1') await applyParticipant(tx, schema, e.data);
    else if (e.type === 'registry.programme-published.v1') await applyProgramme(tx, schema, e.data);
    else if (e.type === 'registry.api-key-issued.v1') await applyApiKey(tx, schema, e.data);
    else if (e.type === 'registry.api-key-revoked.v1') await applyApiKeyRevocation(tx, schema, e.data);
  }
}

export async function applyParticipant(tx: Sql, schema: string, p: ParticipantRegisteredV1): Promise<void> {
  await tx.query(
    `insert into ${ident(schema)}.ref_participants (code, effective_from, kind, name, net_assets_fen, registered_at)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (code, effective_from) do update
       set kind = excluded.kind, name = excluded.name, net_assets_fen = excluded.net_assets_fen, registered_at = excluded.registered_at`,
    [p.code, p.effectiveFrom, p.kind, p.name, p.netAssetsFen, p.registeredAt],
  );
}

export async function applyProgramme(tx: Sql, schema: string, p: ProgrammePublishedV1): Promise<void> {
  await tx.query(
    `insert into ${ident(schema)}.ref_programmes (id, effective_from, document, published_at) values ($1, $2, $3, $4)
     on conflict (id, effective_from) do update set document = excluded.document, published_at = excluded.published_at`,
    [p.programme.id, p.programme.effective_from, JSON.stringify(p.programme), p.publishedAt],
  );
}

export async function applyApiKey(tx: Sql, schema: string, k: ApiKeyIssuedV1): Promise<void> {
  await tx.query(
    `insert into ${ident(schema)}.ref_api_keys (key_hash, participant, key_prefix, issued_at) values ($1, $2, $3, $4)
     on conflict (key_hash) do nothing`,
    [k.keyHash, k.participant, k.keyPrefix, k.issuedAt],
  );
}

export async function applyApiKeyRevocation(tx: Sql, schema: string, r: ApiKeyRevokedV1): Promise<void> {
  await tx.query(
    `insert into ${ident(schema)}.ref_api_key_revocations (key_hash, participant, revoked_at)
     select h, $2, $3 from unnest($1::text[]) as h
     on conflict (key_hash) do nothing`,
    [r.keyHashes, r.participant, r.revokedAt],
  );
}

export interface ParticipantRow {
  code: string;
  kind: string;
  name: string;
  netAssetsFen: bigint | null;
  effectiveFrom: string;
}

/** The participant as registered on a date (its latest version effective by then); null if unknown. */
export async function participantOn(sql: Sql, schema: string, code: string, date?: string): Promise<ParticipantRow | null> {
  const [row] = await sql.query<{ code: string; kind: string; name: string; net_assets_fen: string | null; effective_from: string }>(
    `select code, kind, name, net_assets_fen::text, to_char(effective_from, 'YYYY-MM-DD') as effective_from
       from ${ident(schema)}.ref_participants
      where code = $1 and ($2::date is null or effective_from <= $2::date)
      order by effective_from desc limit 1`,
    [code, date ?? null],
  );
  if (!row) return null;
  return { code: row.code, kind: row.kind, name: row.name, netAssetsFen: row.net_assets_fen === null ? null : BigInt(row.net_assets_fen), effectiveFrom: row.effective_from };
}

/** The programme version that applies to a loan disbursed on `date`: the latest effective by then. */
export async function programmeOn(sql: Sql, schema: string, id: string, date: string): Promise<ProgrammeDocumentV1 | null> {
  const [row] = await sql.query<{ document: ProgrammeDocumentV1 }>(
    `select document from ${ident(schema)}.ref_programmes where id = $1 and effective_from <= $2::date
      order by effective_from desc limit 1`,
    [id, date],
  );
  return row?.document ?? null;
}

/** Every version of a programme, oldest first. */
export async function programmeVersions(sql: Sql, schema: string, id: string): Promise<ProgrammeDocumentV1[]> {
  const rows = await sql.query<{ document: ProgrammeDocumentV1 }>(
    `select document from ${ident(schema)}.ref_programmes where id = $1 order by effective_from`,
    [id],
  );
  return rows.map((r) => r.document);
}

/** Whose key this is, and whether it was revoked; null for a key never issued (or not heard of yet). */
export async function keyOfHash(sql: Sql, schema: string, keyHash: string): Promise<{ participant: string; revoked: boolean } | null> {
  const s = ident(schema);
  const [row] = await sql.query<{ participant: string; revoked: boolean }>(
    `select participant, true as revoked from ${s}.ref_api_key_revocations where key_hash = $1
     union all
     select participant, false from ${s}.ref_api_keys where key_hash = $1
     order by revoked desc limit 1`,
    [keyHash],
  );
  return row ?? null;
}

export interface ApiKeyRow {
  keyHash: string;
  keyPrefix: string;
  issuedAt: Date;
  revokedAt: Date | null;
}

/** A participant's keys, oldest first, with their revocation if any. */
export async function apiKeysOf(sql: Sql, schema: string, participant: string): Promise<ApiKeyRow[]> {
  const s = ident(schema);
  const rows = await sql.query<{ key_hash: string; key_prefix: string; issued_at: Date; revoked_at: Date | null }>(
    `select k.key_hash, k.key_prefix, k.issued_at, r.revoked_at
       from ${s}.ref_api_keys k left join ${s}.ref_api_key_revocations r on r.key_hash = k.key_hash
      where k.participant = $1
      order by k.issued_at, k.key_hash`,
    [participant],
  );
  return rows.map((r) => ({ keyHash: r.key_hash, keyPrefix: r.key_prefix, issuedAt: r.issued_at, revokedAt: r.revoked_at }));
}
