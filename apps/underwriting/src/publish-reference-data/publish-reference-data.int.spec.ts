import { OperatorActionRecordedV1, apiKeyRevokedV1, operatorActionRecordedV1 } from '@g2g/contracts';
import { migrate, storeMigrations } from '@g2g/event-store';
import { Authenticator, Caller, OPERATOR_ACTION_EVENT, hashKey, keyIdOf } from '@g2g/platform';
import { TestDatabase, embeddedDatabase, freshServerDatabase } from '@g2g/testing';
import { underwritingMigrations } from '../migrations';
import { demoProgrammeDocument } from '../../../../libs/domain/src/programme/demo-programme.fixture';
import { PublishReferenceData, SCHEMA } from './publish-reference-data';

const BOOTSTRAP_KEY = 'g2g_bootstrap-operator';
const bootstrap: Caller = { code: 'OPERATOR', kind: 'operator', keyId: keyIdOf(hashKey(BOOTSTRAP_KEY)) };
const now = new Date('2026-01-05T02:00:00.000Z');

const databases = [
  ['server PostgreSQL', () => freshServerDatabase('g2g_int_keys')],
  ['embedded PostgreSQL (PGlite)', embeddedDatabase],
] as const;

/** Underwriting, the owner of the keys: issuing, listing and revoking them, and the operator actions it records. */
describe.each(databases)('API keys in underwriting, on %s', (_name, open) => {
  let t: TestDatabase;
  let publish: PublishReferenceData;
  let auth: Authenticator;

  const outbox = async (topic: string) => (await t.db.query<{ key: string; value: any }>(`select key, value from ${SCHEMA}.outbox where topic = $1 order by position`, [topic])).map((r) => r);
  const actions = async (): Promise<OperatorActionRecordedV1[]> =>
    (await t.db.query<{ data: OperatorActionRecordedV1 }>(`select data from ${SCHEMA}.events where type = $1 order by global_position`, [OPERATOR_ACTION_EVENT])).map((r) => r.data);
  const lastAction = async () => (await actions()).at(-1)!;
  let clock = now.getTime();
  const issue = async (code: string, caller = bootstrap) => {
    const issued = await publish.issueApiKey(code, caller, new Date((clock += 1000)));
    if (!issued.ok) throw new Error(issued.code);
    return issued.value;
  };

  beforeAll(async () => {
    t = await open();
    await migrate(t.db, SCHEMA, [...storeMigrations, ...underwritingMigrations]);
    publish = new PublishReferenceData(t.db);
    auth = new Authenticator(t.db, SCHEMA, BOOTSTRAP_KEY);
    const registered = await publish.registerParticipants(
      [
        { code: 'ICBC', kind: 'bank', name: 'ICBC' },
        { code: 'BOC', kind: 'bank', name: 'BOC' },
        { code: 'OPS-1', kind: 'operator', name: 'Duty operator' },
      ],
      bootstrap,
      now,
    );
    expect(registered).toEqual({ ok: true, value: { registered: 3 } });
  }, 60_000);
  afterAll(async () => t?.close());

  it('a key is issued with its id, works at once, and is revoked at once; another key of the participant keeps working', async () => {
    const first = await issue('ICBC');
    const second = await issue('ICBC');
    expect(first.key_id).toBe(keyIdOf(hashKey(first.key)));
    expect(await auth.identify(first.key)).toEqual({ caller: { code: 'ICBC', kind: 'bank', keyId: first.key_id } });

    const revoked = await publish.revokeApiKeys('ICBC', { keyId: first.key_id }, bootstrap, now);
    expect(revoked).toEqual({ ok: true, value: { participant: 'ICBC', revoked: [first.key_id], already_revoked: [] } });
    expect(await auth.identify(first.key)).toEqual({ refused: 'KEY_REVOKED' });
    expect(await auth.identify(second.key)).toEqual({ caller: { code: 'ICBC', kind: 'bank', keyId: second.key_id } });

    // the message carries the hash, never the key; every other service applies it to its copy
    expect((await outbox(apiKeyRevokedV1.topic)).at(-1)).toEqual({
      key: 'ICBC',
      value: { participant: 'ICBC', keyHashes: [hashKey(first.key)], all: false, revokedAt: now.toISOString() },
    });
    const listed = await publish.listApiKeys('ICBC');
    expect(listed.ok && listed.value.keys.map((k) => [k.key_id, k.revoked_at])).toEqual([
      [first.key_id, now.toISOString()],
      [second.key_id, null],
    ]);
    expect(JSON.stringify(listed)).not.toContain(first.key);
  });

  it('revoking the same key twice changes nothing the second time, and says so', async () => {
    const { key_id } = await issue('BOC');
    await publish.revokeApiKeys('BOC', { keyId: key_id }, bootstrap, now);
    const messages = (await outbox(apiKeyRevokedV1.topic)).length;
    expect(await publish.revokeApiKeys('BOC', { keyId: key_id }, bootstrap, now)).toEqual({ ok: true, value: { participant: 'BOC', revoked: [], already_revoked: [key_id] } });
    expect((await outbox(apiKeyRevokedV1.topic)).length).toBe(messages);
  });

  it('revoking all keys of a participant revokes every key still valid, and only its own', async () => {
    const a = await issue('BOC');
    const b = await issue('BOC');
    const icbc = await issue('ICBC');
    const result = await publish.revokeApiKeys('BOC', { all: true }, bootstrap, now);
    expect(result.ok && [...result.value.revoked].sort()).toEqual([a.key_id, b.key_id].sort());
    expect(await auth.identify(a.key)).toEqual({ refused: 'KEY_REVOKED' });
    expect(await auth.identify(b.key)).toEqual({ refused: 'KEY_REVOKED' });
    expect(await auth.identify(icbc.key)).toMatchObject({ caller: { code: 'ICBC' } });
    expect((await outbox(apiKeyRevokedV1.topic)).at(-1)!.value).toMatchObject({ participant: 'BOC', all: true });
  });

  it('a key id the participant never had, or a participant never registered, is refused', async () => {
    expect(await publish.revokeApiKeys('ICBC', { keyId: '0000000000000000' }, bootstrap, now)).toMatchObject({ ok: false, code: 'UNKNOWN_KEY' });
    expect(await publish.revokeApiKeys('NOPE', { all: true }, bootstrap, now)).toMatchObject({ ok: false, code: 'UNKNOWN_PARTICIPANT' });
    expect(await publish.listApiKeys('NOPE')).toMatchObject({ ok: false, code: 'UNKNOWN_PARTICIPANT' });
  });

  it('a named operator acts as itself, and manages every participant but operators', async () => {
    const ops = await issue('OPS-1');
    const identified = await auth.identify(ops.key);
    expect(identified).toEqual({ caller: { code: 'OPS-1', kind: 'operator', keyId: ops.key_id } });
    const named = (identified as { caller: Caller }).caller;

    const forIcbc = await issue('ICBC', named);
    expect(await lastAction()).toMatchObject({ action: 'api-key-issued', subject: 'ICBC', actor: { participant: 'OPS-1', keyId: ops.key_id }, details: { keyId: forIcbc.key_id } });

    expect(await publish.issueApiKey('OPS-1', named, now)).toMatchObject({ ok: false, code: 'BOOTSTRAP_OPERATOR_ONLY' });
    expect(await publish.revokeApiKeys('OPS-1', { keyId: ops.key_id }, named, now)).toMatchObject({ ok: false, code: 'BOOTSTRAP_OPERATOR_ONLY' });
    expect(await publish.registerParticipants([{ code: 'OPS-2', kind: 'operator', name: 'x' }], named, now)).toMatchObject({ ok: false, code: 'BOOTSTRAP_OPERATOR_ONLY' });
    expect(await publish.registerParticipants([{ code: 'OPS-1', kind: 'bank', name: 'x' }], named, now)).toMatchObject({ ok: false, code: 'BOOTSTRAP_OPERATOR_ONLY' });
    expect(await publish.registerParticipants([{ code: 'CCB', kind: 'bank', name: 'CCB' }], named, now)).toEqual({ ok: true, value: { registered: 1 } });
    expect(await auth.identify(ops.key)).toMatchObject({ caller: { code: 'OPS-1', kind: 'operator' } });
  });

  it('no participant may be registered as OPERATOR, the bootstrap key\'s name', async () => {
    const refused = await publish.registerParticipants([{ code: 'OPERATOR', kind: 'operator', name: 'x' }], bootstrap, now);
    expect(refused).toMatchObject({ ok: false, code: 'INVALID_PARTICIPANT', problems: [{ field: 'code' }] });
  });

  it('every operator action is an event of its own and a message on underwriting\'s topic, with who and when', async () => {
    const before = (await actions()).length;
    const issued = await publish.issueApiKey('ICBC', bootstrap, now);
    const key_id = issued.ok ? issued.value.key_id : '';
    await publish.revokeApiKeys('ICBC', { keyId: key_id }, bootstrap, now);
    const recorded = (await actions()).slice(before);
    expect(recorded.map((a) => [a.action, a.subject, a.actor, a.details, a.recordedAt, a.service])).toEqual([
      ['api-key-issued', 'ICBC', { participant: 'OPERATOR', keyId: bootstrap.keyId }, { keyId: key_id }, now.toISOString(), 'underwriting'],
      ['api-key-revoked', 'ICBC', { participant: 'OPERATOR', keyId: bootstrap.keyId }, { keyIds: [key_id], all: false }, now.toISOString(), 'underwriting'],
    ]);
    const announced = (await outbox(operatorActionRecordedV1.topic('underwriting'))).slice(-2);
    expect(announced).toEqual(recorded.map((a) => ({ key: 'underwriting', value: a })));
    // the three participants registered at the start, one action each, by the bootstrap operator
    expect((await actions()).filter((a) => a.action === 'participant-registered').map((a) => [a.subject, a.actor.participant])).toEqual([
      ['ICBC', 'OPERATOR'],
      ['BOC', 'OPERATOR'],
      ['OPS-1', 'OPERATOR'],
      ['CCB', 'OPS-1'],
    ]);
  });
});

