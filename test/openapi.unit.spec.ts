import * as nest from '@nestjs/common';
import { HttpException, RequestMethod, Type } from '@nestjs/common';
import { GUARDS_METADATA, HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { MetadataScanner } from '@nestjs/core';
import { ApiKeyGuard, PLATFORM_CONTROLLERS, Platform, Role, ValidInput, allowedRoles, answersOf, inputFields, readConfig, refusalOf } from '@g2g/platform';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { allServices } from '../apps/embedded/src/services';
import { BATCH_SEGMENTS } from '../apps/intake/src/file-batch/batch.controller';

// docs/openapi.yaml against the routes the services serve, read from the code: each service's Nest
// module as runServices builds it, and the platform's own controllers (health, the API document,
// metrics), their routes from Nest's route metadata (PATH_METADATA, METHOD_METADATA). Every route
// served must be documented and every documented operation served; their path parameters, query
// parameters, statuses and callers must be the same on both sides.
//
// Where each side's facts come from:
// - query parameters: a route's `@Query('name')`, or the fields of the DTO its `@Query(validated(X))`
//   reads (a route reading the whole query string without a DTO fails this test);
// - statuses, by this rule: the route's success (@HttpCode, else Nest's 201 for POST and 200 for
//   the rest); 401 when @Allow guards it; 403 when @Allow leaves out some kind of caller; the
//   status a validated input is refused with (400, or its class's @RefusedAs); and what the route
//   declares with @Answers (the refusals of its own code, a success it sets itself). As a check on
//   the declarations, every Nest exception a handler's own body constructs (NotFoundException ...)
//   must be among its statuses; what helpers it calls throw is the declaration's to say;
// - callers: @Allow's kinds, as `x-g2g-callers` (`anyone`, and `security: []`, without @Allow).
// The statuses of the shared HTTP edge, before any route (REPEATED_PARAMETER, BAD_TEXT,
// UNSUPPORTED_ENCODING, 404 for a path that is no route, the parser's 408/431, 500 INTERNAL_ERROR),
// are described once in the document's description, not per operation, and are not counted here.
//
// A path parameter the document gives an `enum` stands for each of its values; the code's `segment`
// of the batch routes stands for each batch kind's segment (the document gives each kind its own
// paths). A route the document so specialises answers what its specialisations list together:
// each of them lists only statuses and parameters the route has, and together they list them all.

const VALUES_OF: Record<string, readonly string[]> = { segment: BATCH_SEGMENTS };
const ALL_ROLES: readonly Role[] = ['bank', 'guarantor', 'reguarantor', 'fund', 'regulator', 'operator'];
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface Route {
  method: string;
  /** `/banks/{bank}/{segment}` */
  path: string;
  /** the service whose module serves it, or `platform` */
  servedBy: string;
  handler: string;
  query: string[];
  statuses: number[];
  callers: string[];
}

interface Operation {
  method: string;
  path: string;
  /** where the document says it: `GET /banks/{bank}/{kind}` */
  documented: string;
  pathParams: string[];
  query: string[];
  statuses: number[];
  callers: string[];
  open: boolean;
}

const problems: string[] = [];

function nestExceptionStatus(name: string): number | undefined {
  const E = (nest as Record<string, unknown>)[name];
  if (typeof E !== 'function' || !(E.prototype instanceof HttpException)) return undefined;
  return (new (E as new () => HttpException)()).getStatus();
}

function routesOf(controller: Type<unknown>, servedBy: string): Route[] {
  const routes: Route[] = [];
  const base = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, controller) ?? '/');
  for (const name of new MetadataScanner().getAllMethodNames(controller.prototype)) {
    const handler = controller.prototype[name];
    const paths: string | string[] | undefined = Reflect.getMetadata(PATH_METADATA, handler);
    if (paths === undefined) continue; // a message consumer, or no route
    const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number].toLowerCase();
    const id = `${servedBy}: ${controller.name}.${name}`;
    const query = new Set<string>();
    const statuses = new Set<number>([Reflect.getMetadata(HTTP_CODE_METADATA, handler) ?? (method === 'post' ? 201 : 200), ...answersOf(handler)]);
    const roles = allowedRoles(handler);
    if (((Reflect.getMetadata(GUARDS_METADATA, handler) ?? []) as unknown[]).includes(ApiKeyGuard)) statuses.add(401);
    if (roles && ALL_ROLES.some((r) => !roles.includes(r))) statuses.add(403);
    const full = base.flatMap((b) => ([] as string[]).concat(paths).map((p) => `/${b}/${p}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1').replace(/:(\w+)/g, '{$1}')));
    const args: Record<string, { index: number; data?: unknown; pipes?: unknown[] }> = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {};
    for (const [key, arg] of Object.entries(args)) {
      const kind = Number(key.split(':')[0]);
      const pipe = (arg.pipes ?? []).find((p): p is ValidInput<object> => p instanceof ValidInput);
      if (pipe) statuses.add(refusalOf(pipe.type)?.status ?? 400);
      if (kind === RouteParamtypes.QUERY) {
        if (typeof arg.data === 'string') query.add(arg.data);
        else if (pipe) inputFields(pipe.type).forEach((f) => query.add(f));
        else problems.push(`${id} reads the whole query string without a DTO: its parameters cannot be known (bind one: @Query(validated(X)))`);
      }
      if (kind === RouteParamtypes.PARAM && pipe) {
        for (const p of full) {
          const inPath = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
          if (JSON.stringify(inputFields(pipe.type).sort()) !== JSON.stringify(inPath)) problems.push(`${id}: its path DTO ${pipe.type.name} reads ${inputFields(pipe.type)}, the path ${p} has ${inPath}`);
        }
      }
    }
    // the exceptions its own body throws must be among its statuses
    for (const m of String(handler).matchAll(/new\s+(?:[\w$]+\.)*(\w+Exception)\b/g)) {
      const status = nestExceptionStatus(m[1]);
      if (status !== undefined && !statuses.has(status)) problems.push(`${id} throws ${m[1]} (${status}) but answers no ${status}: declare it with @Answers(${status})`);
    }
    for (const path of full) routes.push({ method, path, servedBy, handler: id, query: [...query].sort(), statuses: [...statuses].sort(), callers: roles ? [...roles].sort() : ['anyone'] });
  }
  return routes;
}

function servedRoutes(): Route[] {
  const key = process.env.G2G_OPERATOR_KEY;
  process.env.G2G_OPERATOR_KEY = 'openapi-check'; // the modules' Authenticators read no key file then
  try {
    // the module each service's definition builds, as runServices has it built: nothing is connected
    const platform = { db: {}, transport: {}, config: readConfig({ G2G_MODE: 'embedded', G2G_INBOX_DIR: '' }) } as unknown as Platform;
    const controllersOf = (m: nest.DynamicModule): Type<unknown>[] => [...((m.controllers ?? []) as Type<unknown>[]), ...((m.imports ?? []) as nest.DynamicModule[]).flatMap((i) => ('module' in i ? controllersOf(i) : []))];
    return [
      ...allServices.flatMap((s) => controllersOf(s.module(platform)).flatMap((c) => routesOf(c, s.name))),
      ...PLATFORM_CONTROLLERS.flatMap((c) => routesOf(c as Type<unknown>, 'platform')),
    ];
  } finally {
    if (key === undefined) delete process.env.G2G_OPERATOR_KEY;
    else process.env.G2G_OPERATOR_KEY = key;
  }
}

/** Each route once per value of its enumerated path parameters. */
function expanded<T extends { path: string }>(items: T[], valuesOf: (item: T, param: string) => readonly string[] | undefined): T[] {
  return items.flatMap((item) => {
    const param = [...item.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).find((p) => valuesOf(item, p) !== undefined);
    if (param === undefined) return [item];
    return expanded(
      valuesOf(item, param)!.map((v) => ({ ...item, path: item.path.replace(`{${param}}`, v) })),
      valuesOf,
    );
  });
}

function documentedOperations(file: string): Operation[] {
  const doc = parse(readFileSync(file, 'utf8'));
  const resolve = (p: { $ref?: string }) => (p.$ref ? p.$ref.replace(/^#\//, '').split('/').reduce((o: any, k) => o?.[k], doc) : p);
  const ops: (Operation & { enums: Record<string, string[]> })[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const documented = `${method.toUpperCase()} ${path}`;
      const params: any[] = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(resolve);
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const pathParams = params.filter((p) => p.in === 'path').map((p) => p.name);
      if (JSON.stringify([...pathParams].sort()) !== JSON.stringify([...templated].sort())) problems.push(`${documented} declares path parameters ${pathParams}, its path has ${templated}`);
      const enums = Object.fromEntries(params.filter((p) => p.in === 'path' && Array.isArray(resolve(p.schema ?? {}).enum)).map((p) => [p.name, resolve(p.schema).enum.map(String)]));
      ops.push({
        method,
        path,
        documented,
        pathParams: templated,
        query: params.filter((p) => p.in === 'query').map((p) => p.name).sort(),
        statuses: Object.keys(op.responses ?? {}).filter((s) => s !== 'default').map(Number).sort(),
        callers: [...(op['x-g2g-callers'] ?? [])].sort(),
        open: Array.isArray(op.security) && op.security.length === 0,
        enums,
      });
    }
  }
  return expanded(ops, (op, param) => op.enums[param]);
}

const shape = (path: string) => path.replace(/\{\w+\}/g, '{}');
const namesIn = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
const list = (xs: readonly (string | number)[]) => `[${xs.join(', ')}]`;

/** What differs between the routes served and the document, one line each. */
function differences(routes: Route[], operations: Operation[]): string[] {
  const out: string[] = [];
  const served = expanded(routes, (_, param) => VALUES_OF[param]);
  const byKey = new Map<string, Route>();
  for (const r of served) {
    const key = `${r.method} ${shape(r.path)}`;
    const other = byKey.get(key);
    if (other) out.push(`${r.method.toUpperCase()} ${r.path} is served twice: ${other.handler} and ${r.handler}`);
    else byKey.set(key, r);
  }
  const documented = new Map<string, Operation>();
  for (const op of operations) {
    const key = `${op.method} ${shape(op.path)}`;
    if (documented.has(key)) out.push(`${op.method.toUpperCase()} ${op.path} is documented twice (${documented.get(key)!.documented}, ${op.documented})`);
    documented.set(key, op);
  }
  for (const [key, r] of byKey) if (!documented.has(key)) out.push(`${r.method.toUpperCase()} ${r.path} (${r.handler}) is served but not documented`);
  for (const [key, op] of documented) if (!byKey.has(key)) out.push(`${op.method.toUpperCase()} ${op.path} (${op.documented}) is documented but not served`);

  // each route with the operations that document it (one, or one per value of a specialised parameter)
  const byHandler = new Map<string, { route: Route; ops: Operation[] }>();
  for (const [key, r] of byKey) {
    const op = documented.get(key);
    if (!op) continue;
    if (JSON.stringify(namesIn(r.path)) !== JSON.stringify(namesIn(op.path))) out.push(`${r.method.toUpperCase()} ${r.path}: the document names its path parameters ${list(namesIn(op.path))} (${op.documented}), the route ${list(namesIn(r.path))}`);
    if (JSON.stringify(op.callers) !== JSON.stringify(r.callers)) out.push(`${op.documented}: x-g2g-callers ${list(op.callers)}, the route admits ${list(r.callers)}`);
    if (op.open !== (r.callers[0] === 'anyone')) out.push(`${op.documented}: ${op.open ? 'security: [] but the route takes a key' : 'the route takes no key: say security: []'}`);
    const entry = byHandler.get(r.handler) ?? { route: r, ops: [] };
    if (!entry.ops.includes(op)) entry.ops.push(op);
    byHandler.set(r.handler, entry);
  }
  for (const { route, ops } of byHandler.values()) {
    for (const [what, has] of [
      ['query parameter', (x: { query: string[] }) => x.query],
      ['status', (x: { statuses: number[] }) => x.statuses.map(String)],
    ] as const) {
      const code = has(route);
      const union = new Set<string>();
      for (const op of ops) {
        for (const x of has(op)) {
          union.add(x);
          if (!code.includes(x)) out.push(`${op.documented}: ${what} ${x} is documented, the route (${route.handler}) has none`);
        }
      }
      for (const x of code) if (!union.has(x)) out.push(`${ops.map((o) => o.documented).join(', ')}: ${what} ${x} of the route (${route.handler}) is not documented`);
    }
  }
  return out;
}

const DOCUMENT = join(__dirname, '..', 'docs', 'openapi.yaml');

describe('docs/openapi.yaml and the routes the services serve', () => {
  const routes = servedRoutes();

  it('reads the routes of every service and of the platform, and what each declares is consistent', () => {
    expect(problems).toEqual([]);
    expect(new Set(routes.map((r) => r.servedBy))).toEqual(new Set([...allServices.map((s) => s.name), 'platform']));
    expect(routes.length).toBeGreaterThan(30);
  });

  it('documents every route served, and serves every route documented, with the same parameters, statuses and callers', () => {
    expect(differences(routes, documentedOperations(DOCUMENT))).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('finds a route, a parameter and a status that one side lacks', () => {
    const ops = documentedOperations(DOCUMENT);
    const without = (drop: (op: Operation) => Operation | null) => differences(routes, ops.map(drop).filter((op): op is Operation => op !== null));
    expect(without((op) => (op.documented === 'GET /feed' ? null : op))).toEqual(['GET /feed (reporting: FeedController.read) is served but not documented']);
    expect(without((op) => (op.documented === 'GET /feed' ? { ...op, query: op.query.filter((q) => q !== 'limit') } : op))).toEqual([
      'GET /feed: query parameter limit of the route (reporting: FeedController.read) is not documented',
    ]);
    expect(without((op) => (op.documented === 'GET /feed' ? { ...op, statuses: [...op.statuses, 404] } : op))).toEqual(['GET /feed: status 404 is documented, the route (reporting: FeedController.read) has none']);
    expect(without((op) => (op.documented === 'GET /feed' ? { ...op, path: '/feeds' } : op))).toEqual([
      'GET /feed (reporting: FeedController.read) is served but not documented',
      'GET /feeds (GET /feed) is documented but not served',
    ]);
  });
});
