import {
  ApiKeyIssuedV1,
  ApiKeyRevokedV1,
  ParticipantKindV1,
  ParticipantRegisteredV1,
  ProgrammeDocumentV1,
  ProgrammePublishedV1,
  apiKeyIssuedV1,
  apiKeyRevokedV1,
  participantRegisteredV1,
  programmePublishedV1,
} from '@g2g/contracts';
import { ProgrammeProblem, LENDING_BANK, parseYuan, readProgramme, shown } from '@g2g/domain';
import { Database, EventStore, Sql, enqueue } from '@g2g/event-store';
import {
  BOOTSTRAP_OPERATOR,
  Caller,
  apiKeysOf,
  applyApiKey,
  applyApiKeyRevocation,
  applyParticipant,
  applyProgramme,
  hashKey,
  keyIdOf,
  newApiKey,
  operatorAction,
  participantOn,
  recordOperatorActions,
} from '@g2g/platform';
import { unpublishedLists } from '../recommended-lists/list-projection';
import { RevocationRequest, decideRevocation, mayManage } from './api-keys';
import { ParticipantBody, ProgrammeBody } from './reference-data-bodies';

export const SCHEMA = 'underwriting';

type Refused = { ok: false; code: string; message: string; problems: ProgrammeProblem[] };
export type Published<T> = { ok: true; value: T } | Refused;

const bootstrapOnly = (): Refused => ({
  ok: false,
  code: 'BOOTSTRAP_OPERATOR_ONLY',
  message: 'operators are registered, and their keys issued and revoked, with the bootstrap operator key only',
  problems: [],
});

/** A participant's API key as an operator sees it: its id, never the key. */
export interface ApiKeyListing {
  key_id: string;
  key_prefix: string;
  issued_at: string;
  revoked_at: string | null;
}

/**
 * Operators publish reference data here; each publication is an event in the underwriting store,
 * applied to underwriting's own copy in the same transaction and announced on its topic. Every
 * operator action is recorded too, with who did it and when (recordOperatorActions).
 */
export class PublishReferenceData {
  private readonly store = new EventStore(SCHEMA);

  constructor(private readonly db: Database) {}

  /**
   * Registers participants, all or none, each document's form already checked (ParticipantBody):
   * here what the registry decides, the code the bootstrap key stands for and who may manage operators.
   */
  async registerParticipants(inputs: readonly ParticipantBody[], caller: Caller, now: Date): Promise<Published<{ registered: number }>> {
    const problems: ProgrammeProblem[] = [];
    const messages: ParticipantRegisteredV1[] = inputs.map((p, i) => {
      if (p.code === BOOTSTRAP_OPERATOR) problems.push({ field: `${inputs.length > 1 ? `[${i}].` : ''}code`, message: `code: ${BOOTSTRAP_OPERATOR} names the bootstrap operator key and cannot be registered` });
      const netAssets = p.net_assets === undefined || p.net_assets === null ? null : parseYuan(p.net_assets);
      return {
        code: p.code,
        kind: p.kind as ParticipantKindV1,
        name: p.name.trim(),
        netAssetsFen: netAssets === null ? null : netAssets.toString(),
        effectiveFrom: p.effective_from ?? '2000-01-01',
        registeredAt: now.toISOString(),
      };
    });
    if (problems.length > 0) return { ok: false, code: 'INVALID_PARTICIPANT', message: 'the participant document has problems', problems };
    const existing = await Promise.all(messages.map((m) => participantOn(this.db, SCHEMA, m.code)));
    if (!mayManage(caller, [...messages.map((m) => m.kind), ...existing.map((p) => p?.kind)])) return bootstrapOnly();

    await this.db.transaction(async (tx) => {
      for (const m of messages) {
        const stream = `participant:${m.code}`;
        const version = await this.store.version(tx, stream);
        await this.store.append(tx, [
          { streamId: stream, expected: version === 0 ? 'no_stream' : version, events: [{ type: 'registry.participant-registered.v1', data: m, businessDate: m.effectiveFrom }] },
        ]);
        await applyParticipant(tx, SCHEMA, m);
      }
      await enqueue(tx, SCHEMA, messages.map((m) => ({ topic: participantRegisteredV1.topic, key: participantRegisteredV1.key(m), value: m })));
      await recordOperatorActions(
        tx,
        SCHEMA,
        messages.map((m) => operatorAction(SCHEMA, caller, 'participant-registered', m.code, { kind: m.kind, effectiveFrom: m.effectiveFrom }, now)),
      );
    });
    return { ok: true, value: { registered: messages.length } };
  }

