import { ServiceName } from '@g2g/testing';
import { createReadStream, statSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { Answer, call, sleep } from '../bench/http';
import { PlatformFailure, redact } from './errors';
import { Supervisor } from './supervisor';

/**
 * Clients that behave through outages: they ask the supervisor for a service's current address on
 * every try (a restarted service has a new port), wait while it is down, and retry what a
 * well-behaved client retries; anything else is the platform's answer.
 */

/** How long Retry-After asks to wait (seconds or an HTTP date), in ms, or null. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | null {
  const value = headers?.get('retry-after');
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The reason a request could not be made: the socket error's code when there is one. */
export function connectionProblem(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timed out';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
}

const backoff = (attempt: number) => Math.min(5_000, 250 * 2 ** Math.min(attempt, 5));

export class PlatformClient {
  constructor(
    private readonly services: Supervisor,
    private readonly deadline: () => number,
    private readonly log: (line: string) => void,
  ) {}

  /** Waits until the service runs; its address. */
  async urlOf(service: ServiceName): Promise<string> {
    for (;;) {
      const url = this.services.url(service);
      if (url) return url;
      if (Date.now() > this.deadline()) throw new PlatformFailure(`${service} was still down at the deadline`);
      await sleep(200);
    }
  }

  /**
   * A GET (safe to repeat): retried while the service is down, the connection fails, or it
   * answers 5xx (honouring Retry-After); any other answer is returned as it is.
   */
  async get<T = any>(service: ServiceName, path: string, key: string, timeoutMs = 120_000): Promise<Answer<T>> {
    let last = '';
    for (let attempt = 0; ; attempt++) {
      const url = await this.urlOf(service);
      let wait = backoff(attempt);
      try {
        const answer = await call<T>(url, 'GET', path, key, undefined, { signal: AbortSignal.timeout(timeoutMs) });
        if (answer.status < 500) return answer;
        last = `${answer.status} ${redact(JSON.stringify(answer.body) ?? '').slice(0, 200)}`;
        wait = retryAfterMs(answer.headers) ?? wait;
      } catch (error) {
        last = connectionProblem(error);
      }
      if (attempt === 0 || attempt % 10 === 9) this.log(`GET ${service} ${path.split('?')[0]}: ${last}; trying again`);
      if (Date.now() + wait > this.deadline()) throw new PlatformFailure(`GET ${path} on ${service} still failing at the deadline: ${last}`);
      await sleep(wait);
    }
  }

  /** A GET that must answer 200: the body. */
  async get200<T = any>(service: ServiceName, path: string, key: string, timeoutMs?: number): Promise<T> {
    const answer = await this.get<T>(service, path, key, timeoutMs);
    if (answer.status !== 200) throw new PlatformFailure(`GET ${path} on ${service} answered ${answer.status}: ${redact(JSON.stringify(answer.body) ?? '').slice(0, 300)}`);
    return answer.body;
  }
}

/** One PUT of the batch file and what came of it. */
export interface UploadAttempt {
  /** seconds since the run's upload started */
  at: number;
  seconds: number;
  /** `202`, `200`, `409 BATCH_IN_PROGRESS`, `500`, `connection failed (ECONNRESET)`, ... */
  outcome: string;
  /** waited before the next try, ms */
  waitedMs: number | null;
  /** the answer's Retry-After header, if it had one */
  retryAfter: string | null;
}

export interface UploadResult {
  status: 200 | 202;
  summary: any;
  attempts: UploadAttempt[];
}

export interface UploadOptions {
  client: PlatformClient;
  key: string;
  file: string;
  bank: string;
  batchRef: string;
  programme: string;
  rows: number;
  /** performance.now() of the run's upload start */
  t0: number;
  deadline: () => number;
  log: (line: string) => void;
  /** told when a PUT starts and ends, so that faults can be tagged with the upload phase */
  inFlight: (yes: boolean) => void;
  /** every PUT and its answer is appended here as it happens */
  attempts: UploadAttempt[];
  /**
   * each PUT sends its body over at least this many seconds (a bank's link, not a loopback one),
   * so that a fault aimed at the upload finds it in flight; 0: as fast as the socket takes it
   */
  paceSeconds?: number;
}

/**
 * The bytes of a file, sent no faster than `seconds` for the whole of it: each piece waits until
 * the share of the time it stands for has passed. The server sees a slower client, nothing else.
 */
export function pacedBody(file: string, seconds: number): Readable {
  const source = createReadStream(file, { highWaterMark: 64 * 1024 });
  if (seconds <= 0) return source;
  const total = Math.max(1, statSync(file).size);
  const started = performance.now();
  let sent = 0;
  const pace = new Transform({
    transform(piece: Buffer, _encoding, done) {
      sent += piece.length;
      const due = (sent / total) * seconds * 1000 - (performance.now() - started);
      setTimeout(() => done(null, piece), Math.max(0, due));
    },
  });
  source.on('error', (error) => pace.destroy(error));
  return source.pipe(pace);
}

/**
 * Files the batch as a well-behaved bank does: a PUT of the whole file; when it fails (the
 * connection breaks, 5xx, or 409 BATCH_IN_PROGRESS) it waits - as long as Retry-After says, if it
 * says - and PUTs the same file under the same ref again, until 202 (filed) or 200 (filed before,
 * same bytes). 409 BATCH_CONFLICT or any other 4xx is the platform refusing a correct file.
 */
export async function uploadLikeABank(o: UploadOptions): Promise<UploadResult> {
  const { attempts } = o;
  const since = () => (performance.now() - o.t0) / 1000;
  const path = `/banks/${o.bank}/batches/${o.batchRef}?programme=${encodeURIComponent(o.programme)}`;
  for (let n = 0; ; n++) {
    const url = await o.client.urlOf('intake');
    const at = since();
    let outcome: string;
    let wait = backoff(n);
    let retryAfter: string | null = null;
    o.inFlight(true);
    try {
      const res = await fetch(`${url}${path}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${o.key}`, 'content-type': 'text/csv' },
        body: Readable.toWeb(pacedBody(o.file, o.paceSeconds ?? 0)) as unknown as ReadableStream,
        duplex: 'half',
        signal: AbortSignal.timeout(Math.max(1_000, o.deadline() - Date.now())),
      } as RequestInit);
      const text = await res.text();
      o.inFlight(false);
      let body: any;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      outcome = res.status >= 400 && typeof body?.code === 'string' ? `${res.status} ${body.code}` : String(res.status);
      retryAfter = res.headers.get('retry-after');
      if (res.status === 202 || res.status === 200) {
        attempts.push({ at, seconds: since() - at, outcome, waitedMs: null, retryAfter });
        if (body?.rows !== o.rows) throw new PlatformFailure(`the upload answered ${res.status} with ${body?.rows} rows filed, not ${o.rows}`);
        return { status: res.status, summary: body, attempts };
      }
      const retry = res.status >= 500 || (res.status === 409 && body?.code === 'BATCH_IN_PROGRESS');
      if (!retry) {
        attempts.push({ at, seconds: since() - at, outcome, waitedMs: null, retryAfter });
        throw new PlatformFailure(`the upload was refused: ${outcome}: ${redact(String(body?.message ?? text)).slice(0, 300)}`);
      }
      wait = retryAfterMs(res.headers) ?? wait;
    } catch (error) {
      o.inFlight(false);
      if (error instanceof PlatformFailure) throw error;
      outcome = `connection failed (${connectionProblem(error)})`;
    }
    attempts.push({ at, seconds: since() - at, outcome, waitedMs: wait, retryAfter });
    o.log(`upload attempt ${n + 1} at ${at.toFixed(1)} s: ${outcome}; PUT again in ${(wait / 1000).toFixed(1)} s`);
    if (Date.now() + wait > o.deadline()) throw new PlatformFailure(`the upload did not get through before the deadline (${attempts.length} attempts, last: ${outcome})`);
    await sleep(wait);
  }
}
