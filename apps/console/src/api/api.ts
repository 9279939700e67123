import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';

export type ServiceName = 'intake' | 'underwriting' | 'cession' | 'compensation' | 'reporting';

/** A service answered with an error: its status and its `{code, message}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | undefined | null>;

/**
 * The services' public HTTP API, called with the signed-in participant's own key: the console
 * sees exactly what that key may see, and each service's access rules decide. The key travels in
 * the Authorization header only, never in a URL.
 */
export class Api {
  constructor(private readonly urlOf: (service: ServiceName) => string) {}

  url(service: ServiceName, path: string, query: Query = {}): URL {
    const url = new URL(`${this.urlOf(service)}${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
    return url;
  }

  async get<T>(service: ServiceName, path: string, key: string, query: Query = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.url(service, path, query), { headers: { authorization: `Bearer ${key}`, accept: 'application/json' } });
    } catch {
      throw new ApiError(502, 'SERVICE_UNREACHABLE', `${service} did not answer at ${this.urlOf(service)}`);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ApiError(502, 'BAD_ANSWER', `${service} answered ${res.status} with something that is not JSON`);
    }
    if (!res.ok) {
      const b = (body ?? {}) as { code?: string; message?: string };
      throw new ApiError(res.status, b.code ?? `HTTP_${res.status}`, b.message ?? `${service} answered ${res.status}`);
    }
    return body as T;
  }

  /** Every page of a paged read: `next` of each answer is the `after` of the next request, until it is null. */
  async *pages<P extends { next: string | number | null }>(service: ServiceName, path: string, key: string, query: Query): AsyncGenerator<P> {
    let after: string | number | null | undefined = query.after as string | undefined;
    do {
      const page: P = await this.get<P>(service, path, key, { ...query, after: after ?? undefined });
      yield page;
      after = page.next;
    } while (after !== null && after !== undefined);
  }

  /**
   * Streams a request body to a service as it arrives (a bank's file from the browser to
   * intake), never holding it whole: the upload is piped, with back-pressure, and the service's
   * answer is handed back as it came.
   */
  stream(service: ServiceName, method: 'PUT', path: string, key: string, query: Query, body: Readable, contentType: string, length?: string): Promise<{ status: number; body: unknown }> {
    const url = this.url(service, path, query);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const upstream = send(url, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': contentType, accept: 'application/json', ...(length ? { 'content-length': length } : { 'transfer-encoding': 'chunked' }) },
      });
      upstream.on('response', (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: answer.statusCode ?? 502, body: text ? JSON.parse(text) : undefined });
          } catch {
            resolve({ status: 502, body: { code: 'BAD_ANSWER', message: `${service} answered ${answer.statusCode} with something that is not JSON` } });
          }
          // an answer before the whole file was sent (a refusal): the rest is not wanted
          if (!body.readableEnded) body.destroy();
        });
      });
      upstream.on('error', reject);
      body.on('aborted', () => upstream.destroy(new Error('the browser stopped the upload')));
      body.on('error', (error) => upstream.destroy(error));
      body.pipe(upstream);
    });
  }
}