  async publishProgramme(document: ProgrammeBody, caller: Caller, now: Date): Promise<Published<{ programme: string; effective_from: string }>> {
    const read = readProgramme(document);
    if (!read.ok) return { ok: false, code: 'INVALID_PROGRAMME', message: 'the programme document has problems', problems: read.problems };
    const p = read.programme;
    const problems: ProgrammeProblem[] = [];
    for (const bank of p.banks) {
      const found = await participantOn(this.db, SCHEMA, bank);
      if (found?.kind !== 'bank') problems.push({ field: 'banks', message: `${bank} is not a registered bank` });
    }
    // a bank's line for a code that is no registered bank would be a limit on nobody, kept unseen
    for (const bank of p.bankQuotas.keys()) {
      const found = await participantOn(this.db, SCHEMA, bank);
      if (found?.kind !== 'bank') problems.push({ field: `bank_quotas.${shown(bank)}`, message: `${shown(bank)} is not a registered bank` });
    }
    for (const party of p.parties) {
      if (party.participant === LENDING_BANK) continue;
      const found = await participantOn(this.db, SCHEMA, party.participant);
      if (!found) problems.push({ field: 'parties', message: `${party.participant} is not a registered participant` });
      else if (found.kind !== party.role) problems.push({ field: 'parties', message: `${party.participant} is a ${found.kind}, not a ${party.role}` });
    }
    // a list named before it is published would reject every loan (a misspelt id, the same)
    for (const [field, ids] of [['required_lists', p.requiredLists], ['preferred_lists', p.preferredLists]] as const) {
      for (const id of await unpublishedLists(this.db, ids)) problems.push({ field, message: `${id} is not a published recommended list` });
    }
    if (problems.length > 0) return { ok: false, code: 'INVALID_PROGRAMME', message: 'the programme names unknown participants or lists', problems };

    const message: ProgrammePublishedV1 = { programme: document as ProgrammeDocumentV1, publishedAt: now.toISOString() };
    await this.db.transaction(async (tx) => {
      const stream = `programme:${p.id}`;
      const version = await this.store.version(tx, stream);
      await this.store.append(tx, [
        { streamId: stream, expected: version === 0 ? 'no_stream' : version, events: [{ type: 'registry.programme-published.v1', data: message, businessDate: p.effectiveFrom }] },
      ]);
      await applyProgramme(tx, SCHEMA, message);
      await tx.query(`insert into ${SCHEMA}.programme_books (programme) values ($1) on conflict do nothing`, [p.id]);
      await enqueue(tx, SCHEMA, [{ topic: programmePublishedV1.topic, key: programmePublishedV1.key(message), value: message }]);
      await recordOperatorActions(tx, SCHEMA, [operatorAction(SCHEMA, caller, 'programme-published', p.id, { effectiveFrom: p.effectiveFrom }, now)]);
    });
    return { ok: true, value: { programme: p.id, effective_from: p.effectiveFrom } };
  }

