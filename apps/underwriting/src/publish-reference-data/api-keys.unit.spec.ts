import { Caller } from '@g2g/platform';
import { KnownKey, decideRevocation, mayManage } from './api-keys';

const key = (keyId: string, revoked = false): KnownKey => ({ keyId, keyHash: `${keyId}${'0'.repeat(48)}`, revoked });
const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
const C = 'cccccccccccccccc';

describe('revoking API keys', () => {
  it('revoking one key names only that key', () => {
    expect(decideRevocation([key(A), key(B)], { keyId: B })).toEqual({ ok: true, revoke: [key(B)], alreadyRevoked: [] });
  });

  it('revoking a key twice changes nothing the second time', () => {
    expect(decideRevocation([key(A), key(B, true)], { keyId: B })).toEqual({ ok: true, revoke: [], alreadyRevoked: [B] });
  });

  it('revoking all keys names every key still valid', () => {
    expect(decideRevocation([key(A), key(B, true), key(C)], { all: true })).toEqual({ ok: true, revoke: [key(A), key(C)], alreadyRevoked: [] });
    expect(decideRevocation([], { all: true })).toEqual({ ok: true, revoke: [], alreadyRevoked: [] });
  });

  it('a key id the participant never had is refused', () => {
    expect(decideRevocation([key(A)], { keyId: C })).toEqual({ ok: false, code: 'UNKNOWN_KEY' });
  });
});

describe('who may manage whom', () => {
  const bootstrap: Caller = { code: 'OPERATOR', kind: 'operator', keyId: A };
  const named: Caller = { code: 'OPS-1', kind: 'operator', keyId: B };

  it('any operator manages banks, guarantors, re-guarantors, the Fund and regulators', () => {
    expect(mayManage(named, ['bank', 'guarantor', 'reguarantor', 'fund', 'regulator', undefined])).toBe(true);
    expect(mayManage(bootstrap, ['bank'])).toBe(true);
  });

  it('only the bootstrap operator manages operators', () => {
    expect(mayManage(named, ['bank', 'operator'])).toBe(false);
    expect(mayManage(bootstrap, ['operator'])).toBe(true);
  });
});
