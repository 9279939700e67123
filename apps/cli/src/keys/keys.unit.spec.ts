import { run } from '../cli';
import { Call, fakeFetch, fakeIo } from '../test-fakes';

const A = '0123456789abcdef';
const B = 'fedcba9876543210';

describe('g2g keys list', () => {
  it("lists a participant's keys by id, oldest first, with their revocation, using the operator key", async () => {
    const calls: Call[] = [];
    const io = fakeIo({
      env: { G2G_OPERATOR_KEY: 'op', G2G_UNDERWRITING_URL: 'http://uw:8082' },
      fetch: fakeFetch(
        {
          'GET /participants/ICBC/api-keys': () => ({
            status: 200,
            body: {
              participant: 'ICBC',
              keys: [
                { key_id: A, key_prefix: 'g2g_q9V0', issued_at: '2026-01-05T02:00:00.000Z', revoked_at: '2026-01-06T02:00:00.000Z' },
                { key_id: B, key_prefix: 'g2g_x1Y2', issued_at: '2026-01-05T03:00:00.000Z', revoked_at: null },
              ],
            },
          }),
        },
        calls,
      ),
    });
    expect(await run(['keys', 'list', 'ICBC'], io)).toBe(0);
    expect(calls[0].url).toBe('http://uw:8082/participants/ICBC/api-keys');
    expect(calls[0].headers.authorization).toBe('Bearer op');
    const out = io.stdout();
    expect(out).toMatch(/^keys of ICBC: 2 keys, 1 valid\n/);
    expect(out).toMatch(new RegExp(`${A} +g2g_q9V0\\.\\.\\. +2026-01-05T02:00:00.000Z +2026-01-06T02:00:00.000Z\\n`));
    expect(out).toMatch(new RegExp(`${B} +g2g_x1Y2\\.\\.\\. +2026-01-05T03:00:00.000Z +valid\\n`));
  });

  it('a participant without keys says how to issue one', async () => {
    const io = fakeIo({ env: { G2G_OPERATOR_KEY: 'op' }, fetch: fakeFetch({ 'GET /participants/BOC/api-keys': () => ({ status: 200, body: { participant: 'BOC', keys: [] } }) }) });
    expect(await run(['keys', 'list', 'BOC'], io)).toBe(0);
    expect(io.stdout()).toBe('BOC has no API key (issue one with: g2g keys issue BOC)\n');
  });
});

describe('g2g keys revoke', () => {
  it('revokes one key by its id', async () => {
    const calls: Call[] = [];
    const io = fakeIo({
      env: { G2G_OPERATOR_KEY: 'op' },
      fetch: fakeFetch({ 'POST /participants/ICBC/api-keys/revoke': () => ({ status: 200, body: { participant: 'ICBC', revoked: [A], already_revoked: [] } }) }, calls),
    });
    expect(await run(['keys', 'revoke', 'ICBC', '--key-id', A], io)).toBe(0);
    expect(JSON.parse(calls[0].body!)).toEqual({ key_id: A });
    expect(io.stdout()).toBe(
      `revoked 1 key of ICBC: ${A}\nunderwriting refuses them now (401 KEY_REVOKED); every other service as soon as the revocation reaches it\n`,
    );
  });

  it('--all revokes every key; --json is the answer as is', async () => {
    const calls: Call[] = [];
    const body = { participant: 'ICBC', revoked: [A, B], already_revoked: [] };
    const io = fakeIo({ env: { G2G_OPERATOR_KEY: 'op' }, fetch: fakeFetch({ 'POST /participants/ICBC/api-keys/revoke': () => ({ status: 200, body }) }, calls) });
    expect(await run(['keys', 'revoke', 'ICBC', '--all', '--json'], io)).toBe(0);
    expect(JSON.parse(calls[0].body!)).toEqual({ all: true });
    expect(JSON.parse(io.stdout())).toEqual(body);
  });

  it('a key already revoked, or no valid key left, changes nothing and says so', async () => {
    const answer = (b: unknown) => fakeFetch({ 'POST /participants/ICBC/api-keys/revoke': () => ({ status: 200, body: b }) });
    const once = fakeIo({ env: { G2G_OPERATOR_KEY: 'op' }, fetch: answer({ participant: 'ICBC', revoked: [], already_revoked: [A] }) });
    expect(await run(['keys', 'revoke', 'ICBC', '--key-id', A], once)).toBe(0);
    expect(once.stdout()).toBe(`key ${A} of ICBC was already revoked: nothing changed\n`);
    const none = fakeIo({ env: { G2G_OPERATOR_KEY: 'op' }, fetch: answer({ participant: 'ICBC', revoked: [], already_revoked: [] }) });
    expect(await run(['keys', 'revoke', 'ICBC', '--all'], none)).toBe(0);
    expect(none.stdout()).toBe('ICBC had no valid key: nothing changed\n');
  });

  it('names one key or all, never both nor neither, and a key id is 16 hex digits: usage mistakes', async () => {
    for (const args of [['ICBC'], ['ICBC', '--all', '--key-id', A], ['ICBC', '--key-id', 'g2g_q9V0'], ['--all']]) {
      const io = fakeIo({ env: { G2G_OPERATOR_KEY: 'op' } });
      expect(await run(['keys', 'revoke', ...args], io)).toBe(2);
    }
  });

  it("the server's refusal is printed with its code: an operator's key needs the bootstrap key", async () => {
    const io = fakeIo({
      env: { G2G_API_KEY: 'named-operator' },
      fetch: fakeFetch({
        'POST /participants/OPS-1/api-keys/revoke': () => ({ status: 403, body: { code: 'BOOTSTRAP_OPERATOR_ONLY', message: 'operators are registered, and their keys issued and revoked, with the bootstrap operator key only' } }),
      }),
    });
    expect(await run(['keys', 'revoke', 'OPS-1', '--all'], io)).toBe(1);
    expect(io.stderr()).toContain('g2g keys revoke: the platform answered 403 BOOTSTRAP_OPERATOR_ONLY');
  });
});
