import { Body, Controller, Get, INestApplication, Module, Post, Put, Query, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Request } from 'express';
import { Server } from 'node:http';
import { connect } from 'node:net';
import { prepareHttp } from './http-edge';

// The HTTP edge every service is given (prepareHttp, as runServices applies it), on a real server
// with real sockets: what a client may get wrong below the routes is answered with a code.

@Controller()
class EdgeController {
  @Get('things')
  things(@Query() query: unknown) {
    return { query };
  }

  @Post('things')
  post(@Body() body: unknown) {
    return { body: body ?? null };
  }

  /** like a batch upload: the body is read as the stream it is */
  @Put('banks/:bank/:segment/:ref')
  async upload(@Req() req: Request) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return { text: Buffer.concat(chunks).toString('utf8'), parsed: req.body !== undefined };
  }
}

@Module({ controllers: [EdgeController] })
class EdgeModule {}

describe('the HTTP edge of every service', () => {
  let app: INestApplication;
  let port: number;
  const url = (path: string) => `http://127.0.0.1:${port}${path}`;
  const answer = async (res: Response) => ({ status: res.status, body: JSON.parse(await res.text()) });

  /** Raw bytes on a connection of its own (half-closed after them unless `keepOpen`): the whole answer. */
  const raw = (bytes: string, keepOpen = false) =>
    new Promise<{ status: number; contentType: string; body: any }>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(bytes);
        if (!keepOpen) socket.end();
      });
      let text = '';
      socket.on('data', (d) => (text += d));
      socket.on('error', reject);
      socket.on('close', () => {
        const [head, body] = text.split('\r\n\r\n');
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
        resolve({ status, contentType: /content-type: ([^\r]+)/i.exec(head)?.[1] ?? '', body: body ? JSON.parse(body) : undefined });
      });
    });

  beforeAll(async () => {
    app = await NestFactory.create(EdgeModule, { logger: false, bodyParser: false });
    prepareHttp(app);
    const server = app.getHttpServer() as Server;
    // headers that do not arrive within 300 ms time out here (60 s on the platform)
    server.headersTimeout = 300;
    (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = 100;
    await app.listen(0, '127.0.0.1');
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => app?.close());

  it('refuses a query parameter given twice, in any route', async () => {
    expect(await answer(await fetch(url('/things?programme=P1&bank=ICBC')))).toEqual({ status: 200, body: { query: { programme: 'P1', bank: 'ICBC' } } });
    for (const query of ['programme=P1&programme=P1', 'bank=ICBC&programme=P1&bank=BOC', 'x=1&%78=1']) {
      const refused = await answer(await fetch(url(`/things?${query}`)));
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('REPEATED_PARAMETER');
    }
    expect((await answer(await fetch(url('/things?programme=P1&programme=P1'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }))).body.code).toBe('REPEATED_PARAMETER');
  });

  it('parses only POST bodies as JSON: an upload is read as the bytes it is, whatever its content type and the case of its path', async () => {
    const lines = '{"loan_id":"A-1"}\n{"loan_id":"A-2"}\n';
    for (const path of ['/banks/ICBC/repayments/r1', '/BANKS/ICBC/repayments/r2', '/Banks/ICBC/repayments/r3']) {
      const res = await answer(await fetch(url(`${path}?format=jsonl`), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: lines }));
      expect([path, res]).toEqual([path, { status: 200, body: { text: lines, parsed: false } }]);
    }
    const one = '{"loan_id":"A-1"}';
    expect(await answer(await fetch(url('/banks/ICBC/repayments/r4'), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: one }))).toEqual({ status: 200, body: { text: one, parsed: false } });
    expect(await answer(await fetch(url('/things'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"1"}' }))).toEqual({ status: 201, body: { body: { a: '1' } } });
  });

  it('refuses a body in a Content-Encoding it does not decode with 415 UNSUPPORTED_ENCODING', async () => {
    for (const encoding of ['gzip', 'deflate', 'br', 'GZIP', 'compress', 'gzip, identity', 'x-unknown']) {
      for (const [method, path, type] of [
        ['PUT', '/banks/ICBC/repayments/enc', 'text/csv'],
        ['POST', '/things', 'application/json'],
      ]) {
        const res = await answer(await fetch(url(path), { method, headers: { 'content-type': type, 'content-encoding': encoding }, body: '{"a":"1"}' }));
        expect([encoding, method, res.status, res.body.code]).toEqual([encoding, method, 415, 'UNSUPPORTED_ENCODING']);
      }
    }
    expect((await fetch(url('/things'), { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'identity' }, body: '{}' })).status).toBe(201);
  });

  it('answers a request Node cannot parse with JSON {code, message}, not a bare close', async () => {
    const bad = await raw('GARBAGE / HTTP/1.1\r\n\r\n');
    expect(bad).toMatchObject({ status: 400, contentType: 'application/json; charset=utf-8', body: { code: 'BAD_HTTP' } });
    expect(typeof bad.body.message).toBe('string');
    expect((await raw('GET /things HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n')).body.code).toBe('BAD_HTTP');

    expect(await raw(`GET /things HTTP/1.1\r\nHost: x\r\nX-Long: ${'a'.repeat(20_000)}\r\n\r\n`)).toMatchObject({ status: 431, body: { code: 'HEADERS_TOO_LARGE' } });

    // the client stops before the body it announced is complete
    expect(await raw('PUT /banks/ICBC/repayments/cut HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: 100\r\n\r\nloan_id,amount')).toMatchObject({ status: 400, body: { code: 'INCOMPLETE_BODY' } });
    expect(await raw('PUT /banks/ICBC/repayments/cut HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nloan_id')).toMatchObject({ status: 400, body: { code: 'INCOMPLETE_BODY' } });
    expect(await raw('POST /things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{"a":')).toMatchObject({ status: 400, body: { code: 'INCOMPLETE_BODY' } });

    // headers that never end: 408 once the headers timeout has passed
    expect(await raw('GET /things HTTP/1.1\r\nHost: x\r\n', true)).toMatchObject({ status: 408, body: { code: 'REQUEST_TIMEOUT' } });

    // and the server goes on answering
    expect((await fetch(url('/things'))).status).toBe(200);
  });
});
