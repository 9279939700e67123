import type { Role } from '@g2g/platform';
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** Who is signed in: the participant's own API key (sent to the services on each page) and what the key stands for. */
export interface Session {
  key: string;
  code: string;
  kind: Role;
  name: string;
  /** when the session ends, ms since the epoch */
  expires: number;
}

export const SESSION_COOKIE = 'g2g_session';
export const SESSION_HOURS = 8;
const VERSION = 1;
const AAD = Buffer.from('g2g-console-session-v1');

/**
 * Seals sessions into cookie values with AES-256-GCM (authenticated encryption: a cookie that was
 * altered, forged or sealed under another secret does not open) and derives each session's CSRF
 * token from its cookie with HMAC-SHA256. The keys come from one secret: G2G_CONSOLE_SECRET, or
 * random bytes drawn when the process starts (then every session ends when it stops).
 */
export class SessionSeal {
  private readonly encryptionKey: Buffer;
  private readonly csrfKey: Buffer;

  constructor(secret: string | Buffer) {
    const material = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    if (material.length < 16) throw new Error('the console secret must be at least 16 bytes');
    this.encryptionKey = Buffer.from(hkdfSync('sha256', material, 'g2g-console', 'session encryption', 32));
    this.csrfKey = Buffer.from(hkdfSync('sha256', material, 'g2g-console', 'csrf', 32));
  }

  static fromEnvironment(env: NodeJS.ProcessEnv): { seal: SessionSeal; persistent: boolean } {
    const secret = env.G2G_CONSOLE_SECRET;
    return secret ? { seal: new SessionSeal(secret), persistent: true } : { seal: new SessionSeal(randomBytes(32)), persistent: false };
  }

  seal(session: Session): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    cipher.setAAD(AAD);
    const body = Buffer.concat([cipher.update(JSON.stringify(session), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The session a cookie holds, or null: not sealed by this secret, altered, malformed, or expired by `now`. */
  open(token: string | undefined, now: number): Session | null {
    if (!token || token.length > 4096) return null;
    const bytes = Buffer.from(token, 'base64url');
    if (bytes.length < 1 + 12 + 16 + 2 || bytes[0] !== VERSION) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, bytes.subarray(1, 13));
      decipher.setAAD(AAD);
      decipher.setAuthTag(bytes.subarray(13, 29));
      const text = Buffer.concat([decipher.update(bytes.subarray(29)), decipher.final()]).toString('utf8');
      const s = JSON.parse(text) as Session;
      if (typeof s.key !== 'string' || typeof s.code !== 'string' || typeof s.expires !== 'number' || s.expires <= now) return null;
      return s;
    } catch {
      return null;
    }
  }

  /** The CSRF token of a session: bound to its cookie, so it is worth nothing with any other. */
  csrfOf(token: string): string {
    return createHmac('sha256', this.csrfKey).update(token).digest('base64url');
  }

  checkCsrf(token: string, given: string | undefined): boolean {
    if (typeof given !== 'string') return false;
    const expected = Buffer.from(this.csrfOf(token));
    const actual = Buffer.from(given);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}

/** The Set-Cookie value of a session (or, with no value, the one that ends it). */
export function sessionCookie(value: string | null, secure: boolean, maxAgeSeconds = SESSION_HOURS * 3600): string {
  const parts = [`${SESSION_COOKIE}=${value ?? ''}`, 'HttpOnly', 'SameSite=Strict', 'Path=/console', `Max-Age=${value === null ? 0 : maxAgeSeconds}`];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}

/** The cookies of a request, by name (the first of a name wins). */
export function cookiesOf(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    if (!(name in out)) out[name] = part.slice(at + 1).trim();
  }
  return out;
}

export interface RequestOrigin {
  host: string | undefined;
  protocol: string;
  origin: string | undefined;
  secFetchSite: string | undefined;
}

/**
 * A write comes from the console's own pages: its Origin, when sent, is this server's, and its
 * Sec-Fetch-Site, when sent, is same-origin. Browsers send one or both with every form post and
 * fetch; a request with neither is not from a browser page (cross-site forms always carry them).
 */
export function fromSameOrigin(r: RequestOrigin): boolean {
  if (r.secFetchSite !== undefined && r.secFetchSite !== 'same-origin') return false;
  if (r.origin !== undefined) return r.host !== undefined && r.origin === `${r.protocol}://${r.host}`;
  return true;
}