  /** A new key for a participant; only its hash is stored or sent anywhere. */
  async issueApiKey(code: string, caller: Caller, now: Date): Promise<Published<{ participant: string; key: string; key_id: string }>> {
    const participant = await participantOn(this.db, SCHEMA, code);
    if (!participant) return unknownParticipant(code);
    if (!mayManage(caller, [participant.kind])) return bootstrapOnly();
    const key = newApiKey();
    const message: ApiKeyIssuedV1 = { participant: code, keyHash: hashKey(key), keyPrefix: key.slice(0, 8), issuedAt: now.toISOString() };
    const keyId = keyIdOf(message.keyHash);
    await this.db.transaction(async (tx) => {
      await this.appendKeyEvent(tx, code, 'registry.api-key-issued.v1', message);
      await applyApiKey(tx, SCHEMA, message);
      await enqueue(tx, SCHEMA, [{ topic: apiKeyIssuedV1.topic, key: apiKeyIssuedV1.key(message), value: message }]);
      await recordOperatorActions(tx, SCHEMA, [operatorAction(SCHEMA, caller, 'api-key-issued', code, { keyId }, now)]);
    });
    return { ok: true, value: { participant: code, key, key_id: keyId } };
  }

  /** A participant's keys, oldest first: ids, prefixes, when issued and revoked. */
  async listApiKeys(code: string): Promise<Published<{ participant: string; keys: ApiKeyListing[] }>> {
    if (!(await participantOn(this.db, SCHEMA, code))) return unknownParticipant(code);
    const keys = await apiKeysOf(this.db, SCHEMA, code);
    return {
      ok: true,
      value: {
        participant: code,
        keys: keys.map((k) => ({ key_id: keyIdOf(k.keyHash), key_prefix: k.keyPrefix, issued_at: k.issuedAt.toISOString(), revoked_at: k.revokedAt?.toISOString() ?? null })),
      },
    };
  }

  /**
   * Revokes one key of a participant, or all of them: an event, underwriting's own copy at once,
   * and the message every other service applies to its copy. The bootstrap operator key is no
   * participant's and cannot be revoked here.
   */
  async revokeApiKeys(code: string, request: RevocationRequest, caller: Caller, now: Date): Promise<Published<{ participant: string; revoked: string[]; already_revoked: string[] }>> {
    const participant = await participantOn(this.db, SCHEMA, code);
    if (!participant) return unknownParticipant(code);
    if (!mayManage(caller, [participant.kind])) return bootstrapOnly();
    return this.db.transaction(async (tx): Promise<Published<{ participant: string; revoked: string[]; already_revoked: string[] }>> => {
      const keys = (await apiKeysOf(tx, SCHEMA, code)).map((k) => ({ keyId: keyIdOf(k.keyHash), keyHash: k.keyHash, revoked: k.revokedAt !== null }));
      const decision = decideRevocation(keys, request);
      if (!decision.ok) return { ok: false, code: decision.code, message: `${code} has no key ${'keyId' in request ? request.keyId : ''}`, problems: [] };
      const revoked = decision.revoke.map((k) => k.keyId);
      if (decision.revoke.length > 0) {
        const message: ApiKeyRevokedV1 = { participant: code, keyHashes: decision.revoke.map((k) => k.keyHash), all: 'all' in request, revokedAt: now.toISOString() };
        await this.appendKeyEvent(tx, code, 'registry.api-key-revoked.v1', message);
        await applyApiKeyRevocation(tx, SCHEMA, message);
        await enqueue(tx, SCHEMA, [{ topic: apiKeyRevokedV1.topic, key: apiKeyRevokedV1.key(message), value: message }]);
      }
      await recordOperatorActions(tx, SCHEMA, [operatorAction(SCHEMA, caller, 'api-key-revoked', code, { keyIds: revoked, all: 'all' in request }, now)]);
      return { ok: true, value: { participant: code, revoked, already_revoked: decision.alreadyRevoked } };
    });
  }

  /** A participant's key events are one stream: two changes at once to its keys retry in turn. */
  private async appendKeyEvent(tx: Sql, code: string, type: string, data: ApiKeyIssuedV1 | ApiKeyRevokedV1): Promise<void> {
    const stream = `api-keys:${code}`;
    const version = await this.store.version(tx, stream);
    await this.store.append(tx, [{ streamId: stream, expected: version === 0 ? 'no_stream' : version, events: [{ type, data }] }]);
  }
}

function unknownParticipant(code: string): Refused {
  return { ok: false, code: 'UNKNOWN_PARTICIPANT', message: `${code} is not registered`, problems: [] };
}