describe('programmes in underwriting', () => {
  let t: TestDatabase;
  let publish: PublishReferenceData;

  beforeAll(async () => {
    t = await embeddedDatabase();
    await migrate(t.db, SCHEMA, [...storeMigrations, ...underwritingMigrations]);
    publish = new PublishReferenceData(t.db);
    const participants = [
      { code: 'ICBC', kind: 'bank', name: 'ICBC' },
      { code: 'BOC', kind: 'bank', name: 'BOC' },
      { code: 'BJ-GUOHUA', kind: 'guarantor', name: 'Guohua', net_assets: '2000000000.00' },
      { code: 'BJ-REG', kind: 'reguarantor', name: 'Beijing re-guarantee' },
      { code: 'NFGF', kind: 'fund', name: 'the Fund' },
    ];
    expect(await publish.registerParticipants(participants, bootstrap, now)).toEqual({ ok: true, value: { registered: 5 } });
  }, 60_000);
  afterAll(async () => t?.close());

  it('refuses a programme whose bank_quotas name codes that are not registered banks, and publishes it once they are', async () => {
    // JSON as an operator sends it: "__proto__" is then a key like any other
    const quotas = '{"ICBC": "1000000.00", "GHOST": "1.00", "BJ-GUOHUA": "1.00", "constructor": "1.00", "__proto__": "1.00"}';
    const document = { ...demoProgrammeDocument, id: 'QUOTAS', bank_quotas: JSON.parse(quotas) };
    const refused = await publish.publishProgramme(document, bootstrap, now);
    expect(refused).toMatchObject({ ok: false, code: 'INVALID_PROGRAMME' });
    const problems = refused.ok ? [] : (refused as { problems: { field: string; message: string }[] }).problems;
    expect(problems.map((p) => p.field)).toEqual(['bank_quotas.GHOST', 'bank_quotas.BJ-GUOHUA', 'bank_quotas.constructor', 'bank_quotas.__proto__']);
    expect(problems[0].message).toBe('GHOST is not a registered bank');

    expect(await publish.publishProgramme({ ...demoProgrammeDocument, id: 'QUOTAS', bank_quotas: { ICBC: '1000000.00' } }, bootstrap, now)).toMatchObject({ ok: true });
  });
});
