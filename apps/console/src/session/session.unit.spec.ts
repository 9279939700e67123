import { SessionSeal, cookiesOf, fromSameOrigin, sessionCookie } from './session';

const session = { key: 'g2g_secret-key', code: 'NFRA', kind: 'regulator' as const, name: 'Regulator', expires: 2_000_000_000_000 };

describe('the session cookie', () => {
  const seal = new SessionSeal('a console secret of some length');

  it('opens to the session it sealed, and never shows the key in the cookie', () => {
    const token = seal.seal(session);
    expect(seal.open(token, 1_000)).toEqual(session);
    expect(token).not.toContain('g2g_secret-key');
    expect(Buffer.from(token, 'base64url').toString('latin1')).not.toContain('secret-key');
  });

  it('two seals of the same session differ (a fresh nonce each time)', () => {
    expect(seal.seal(session)).not.toBe(seal.seal(session));
  });

  it('does not open once expired', () => {
    expect(seal.open(seal.seal(session), session.expires)).toBeNull();
    expect(seal.open(seal.seal(session), session.expires - 1)).not.toBeNull();
  });

  it('does not open when a single byte was changed', () => {
    const bytes = Buffer.from(seal.seal(session), 'base64url');
    for (const at of [0, 5, 20, bytes.length - 1]) {
      const altered = Buffer.from(bytes);
      altered[at] ^= 1;
      expect(seal.open(altered.toString('base64url'), 0)).toBeNull();
    }
  });

  it('does not open under another secret, nor when it is no token at all', () => {
    const token = seal.seal(session);
    expect(new SessionSeal('another console secret, also long').open(token, 0)).toBeNull();
    for (const junk of [undefined, '', 'x', 'AAAA', 'a'.repeat(5000)]) expect(seal.open(junk, 0)).toBeNull();
  });

  it('refuses a secret too short to be one', () => {
    expect(() => new SessionSeal('short')).toThrow(/16 bytes/);
  });

  it('is HttpOnly, SameSite=Strict, for /console only, for 8 hours, and Secure behind https', () => {
    expect(sessionCookie('v', false)).toBe('g2g_session=v; HttpOnly; SameSite=Strict; Path=/console; Max-Age=28800');
    expect(sessionCookie('v', true)).toMatch(/; Secure$/);
    expect(sessionCookie(null, false)).toBe('g2g_session=; HttpOnly; SameSite=Strict; Path=/console; Max-Age=0');
  });

  it('reads the cookies of a request, the first of a name winning', () => {
    expect(cookiesOf('a=1; g2g_session=tok; a=2')).toEqual({ a: '1', g2g_session: 'tok' });
    expect(cookiesOf(undefined)).toEqual({});
  });
});

describe('the CSRF token', () => {
  const seal = new SessionSeal('a console secret of some length');
  const token = seal.seal(session);

  it("is the session's own: it checks with its cookie, not with another session's", () => {
    expect(seal.checkCsrf(token, seal.csrfOf(token))).toBe(true);
    expect(seal.checkCsrf(seal.seal(session), seal.csrfOf(token))).toBe(false);
  });

  it('a missing, empty, shortened or altered token does not check', () => {
    const csrf = seal.csrfOf(token);
    for (const given of [undefined, '', csrf.slice(1), `${csrf}x`, `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}`]) expect(seal.checkCsrf(token, given)).toBe(false);
  });
});

describe('a write from the same origin', () => {
  const at = { host: '127.0.0.1:8080', protocol: 'http' };

  it('is one whose Origin is this server and whose Sec-Fetch-Site is same-origin', () => {
    expect(fromSameOrigin({ ...at, origin: 'http://127.0.0.1:8080', secFetchSite: 'same-origin' })).toBe(true);
    expect(fromSameOrigin({ ...at, origin: 'http://127.0.0.1:8080', secFetchSite: undefined })).toBe(true);
  });

  it('is not one from another site, a sandboxed frame (Origin: null) or another scheme', () => {
    expect(fromSameOrigin({ ...at, origin: 'http://evil.example', secFetchSite: 'cross-site' })).toBe(false);
    expect(fromSameOrigin({ ...at, origin: 'http://127.0.0.1:8080', secFetchSite: 'same-site' })).toBe(false);
    expect(fromSameOrigin({ ...at, origin: 'null', secFetchSite: undefined })).toBe(false);
    expect(fromSameOrigin({ ...at, origin: 'https://127.0.0.1:8080', secFetchSite: undefined })).toBe(false);
  });
});
