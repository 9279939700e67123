import { readFileSync } from 'node:fs';
import { UsageError } from '../args';
import { ApiClient, segment } from '../http';

/** A participant as published (POST /participants). */
export interface ParticipantDocument {
  code: string;
  kind: 'bank' | 'guarantor' | 'reguarantor' | 'fund' | 'regulator' | 'operator';
  name: string;
  net_assets?: string;
  effective_from?: string;
}

export interface ProgrammeDocument {
  id: string;
  effective_from: string;
  [field: string]: unknown;
}

/** Reads a JSON file, with a clear message when it is missing or malformed. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** One participant object or an array of them; checks the shape, the server judges the rest. */
export function asParticipants(doc: unknown, source: string): ParticipantDocument[] {
  const list = Array.isArray(doc) ? doc : [doc];
  if (list.length === 0) throw new UsageError(`${source} names no participant`);
  list.forEach((p, i) => {
    const where = Array.isArray(doc) ? `${source}[${i}]` : source;
    if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new UsageError(`${where} must be a participant object`);
    const { code, kind, name } = p as Record<string, unknown>;
    if (typeof code !== 'string' || typeof kind !== 'string' || typeof name !== 'string') {
      throw new UsageError(`${where} needs code, kind and name as strings`);
    }
  });
  return list as ParticipantDocument[];
}

export function asProgramme(doc: unknown, source: string): ProgrammeDocument {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new UsageError(`${source} must be one programme document (a JSON object)`);
  if (typeof (doc as { id?: unknown }).id !== 'string') throw new UsageError(`${source} needs an "id"`);
  return doc as ProgrammeDocument;
}

export async function publishParticipants(client: ApiClient, participants: ParticipantDocument[]): Promise<{ registered: number }> {
  const body = participants.length === 1 ? participants[0] : participants;
  return (await client.post<{ registered: number }>('/participants', body)).body;
}

export async function publishProgramme(client: ApiClient, programme: ProgrammeDocument): Promise<{ programme: string; effective_from: string }> {
  return (await client.post<{ programme: string; effective_from: string }>('/programmes', programme)).body;
}

export interface IssuedKey {
  participant: string;
  key: string;
  /** the key's id, safe to show: what g2g keys list and g2g keys revoke name it by */
  key_id: string;
}

export async function issueKey(client: ApiClient, code: string): Promise<IssuedKey> {
  return (await client.post<IssuedKey>(`/participants/${segment(code)}/api-keys`)).body;
}
