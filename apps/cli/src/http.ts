import { IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * The HTTP client: JSON in and out, `Authorization: Bearer <key>`, and the server's `{code, message}`
 * turned into an ApiError. `fetch` is injectable so that the pure parts can be tested without a server.
 */

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/** The server answered with an error status; `code` and `message` are the server's own. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }

  /** The server's list of problems (e.g. a 422 on a programme), if it sent one. */
  get errors(): unknown[] {
    const errors = (this.body as { errors?: unknown } | null)?.errors;
    return Array.isArray(errors) ? errors : [];
  }
}

/** The server could not be reached at all. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  /** a JSON body */
  json?: unknown;
  /** a raw body (e.g. a file stream) with its content type */
  raw?: { body: NonNullable<RequestInit['body']>; contentType: string };
}

export interface ApiResponse<T> {
  status: number;
  body: T;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly key: string | undefined,
    private readonly fetchImpl: FetchLike = (url, init) => fetch(url, init),
  ) {}

  get<T>(path: string, query?: Query): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, { query });
  }

  post<T>(path: string, json?: unknown): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, { json });
  }

  /**
   * A request whose answer is JSON Lines of any length (a check of a million borrowers): each line
   * parsed as it arrives, never the whole answer held. An error status is an ApiError, as request's.
   */
  async *lines<T>(method: string, path: string, options: RequestOptions = {}): AsyncGenerator<T> {
    const response = await this.send(method, path, options, 'application/x-ndjson');
    if (!response.ok || !response.body) {
      await this.answer(response);
      return;
    }
    const decoder = new TextDecoder();
    let rest = '';
    for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
      rest += decoder.decode(bytes, { stream: true });
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') yield JSON.parse(line) as T;
    }
    rest += decoder.decode();
    if (rest.trim() !== '') yield JSON.parse(rest) as T;
  }

  /**
   * A request that may take as long as it takes (a backup written as it is read, a restore that
   * answers when it has replayed every state): without fetch's five-minute waits for the answer's
   * head and between its bytes. The body is streamed from `upload`; a 2xx answer's bytes go to
   * `to`, or are parsed as JSON; an error status is an ApiError, as request's.
   */
  async longRequest<T>(method: 'GET' | 'POST', path: string, options: { upload?: { body: Readable; contentType: string }; to?: NodeJS.WritableStream } = {}): Promise<T | undefined> {
    const url = new URL(buildUrl(this.baseUrl, path));
    const headers: Record<string, string> = { accept: options.to ? '*/*' : 'application/json' };
    if (this.key) headers.authorization = `Bearer ${this.key}`;
    if (options.upload) headers['content-type'] = options.upload.contentType;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers, timeout: 0 }, resolve);
      request.once('error', (error: NodeJS.ErrnoException) => reject(this.unreachable(error.code ?? error.message)));
      if (options.upload) pipeline(options.upload.body, request).catch((error) => request.destroy(error));
      else request.end();
    });
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300 && options.to) {
      await pipeline(response, options.to);
      return undefined;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return (await this.answer<T>(new Response(text.length > 0 ? text : null, { status, statusText: response.statusMessage }))).body;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.answer<T>(await this.send(method, path, options));
  }

  private async send(method: string, path: string, options: RequestOptions, accept = 'application/json'): Promise<Response> {
    const url = buildUrl(this.baseUrl, path, options.query);
    const headers: Record<string, string> = { accept };
    if (this.key) headers.authorization = `Bearer ${this.key}`;
    const init: RequestInit = { method, headers };
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(options.json);
    } else if (options.raw) {
      headers['content-type'] = options.raw.contentType;
      init.body = options.raw.body;
      init.duplex = 'half'; // a streamed request body
    }
    let response: Response;
    try {
      response = await this.fetchImpl(url, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw this.unreachable(reason);
    }
    return response;
  }

  private unreachable(reason: string): ConnectionError {
    return new ConnectionError(`cannot reach ${this.baseUrl} (${reason}); is the platform running? (npm start)`);
  }

  private async answer<T>(response: Response): Promise<ApiResponse<T>> {
    const text = await response.text();
    let body: unknown = undefined;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (!response.ok) {
      const problem = typeof body === 'object' && body !== null ? (body as { code?: unknown; message?: unknown }) : {};
      const code = typeof problem.code === 'string' ? problem.code : `HTTP_${response.status}`;
      const message = Array.isArray(problem.message)
        ? problem.message.join('; ')
        : typeof problem.message === 'string'
          ? problem.message
          : typeof body === 'string' && body.length > 0
            ? body.slice(0, 500)
            : response.statusText || `status ${response.status}`;
      throw new ApiError(response.status, code, message, body);
    }
    return { status: response.status, body: body as T };
  }
}

/** Joins a base URL, a path and query parameters (undefined ones left out). */
export function buildUrl(baseUrl: string, path: string, query?: Query): string {
  const url = `${baseUrl.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(name, String(value));
  const search = params.toString();
  return search ? `${url}?${search}` : url;
}

/** A path segment, escaped. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}
