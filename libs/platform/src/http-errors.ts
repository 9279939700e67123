import { describeError } from '@g2g/event-store';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import express from 'express';

/**
 * Every HTTP answer that is not a success: an HttpException as the code that threw it meant it;
 * anything else is the platform's fault, answered 500 with an incident id and logged with that id,
 * the route and a description of the error that carries no request data (no query parameters,
 * no statement parameters, no values from the body): no borrower identifier or name reaches a log.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      res.status(exception.getStatus()).json(typeof body === 'string' ? { code: codeOf(exception.getStatus()), message: body } : normalised(body, exception.getStatus()));
      return;
    }
    const status = (exception as { status?: unknown; statusCode?: unknown })?.status ?? (exception as { statusCode?: unknown })?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // errors of the body reader (body-parser): the client's mistake, said plainly
      const type = (exception as { type?: string }).type;
      res.status(status).json({ code: type === 'entity.too.large' ? 'BODY_TOO_LARGE' : 'BAD_BODY', message: type === 'entity.too.large' ? 'the request body is too large' : 'the request body could not be read as JSON' });
      return;
    }
    const incident = randomUUID();
    this.log.error(`incident ${incident}: ${req.method} ${req.route?.path ?? req.path}: ${describeError(exception)}`);
    if (!res.headersSent) res.status(500).json({ code: 'INTERNAL_ERROR', message: `the platform failed on this request (incident ${incident})`, incident });
    else res.end();
  }
}

function codeOf(status: number): string {
  return { 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED', 409: 'CONFLICT', 413: 'BODY_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 422: 'UNPROCESSABLE' }[status] ?? `HTTP_${status}`;
}

/** Nest's own exceptions answer `{ statusCode, message, error }`: give them a code like ours. */
function normalised(body: object, status: number): object {
  const b = body as { code?: unknown; message?: unknown; statusCode?: unknown; error?: unknown };
  if (typeof b.code === 'string') return body;
  const message = Array.isArray(b.message) ? b.message.join('; ') : typeof b.message === 'string' ? b.message : String(b.error ?? 'request refused');
  return { code: codeOf(status), message };
}

/**
 * The JSON body parser, for POST requests only: every route that takes a JSON document is a POST.
 * A batch upload (`PUT /banks/{bank}/{kind}/{ref}`, the path in any case) has the file itself as
 * its body, read as a stream by intake whatever its content type says; no other body is parsed.
 * Nothing is decompressed (refuseEncodedBodies answers first).
 */
export function jsonBodiesOfPosts(): (req: Request, res: Response, next: NextFunction) => void {
  const json = express.json({ limit: '2mb', inflate: false });
  return (req, res, next) => {
    if (req.method !== 'POST') return next();
    json(req, res, next);
  };
}

/**
 * The platform decodes no content encoding: a body sent with a `Content-Encoding` other than
 * `identity` (gzip, deflate, br, ...) is 415 UNSUPPORTED_ENCODING, before any route reads it (an
 * upload would otherwise be read as the compressed bytes).
 */
export function refuseEncodedBodies(): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const encoding = req.headers['content-encoding'];
    if (encoding === undefined || /^\s*(identity)?\s*$/i.test(encoding)) return next();
    res.setHeader('connection', 'close'); // the body is not read
    res.status(415).json({ code: 'UNSUPPORTED_ENCODING', message: 'the platform decodes no Content-Encoding: send the body as it is, without Content-Encoding (or with identity)' });
  };
}

/**
 * A query parameter given more than once (`programme=P1&programme=P1`) says two things where a
 * route reads one: 400 REPEATED_PARAMETER, in every service, before any route sees it.
 */
export function refuseRepeatedParameters(): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    for (const [name, value] of Object.entries(req.query)) {
      if (Array.isArray(value)) {
        res.status(400).json({ code: 'REPEATED_PARAMETER', message: `the query parameter ${JSON.stringify(name.slice(0, 40))} is given ${value.length} times: give each parameter once` });
        return;
      }
    }
    next();
  };
}

/** NUL cannot be stored by PostgreSQL, nor a lone surrogate in UTF-8: no route takes either. */
const UNSTORABLE = /\u0000|[\ud800-\udfff]/u;

function holdsUnstorable(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return UNSTORABLE.test(value);
  if (depth > 50 || value === null || typeof value !== 'object') return false;
  for (const [k, v] of Object.entries(value)) if (UNSTORABLE.test(k) || holdsUnstorable(v, depth + 1)) return true;
  return false;
}

/**
 * Refuses, before any route sees it, a request whose path, query or JSON body holds text no
 * database column can take (400 BAD_TEXT), or a path that is not percent-encoded UTF-8 (400 BAD_URL).
 * Uploads are judged row by row by intake instead.
 */
export function refuseUnstorableText(): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    let path: string;
    try {
      path = decodeURIComponent(req.path);
    } catch {
      res.status(400).json({ code: 'BAD_URL', message: 'the path is not percent-encoded UTF-8' });
      return;
    }
    if (UNSTORABLE.test(path) || holdsUnstorable(req.query) || holdsUnstorable(req.body)) {
      res.status(400).json({ code: 'BAD_TEXT', message: 'the request holds a NUL character or an unpaired surrogate, which no field may hold' });
      return;
    }
    next();
  };
}
