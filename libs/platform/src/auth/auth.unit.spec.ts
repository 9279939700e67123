import { Caller, hashKey, isBootstrapOperator, keyIdOf, newApiKey } from './auth';

describe('key ids', () => {
  it('a key id is the first 16 hex digits of the key hash: the same key, the same id; another key, another id', () => {
    const key = newApiKey();
    const id = keyIdOf(hashKey(key));
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(hashKey(key).startsWith(id)).toBe(true);
    expect(keyIdOf(hashKey(key))).toBe(id);
    expect(keyIdOf(hashKey(newApiKey()))).not.toBe(id);
    expect(key).not.toContain(id);
  });

  it('only the operator acting under OPERATOR is the bootstrap operator', () => {
    const as = (code: string, kind: Caller['kind']): Caller => ({ code, kind, keyId: '0123456789abcdef' });
    expect(isBootstrapOperator(as('OPERATOR', 'operator'))).toBe(true);
    expect(isBootstrapOperator(as('OPS-1', 'operator'))).toBe(false);
    expect(isBootstrapOperator(as('OPERATOR', 'bank'))).toBe(false);
  });
});
