import { INestApplication } from '@nestjs/common';
import { STATUS_CODES, Server, ServerResponse, maxHeaderSize } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpErrorFilter, jsonBodiesOfPosts, refuseEncodedBodies, refuseRepeatedParameters, refuseUnstorableText } from './http-errors';

/**
 * The HTTP edge every service shares, in embedded and distributed mode alike (docs/reliability.md,
 * "The HTTP edge"): encoded bodies refused, JSON parsed for POST bodies only, unstorable text and
 * repeated query parameters refused before any route, every error answered `{code, message}`,
 * also the ones Node's HTTP parser meets before there is a request at all.
 */
export function prepareHttp(app: INestApplication): void {
  app.use(refuseEncodedBodies());
  app.use(jsonBodiesOfPosts());
  app.use(refuseUnstorableText());
  app.use(refuseRepeatedParameters());
  app.useGlobalFilters(new HttpErrorFilter());
  const server = app.getHttpServer() as Server;
  // a batch upload streams for as long as the file takes: no request time limit (Node's is 300 s);
  // the headers still have to arrive within server.headersTimeout (60 s)
  server.requestTimeout = 0;
  answerClientErrors(server);
}

/**
 * What Node's HTTP server meets below the routes (a malformed request, headers too large, a body
 * cut before its end, headers that never finish) is answered as JSON `{code, message}` and the
 * connection closed, instead of a bare status line or a socket closed without a word. As in
 * Node's own handler, nothing is written once an answer to a request on the connection has begun.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const { status, code, message } = clientErrorAnswer(error, inFlight !== undefined, server.headersTimeout);
    const body = JSON.stringify({ code, message });
    const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status]}`, 'Content-Type: application/json; charset=utf-8', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'];
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
  });
}

/** The answer to an error of the HTTP parser or of the connection. */
export function clientErrorAnswer(error: NodeJS.ErrnoException, requestStarted: boolean, headersTimeoutMs: number): { status: number; code: string; message: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'HEADERS_TOO_LARGE', message: `the request line and headers are larger than ${Math.floor(maxHeaderSize / 1024)} KiB` };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'REQUEST_TIMEOUT', message: `the request's headers did not arrive within ${Math.round(headersTimeoutMs / 1000)} s` };
    case 'HPE_INVALID_EOF_STATE':
      if (requestStarted) {
        return { status: 400, code: 'INCOMPLETE_BODY', message: 'the connection was closed before the body was complete (fewer bytes than its Content-Length, or no last chunk): send the request again' };
      }
      break;
  }
  const parser = typeof error.code === 'string' && /^HPE_[A-Z_]{1,40}$/.test(error.code) ? ` (${error.code})` : '';
  return { status: 400, code: 'BAD_HTTP', message: `the request is not well-formed HTTP/1.1${parser}` };
}
