/**
 * Fakes for the client's unit tests: a server answering from a table of routes, and the outside
 * world of a command (streams, environment, clock) captured in strings.
 */
import { RowResult } from './batch/batch-api';
import { Io } from './context';
import { FetchLike } from './http';

export interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** A fake server: routes by "METHOD path" (query ignored) to a status and JSON body. */
export function fakeFetch(routes: Record<string, (call: Call) => { status: number; body?: unknown }>, calls: Call[] = []): FetchLike {
  return async (url, init) => {
    const u = new URL(url);
    const method = init?.method ?? 'GET';
    const body = init?.body === undefined || init.body === null ? undefined : await new Response(init.body).text();
    const call: Call = { method, url, headers: { ...(init?.headers as Record<string, string>) }, body };
    calls.push(call);
    const route = routes[`${method} ${u.pathname}`];
    const answer = route ? route(call) : { status: 404, body: { code: 'NOT_FOUND', message: `no route ${method} ${u.pathname}` } };
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } });
  };
}

export function fakeIo(overrides: Partial<Io> = {}): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: async (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    errIsTty: false,
    env: {},
    cwd: '/nonexistent',
    sleep: async () => undefined,
    ...overrides,
    stdout: () => out,
    stderr: () => err,
  };
}

/** Serves rows two per page, honouring `after`. */
export function pagedRows(rows: RowResult[], pageSize = 2) {
  return (call: Call) => {
    const after = Number(new URL(call.url).searchParams.get('after'));
    const page = rows.filter((r) => r.row > after).slice(0, pageSize);
    const last = page[page.length - 1];
    const more = last !== undefined && rows.some((r) => r.row > last.row);
    return { status: 200, body: { rows: page, next: more ? last.row : null } };
  };
}

