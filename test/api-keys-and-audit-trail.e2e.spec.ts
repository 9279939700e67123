import { eventually } from '@g2g/testing';
import { createHash } from 'node:crypto';
import { demoProgrammeDocument } from '../libs/domain/src/programme/demo-programme.fixture';
import { DEMO_PARTICIPANTS, TestPlatform } from './support/platform';

// Keys and privileged actions over real Kafka and PostgreSQL, five service processes: a named
// operator's key works everywhere, is revoked, and every service refuses it while the operator's
// other key goes on working; the audit trail says who did each operator action, and when.

const platform = new TestPlatform();
const P = 'P-KEYS';
const programme = { ...demoProgrammeDocument, id: P, banks: ['ICBC', 'BOC'] };
const OPS = { code: 'OPS-1', kind: 'operator', name: 'Duty operator' };
const keyId = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 16);

/** One authenticated call a key may make on each of the four services with an HTTP API, and what each answered. */
const probe = async (key: string) => ({
  intake: await answer(platform.call('intake', 'GET', '/banks/ICBC/batches/none', key)),
  cession: await answer(platform.call('cession', 'GET', '/statements/BJ-REG/2025-03', key)),
  reporting: await answer(platform.call('reporting', 'GET', '/figures?from=2025-01-01&to=2025-01-01', key)),
  underwriting: await answer(platform.call('underwriting', 'GET', '/participants/ICBC/api-keys', key)),
});
const answer = async (call: Promise<{ status: number; body: any }>) => {
  const { status, body } = await call;
  return status >= 400 ? `${status} ${body?.code}` : String(status);
};
/** Waits until every service answers the key as expected; a timeout says what they answered last. */
const answersEverywhere = async (key: string, expected: Record<string, string>, what: string) => {
  let last: unknown;
  try {
    await eventually(async () => JSON.stringify((last = await probe(key))) === JSON.stringify(expected), 60_000, what);
  } catch (error) {
    throw new Error(`${(error as Error).message}; the services answered ${JSON.stringify(last)}`);
  }
};
const works = { intake: '404 UNKNOWN_BATCH', cession: '200', reporting: '200', underwriting: '200' };
const revoked = { intake: '401 KEY_REVOKED', cession: '401 KEY_REVOKED', reporting: '401 KEY_REVOKED', underwriting: '401 KEY_REVOKED' };

