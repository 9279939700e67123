import { migrate, storeMigrations } from '@g2g/event-store';
import { TestDatabase, testDatabases, uniqueSchema } from '@g2g/testing';
import { Authenticator, hashKey, keyIdOf } from '../auth/auth';
import { apiKeysOf, applyApiKey, applyApiKeyRevocation, applyParticipant, referenceDataMigrations } from './reference-data';

/** A service's copy of the keys: what it applies from the messages, and what its Authenticator makes of a key. */
describe.each(testDatabases)('API keys and their revocations in a service copy, on %s', (_name, open) => {
  let t: TestDatabase;
  let schema: string;
  let auth: Authenticator;
  const issue = (key: string, participant = 'ICBC', issuedAt = '2025-01-01T00:00:00.000Z') =>
    t.db.transaction((tx) => applyApiKey(tx, schema, { participant, keyHash: hashKey(key), keyPrefix: key.slice(0, 8), issuedAt }));
  const revoke = (keys: string[], participant = 'ICBC') =>
    t.db.transaction((tx) => applyApiKeyRevocation(tx, schema, { participant, keyHashes: keys.map(hashKey), all: false, revokedAt: '2025-02-01T00:00:00.000Z' }));

  beforeAll(async () => {
    t = await open();
  }, 60_000);
  afterAll(async () => t?.close());

  beforeEach(async () => {
    schema = uniqueSchema('ref');
    await migrate(t.db, schema, [...storeMigrations, ...referenceDataMigrations]);
    await t.db.transaction((tx) =>
      applyParticipant(tx, schema, { code: 'ICBC', kind: 'bank', name: 'ICBC', netAssetsFen: null, effectiveFrom: '2025-01-01', registeredAt: '2025-01-01T00:00:00.000Z' }),
    );
    auth = new Authenticator(t.db, schema, 'g2g_bootstrap');
  });

  it('a revoked key is refused as revoked, another key of the same participant still identifies it', async () => {
    await issue('g2g_first');
    await issue('g2g_second', 'ICBC', '2025-01-02T00:00:00.000Z');
    expect(await auth.identify('g2g_first')).toEqual({ caller: { code: 'ICBC', kind: 'bank', keyId: keyIdOf(hashKey('g2g_first')) } });
    await revoke(['g2g_first']);
    await revoke(['g2g_first']); // heard twice: nothing more happens
    expect(await auth.identify('g2g_first')).toEqual({ refused: 'KEY_REVOKED' });
    expect(await auth.identify('g2g_second')).toEqual({ caller: { code: 'ICBC', kind: 'bank', keyId: keyIdOf(hashKey('g2g_second')) } });
    expect(await auth.identify('g2g_never')).toEqual({ refused: 'UNKNOWN_API_KEY' });
    const listed = await apiKeysOf(t.db, schema, 'ICBC');
    expect(listed.map((k) => [k.keyPrefix, k.revokedAt?.toISOString() ?? null])).toEqual([
      ['g2g_firs', '2025-02-01T00:00:00.000Z'],
      ['g2g_seco', null],
    ]);
  });

  it('a revocation heard before the issue of its key still holds once the issue arrives', async () => {
    await revoke(['g2g_late']);
    expect(await auth.identify('g2g_late')).toEqual({ refused: 'KEY_REVOKED' });
    await issue('g2g_late');
    expect(await auth.identify('g2g_late')).toEqual({ refused: 'KEY_REVOKED' });
  });

  it('the bootstrap operator key is the operator, named by its own key id, whatever the revocations say', async () => {
    await revoke(['g2g_bootstrap'], 'OPERATOR');
    expect(await auth.identify('g2g_bootstrap')).toEqual({ caller: { code: 'OPERATOR', kind: 'operator', keyId: keyIdOf(hashKey('g2g_bootstrap')) } });
  });
});

describe.each(testDatabases)('the revocations migration on a copy that has keys already, on %s', (_name, open) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await open();
  }, 60_000);
  afterAll(async () => t?.close());

  it('adds the revocations and keeps the keys issued before it', async () => {
    const schema = uniqueSchema('refup');
    const before = referenceDataMigrations.filter((m) => m.version === 50);
    expect(await migrate(t.db, schema, [...storeMigrations, ...before])).toEqual([...storeMigrations.map((m) => m.version), 50]);
    await t.db.transaction(async (tx) => {
      await applyParticipant(tx, schema, { code: 'BOC', kind: 'bank', name: 'BOC', netAssetsFen: null, effectiveFrom: '2025-01-01', registeredAt: '2025-01-01T00:00:00.000Z' });
      await applyApiKey(tx, schema, { participant: 'BOC', keyHash: hashKey('g2g_old'), keyPrefix: 'g2g_old', issuedAt: '2025-01-01T00:00:00.000Z' });
    });
    expect(await migrate(t.db, schema, [...storeMigrations, ...referenceDataMigrations])).toEqual([51]);
    const auth = new Authenticator(t.db, schema, 'g2g_bootstrap');
    expect(await auth.identify('g2g_old')).toEqual({ caller: { code: 'BOC', kind: 'bank', keyId: keyIdOf(hashKey('g2g_old')) } });
    await t.db.transaction((tx) => applyApiKeyRevocation(tx, schema, { participant: 'BOC', keyHashes: [hashKey('g2g_old')], all: true, revokedAt: '2025-03-01T00:00:00.000Z' }));
    expect(await auth.identify('g2g_old')).toEqual({ refused: 'KEY_REVOKED' });
  });
});