describe('API keys revoked everywhere, and the audit trail of operator actions', () => {
  let started: Date;
  beforeAll(async () => {
    started = new Date();
    await platform.start();
    await platform.publish([...DEMO_PARTICIPANTS, OPS], [programme]);
  }, 180_000);
  afterAll(async () => platform.stop());

  it('a revoked key is refused by every service, another key of the same operator keeps working, and the trail says who did what when', async () => {
    const op = platform.operatorKey;
    const first = platform.keys['OPS-1'];
    const issued = await platform.call('underwriting', 'POST', '/participants/OPS-1/api-keys', op);
    expect(issued.status).toBe(201);
    const second: string = issued.body.key;
    expect(issued.body.key_id).toBe(keyId(second));

    // 1. both keys of OPS-1 work in every service once the keys reached it
    await answersEverywhere(first, works, 'the first key everywhere');
    await answersEverywhere(second, works, 'the second key everywhere');

    // 2. OPS-1 acts with its second key: a key for a bank, a resumption (nothing was suspended), a rebuild
    const forBank = await platform.call('underwriting', 'POST', '/participants/ICBC/api-keys', second);
    expect(forBank.status).toBe(201);
    expect((await platform.call('underwriting', 'POST', `/programmes/${P}/resume`, second, { resumed_on: '2025-05-10' })).body).toEqual({ programme: P, suspended: false, changed: false });
    expect((await platform.call('reporting', 'POST', '/projections/rebuild', second)).status).toBe(200);

    // 3. the keys of OPS-1 by id; a named operator may not revoke an operator's key, the bootstrap operator may
    const listed = await platform.call('underwriting', 'GET', '/participants/OPS-1/api-keys', op);
    expect(listed.body.keys.map((k: any) => [k.key_id, k.revoked_at])).toEqual([
      [keyId(first), null],
      [keyId(second), null],
    ]);
    const refused = await platform.call('underwriting', 'POST', '/participants/OPS-1/api-keys/revoke', second, { key_id: keyId(first) });
    expect([refused.status, refused.body.code]).toEqual([403, 'BOOTSTRAP_OPERATOR_ONLY']);
    const revocation = await platform.call('underwriting', 'POST', '/participants/OPS-1/api-keys/revoke', op, { key_id: keyId(first) });
    expect([revocation.status, revocation.body]).toEqual([200, { participant: 'OPS-1', revoked: [keyId(first)], already_revoked: [] }]);

    // 4. underwriting refuses the key at once; every other service once the revocation reached it
    expect((await probe(first)).underwriting).toBe('401 KEY_REVOKED');
    await answersEverywhere(first, revoked, 'the revocation everywhere');
    expect(await probe(second)).toEqual(works);
    expect((await platform.call('underwriting', 'GET', '/participants/OPS-1/api-keys', op)).body.keys.map((k: any) => [k.key_id, k.revoked_at === null])).toEqual([
      [keyId(first), false],
      [keyId(second), true],
    ]);

    // 5. the audit trail, as the regulator reads it: every action above, with who and when
    const trail = async (query = '') => platform.call('reporting', 'GET', `/audit-trail?limit=1000${query}`, platform.keys.NFRA);
    let entries: any[] = [];
    await eventually(async () => (entries = (await trail()).body.entries).some((e: any) => e.action === 'api-key-revoked'), 60_000, 'the revocation in the trail');
    const finished = new Date();
    const who = (e: any) => `${e.actor}/${e.actor_key_id}`;
    const bootstrap = `OPERATOR/${keyId(op)}`;
    const named = `OPS-1/${keyId(second)}`;
    const of = (action: string) => entries.filter((e) => e.action === action).map((e) => [e.subject, who(e), e.service]).reverse();
    const codes = [...DEMO_PARTICIPANTS, OPS].map((p) => p.code);

    expect(entries[0]).toMatchObject({ action: 'api-key-revoked', subject: 'OPS-1', actor: 'OPERATOR', actor_key_id: keyId(op), details: { keyIds: [keyId(first)], all: false } });
    expect(of('participant-registered')).toEqual(codes.map((c) => [c, bootstrap, 'underwriting']));
    expect(of('programme-published')).toEqual([[P, bootstrap, 'underwriting']]);
    expect(of('api-key-issued')).toEqual([...codes.map((c) => [c, bootstrap, 'underwriting']), ['OPS-1', bootstrap, 'underwriting'], ['ICBC', named, 'underwriting']]);
    expect(entries.find((e) => e.action === 'api-key-issued' && e.subject === 'ICBC' && e.actor === 'OPS-1').details).toEqual({ keyId: forBank.body.key_id });
    expect(of('programme-resumed')).toEqual([[P, named, 'underwriting']]);
    expect(entries.find((e) => e.action === 'programme-resumed').details).toEqual({ resumedOn: '2025-05-10', changed: false });
    expect(of('projections-rebuilt')).toEqual([['projections', named, 'reporting']]);
    expect(of('api-key-revoked')).toEqual([['OPS-1', bootstrap, 'underwriting']]);
    expect(entries).toHaveLength(codes.length * 2 + 6);
    for (const e of entries) {
      expect(Date.parse(e.recorded_at)).toBeGreaterThanOrEqual(started.getTime());
      expect(Date.parse(e.recorded_at)).toBeLessThanOrEqual(finished.getTime());
    }

    // 6. filtered and paged; refused to a bank and to the revoked key
    expect((await trail('&action=api-key-revoked,projections-rebuilt')).body.entries.map((e: any) => e.action)).toEqual(['api-key-revoked', 'projections-rebuilt']);
    const firstTwo = (await platform.call('reporting', 'GET', '/audit-trail?order=oldest&limit=2', op)).body;
    const nextTwo = (await platform.call('reporting', 'GET', `/audit-trail?order=oldest&limit=2&after=${firstTwo.next}`, op)).body;
    expect([...firstTwo.entries, ...nextTwo.entries].map((e: any) => e.subject)).toEqual(codes.slice(0, 4));
    const bank = await platform.call('reporting', 'GET', '/audit-trail', platform.keys.ICBC);
    expect([bank.status, bank.body.code]).toEqual([403, 'FORBIDDEN']);
    const gone = await platform.call('reporting', 'GET', '/audit-trail', first);
    expect([gone.status, gone.body.code]).toEqual([401, 'KEY_REVOKED']);
  }, 300_000);
});
