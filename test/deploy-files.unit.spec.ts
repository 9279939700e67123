import 'reflect-metadata';
import * as contracts from '@g2g/contracts';
import { KafkaTransport, deadLetterTopic, schemaOfConsumer } from '@g2g/messaging';
import * as platformLibrary from '@g2g/platform';
import { Platform, ServiceDefinition, operatorKey, readConfig, referenceDataTopics } from '@g2g/platform';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { PATTERN_EXTRAS_METADATA, PATTERN_METADATA } from '@nestjs/microservices/constants';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { SERVICES, serviceUrl } from '../apps/cli/src/config';
import { cessionService } from '../apps/cession/src/cession.module';
import { compensationService } from '../apps/compensation/src/compensation.module';
import { SessionSeal } from '../apps/console/src/session/session';
import { intakeService } from '../apps/intake/src/intake.module';
import { reportingService } from '../apps/reporting/src/reporting.module';
import { underwritingService } from '../apps/underwriting/src/underwriting.module';

/**
 * The deployment files (deploy/docker, deploy/k8s) against the code they run. Nothing here is a
 * copy: the topics come from the consumers' decorators and the contracts, the dead letters from
 * deadLetterTopic, the topic settings from KafkaTransport itself, the variable names from what
 * readConfig and the console read, the routes from the controllers, the ports from the service
 * definitions, the memory from docs/performance.md. Each check collects what is wrong and expects
 * nothing, so that a failure names every mismatch at once.
 */

type Doc = Record<string, any>;
const root = join(__dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

// ---------------------------------------------------------------------------------------------
// What the code says

interface ProcessFacts {
  name: string;
  kind: 'service' | 'console';
  port: number;
  /** the compiled entry point, relative to the image's working directory */
  entry: string;
  /** GET routes it serves */
  routes: Set<string>;
  /** environment variables it reads */
  env: Set<string>;
  /** services only: their definition */
  definition?: ServiceDefinition;
}

/** Read by Node itself, not by the platform's code. */
const RUNTIME_ENV = new Set(['NODE_OPTIONS']);

/** The variable names `use` reads from an environment, each read answered with `value`. */
function readsOf(use: (env: NodeJS.ProcessEnv) => unknown, value?: string): Set<string> {
  const seen = new Set<string>();
  const env = new Proxy({} as NodeJS.ProcessEnv, {
    get: (_target, key) => {
      if (typeof key === 'string') seen.add(key);
      return value;
    },
  });
  use(env);
  return seen;
}

function sourcesUnder(dir: string): string[] {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = posix.join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sourcesUnder(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/** `env.NAME` and `process.env.NAME` read anywhere in these folders' sources. */
function envReadIn(dirs: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const file of dirs.flatMap(sourcesUnder)) for (const m of read(file).matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)) names.add(m[1]);
  return names;
}

function routesOf(controller: Function): string[] {
  const bases = [Reflect.getMetadata(PATH_METADATA, controller) ?? ''].flat() as string[];
  const routes: string[] = [];
  for (const name of Object.getOwnPropertyNames(controller.prototype)) {
    const handler = Object.getOwnPropertyDescriptor(controller.prototype, name)?.value;
    if (name === 'constructor' || typeof handler !== 'function') continue;
    const paths = Reflect.getMetadata(PATH_METADATA, handler);
    if (paths === undefined || Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod.GET) continue;
    for (const base of bases) for (const path of [paths].flat() as string[]) routes.push(posix.join('/', base, path).replace(/(.)\/$/, '$1'));
  }
  return routes;
}

/** The names in the first `controllers: [...]` of a source text. */
function controllerNames(text: string): string[] {
  const list = /controllers:\s*\[([^\]]*)\]/.exec(text);
  if (!list) throw new Error('no controllers: [...] list');
  return list[1].split(',').map((s) => s.trim()).filter(Boolean);
}

/** A controller class, or the spread of a list of them (`...LIST`), that @g2g/platform exports. */
function platformControllers(name: string): Function[] {
  const found = (platformLibrary as Record<string, unknown>)[name.replace(/^\.\.\./, '')];
  const list = name.startsWith('...') ? found : [found];
  if (!Array.isArray(list) || !list.every((c) => typeof c === 'function')) throw new Error(`${name} is not a controller (or a list of them) exported by @g2g/platform`);
  return list;
}

/** The controllers a Nest module brings, with those of the modules it imports. */
function controllersOf(module: unknown, seen = new Set<unknown>()): Function[] {
  if (!module || seen.has(module)) return [];
  seen.add(module);
  const dynamic = typeof module === 'object' ? (module as { module?: Function; controllers?: Function[]; imports?: unknown[] }) : undefined;
  const type = dynamic ? dynamic.module : (module as Function);
  const controllers = [...(dynamic?.controllers ?? []), ...((type && Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, type)) ?? [])];
  const imports = [...(dynamic?.imports ?? []), ...((type && Reflect.getMetadata(MODULE_METADATA.IMPORTS, type)) ?? [])];
  return [...controllers, ...imports.flatMap((i) => controllersOf(i, seen))];
}

interface Consumer {
  consumer: string;
  topics: string[];
}

/** The controllers of a service's module, made as runServices makes it (with stand-ins: nothing runs). */
function serviceControllers(service: ServiceDefinition): Function[] {
  const platform: Platform = { db: {} as Platform['db'], transport: {} as Platform['transport'], config: readConfig({ G2G_MODE: 'distributed' }) };
  // the modules read the operator's key when they are made: given one, none writes a key file
  const before = process.env.G2G_OPERATOR_KEY;
  process.env.G2G_OPERATOR_KEY = 'deploy-files-check';
  try {
    return controllersOf(service.module(platform));
  } finally {
    if (before === undefined) delete process.env.G2G_OPERATOR_KEY;
    else process.env.G2G_OPERATOR_KEY = before;
  }
}

/** Every `@Consume(topic, { consumer })` handler of a service's module. */
function consumersOf(service: ServiceDefinition): Consumer[] {
  return serviceControllers(service).flatMap((controller) =>
    Object.getOwnPropertyNames(controller.prototype).flatMap((name) => {
      const handler = Object.getOwnPropertyDescriptor(controller.prototype, name)?.value;
      const topics = typeof handler === 'function' ? (Reflect.getMetadata(PATTERN_METADATA, handler) as string[] | undefined) : undefined;
      if (!topics) return [];
      const extras = Reflect.getMetadata(PATTERN_EXTRAS_METADATA, handler) as { consumer: string };
      return [{ consumer: extras.consumer, topics }];
    }),
  );
}

const serviceDefinitions = [intakeService, underwritingService, cessionService, compensationService, reportingService];

function processFacts(): ProcessFacts[] {
  const platformSource = read('libs/platform/src/platform.ts');
  const platformRoutes = controllerNames(platformSource.slice(platformSource.indexOf('export async function runServices'))).flatMap((n) => platformControllers(n).flatMap(routesOf));
  const serviceEnv = new Set([
    ...readsOf((env) => readConfig(env)),
    ...readsOf((env) => operatorKey(env, '/nonexistent/operator-key'), 'set'),
    ...envReadIn(['libs/platform/src', 'libs/messaging/src', 'libs/event-store/src']),
  ]);
  const services: ProcessFacts[] = serviceDefinitions.map((definition) => ({
    name: definition.name,
    kind: 'service',
    port: definition.defaultPort,
    entry: `dist/apps/${definition.name}/src/main.js`,
    routes: new Set([...platformRoutes, ...serviceControllers(definition).flatMap(routesOf)]),
    env: new Set([...serviceEnv, ...envReadIn([`apps/${definition.name}/src`])]),
    definition,
  }));

  const consoleMain = read('apps/console/src/main.ts');
  const consolePort = /export const CONSOLE_PORT = (\d+)/.exec(consoleMain);
  if (!consolePort) throw new Error('apps/console/src/main.ts names no CONSOLE_PORT');
  const consoleRoutes: string[] = [];
  for (const name of controllerNames(consoleMain.slice(consoleMain.indexOf('async function main')))) {
    const local = new RegExp(`@Controller\\((?:'([^']*)')?\\)\\s*class ${name}\\s*\\{([\\s\\S]*?)\\n\\}`).exec(consoleMain);
    if (!local) {
      consoleRoutes.push(...platformControllers(name).flatMap(routesOf));
      continue;
    }
    for (const get of local[2].matchAll(/@Get\((?:'([^']*)')?\)/g)) consoleRoutes.push(posix.join('/', local[1] ?? '', get[1] ?? '').replace(/(.)\/$/, '$1'));
  }
  const consoleEnv = new Set([
    ...envReadIn(['apps/console/src']),
    ...readsOf((env) => SessionSeal.fromEnvironment(env)),
    ...SERVICES.flatMap((s) => [...readsOf((env) => serviceUrl(s, env))]),
  ]);
  return [...services, { name: 'console', kind: 'console', port: Number(consolePort[1]), entry: 'dist/apps/console/src/main.js', routes: new Set(consoleRoutes), env: consoleEnv }];
}

const processes = processFacts();
const byName = new Map(processes.map((p) => [p.name, p]));

/** The topics the platform uses: what its consumers read, what its relays write, and the dead letters. */
function platformTopics(): { all: Set<string>; deadLetters: Set<string>; problems: string[] } {
  const problems: string[] = [];
  const consumers = serviceDefinitions.flatMap(consumersOf);
  const consumed = consumers.flatMap((c) => c.topics);
  const deadLetters = new Set(consumers.map((c) => deadLetterTopic(schemaOfConsumer(c.consumer))));
  const contractTopics = new Map<string, string>();
  for (const [name, value] of Object.entries(contracts)) {
    const topic = (value as { topic?: unknown })?.topic;
    if (typeof topic === 'string') contractTopics.set(name, topic);
  }
  // a message is written with its contract's topic and key side by side: { topic: x.topic, key: x.key(...) }
  const produced: string[] = [];
  for (const file of ['apps', 'libs'].flatMap(sourcesUnder).filter((f) => !f.startsWith('libs/testing/'))) {
    for (const m of read(file).matchAll(/\btopic:\s*(\w+)\.topic\s*,\s*key:\s*\1\.key\(/g)) {
      const topic = contractTopics.get(m[1]);
      if (topic) produced.push(topic);
      else problems.push(`${file} writes ${m[1]}.topic, which libs/contracts does not export`);
    }
  }
  if (produced.length === 0) problems.push('found no message written with a contract topic: the pattern looked for has changed');
  for (const topic of consumed) {
    const known = [...contractTopics.values()].includes(topic) || contracts.operatorActionRecordedV1.carries(topic);
    if (!known) problems.push(`a consumer reads ${topic}, which is no contract of libs/contracts`);
  }
  return { all: new Set([...consumed, ...produced, ...deadLetters]), deadLetters, problems };
}

const topics = platformTopics();
const consumerGroups = new Map(serviceDefinitions.map((d) => [d.name, consumersOf(d).map((c) => c.consumer)]));

/** What KafkaTransport gives a topic it creates itself, asked of the transport with a stand-in admin client. */
async function topicAsTheTransportMakesIt(): Promise<{ numPartitions: number; config: Record<string, string> }> {
  const transport = new KafkaTransport({} as never, { brokers: ['unused:9092'], clientId: 'deploy-files', relaySchemas: [] });
  const created: { numPartitions: number; configEntries: { name: string; value: string }[] }[] = [];
  (transport as unknown as { admin: unknown }).admin = {
    listTopics: async () => [],
    createTopics: async ({ topics: list }: { topics: typeof created }) => {
      created.push(...list);
      return true;
    },
    fetchTopicMetadata: async ({ topics: names }: { topics: string[] }) => ({ topics: names.map((name) => ({ name, partitions: [{ partitionId: 0, leader: 0 }] })) }),
    describeConfigs: async () => ({ resources: [] }),
  };
  await transport.ensureTopics(['deploy-files-probe']);
  if (created.length !== 1) throw new Error(`the transport created ${created.length} topics for one`);
  return { numPartitions: created[0].numPartitions, config: Object.fromEntries(created[0].configEntries.map((e) => [e.name, e.value])) };
}

/** The database connections one process opens: its pool, and one more while it makes sure the database exists. */
function connectionsPerProcess(): number {
  const pool = /Database\.connect\(\{\s*url:\s*config\.databaseUrl,\s*poolSize:\s*(\d+)/.exec(read('libs/platform/src/platform.ts'));
  if (!pool) throw new Error('libs/platform/src/platform.ts: the distributed pool size was not found');
  return Number(pool[1]) + 1;
}

/** How long a service's stop may take, in seconds (before any preStop pause). */
function shutdownSeconds(facts: ProcessFacts, config: { uploadStallMs: number } | null): number {
  if (facts.kind === 'console' || !config) return 0;
  // its consumers stop after the batch in flight and leave their groups, which give a silent member this long
  const session = /sessionTimeout:\s*([\d_]+)/.exec(read('libs/messaging/src/kafka-transport.ts'));
  if (!session) throw new Error('libs/messaging/src/kafka-transport.ts: no consumer sessionTimeout');
  let ms = Number(session[1].replaceAll('_', ''));
  // HTTP closes after the uploads in flight; one that sends nothing is cut off after the stall time
  if (read(`apps/${facts.name}/src/${facts.name}.module.ts`).includes('uploadStallMs')) ms = Math.max(ms, config.uploadStallMs);
  return ms / 1000;
}

/** The peak resident memory measured per service (MiB) in the current figures of docs/performance.md. */
function measuredMemory(): { current: Map<string, number>; highest: Map<string, number> } {
  const doc = read('docs/performance.md');
  const pointer = /figures of the current build are in "([^"]+)"/.exec(doc);
  if (!pointer) throw new Error('docs/performance.md no longer says where the current figures are');
  const start = doc.indexOf(`## ${pointer[1]}`);
  if (start < 0) throw new Error(`docs/performance.md has no section "${pointer[1]}"`);
  const end = doc.indexOf('\n## ', start + 3);
  const lines = doc.slice(start, end < 0 ? undefined : end).split('\n');
  const current = new Map<string, number>();
  const highest = new Map<string, number>();
  const raise = (map: Map<string, number>, name: string, mb: number) => map.set(name, Math.max(map.get(name) ?? 0, mb));
  lines.forEach((line, i) => {
    const row = /^\|\s*peak RSS MB:\s*([a-z /]+?)\s*\|(.*)\|\s*$/.exec(line);
    if (!row) return;
    let top = i;
    while (top > 0 && lines[top - 1].startsWith('|')) top--;
    const headers = lines[top].split('|').slice(2, -1).map((h) => h.trim().replace(/\s*\(.*$/, ''));
    const names = row[1].split('/').map((n) => n.trim());
    row[2].split('|').forEach((cell, column) => {
      const values = cell.replaceAll('*', '').split('/').map((v) => Number(v.trim().replaceAll(',', '')));
      names.forEach((name, k) => {
        raise(highest, name, values[k]);
        // the first column is the build as it stands; columns of the same label are more runs of it
        if (headers[column] === headers[0]) raise(current, name, values[k]);
      });
    });
  });
  if (current.size === 0) throw new Error(`no "peak RSS MB" row in "${pointer[1]}" of docs/performance.md`);
  return { current, highest };
}

function mebibytes(quantity: string | number | undefined): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(String(quantity ?? ''));
  if (!m) return NaN;
  const factor: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, K: 1e3 / 2 ** 20, M: 1e6 / 2 ** 20, G: 1e9 / 2 ** 20 };
  return Number(m[1]) * (m[2] ? factor[m[2]] : 1 / 2 ** 20);
}

function kafkaVersion(): { script: string; adr: string } {
  const script = /KAFKA_VERSION="\$\{KAFKA_VERSION:-([0-9.]+)\}"/.exec(read('deploy/kafka/kafka.sh'));
  const adr = /Default version \*\*([0-9.]+)\*\*/.exec(read('docs/adr/0005-kafka-broker-version.md'));
  if (!script || !adr) throw new Error('the broker version was not found in deploy/kafka/kafka.sh or docs/adr/0005');
  return { script: script[1], adr: adr[1] };
}

/** Names that hold secrets: they come from a Secret (Kubernetes) or the caller's environment (compose). */
const SECRET_NAME = /(^DATABASE_URL$|KEY$|SECRET$|PASSWORD$|TOKEN$)/;

// ---------------------------------------------------------------------------------------------
// Reading the files

function yamlDocuments(path: string): Doc[] {
  const docs = parseAllDocuments(read(path));
  const errors = docs.flatMap((d) => d.errors.map((e) => `${path}: ${e.message}`));
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return docs.map((d) => d.toJS() as Doc).filter((d) => d !== null && d !== undefined);
}

/** kustomize's build, for what the kustomizations here use; anything else is refused, not skipped. */
function kustomize(dir: string): Doc[] {
  const file = posix.join(dir, 'kustomization.yaml');
  const k = parse(read(file)) as Doc;
  const unknown = Object.keys(k).filter((key) => !['apiVersion', 'kind', 'resources', 'namespace', 'images', 'patches'].includes(key));
  if (unknown.length > 0) throw new Error(`${file} uses ${unknown.join(', ')}: this test builds only resources, namespace, images and patches; teach it the rest`);
  const docs: Doc[] = [];
  for (const resource of k.resources ?? []) {
    const path = posix.normalize(posix.join(dir, resource));
    docs.push(...(statSync(join(root, path)).isDirectory() ? kustomize(path) : yamlDocuments(path)));
  }
  for (const { target, patch, ...rest } of k.patches ?? []) {
    if (Object.keys(rest).length > 0 || typeof patch !== 'string') throw new Error(`${file}: only inline JSON patches with a target`);
    const ops = parse(patch);
    if (!Array.isArray(ops)) throw new Error(`${file}: a patch that is not a list of JSON patch operations`);
    const hits = docs.filter((d) => d.kind === target.kind && (!target.name || new RegExp(`^${target.name}$`).test(d.metadata?.name)));
    if (hits.length === 0) throw new Error(`${file}: a patch for ${JSON.stringify(target)} matches nothing`);
    for (const d of hits) for (const op of ops) jsonPatch(d, op, `${file} on ${d.kind}/${d.metadata.name}`);
  }
  if (k.namespace) for (const d of docs) d.metadata.namespace = k.namespace;
  for (const image of k.images ?? []) {
    for (const c of docs.flatMap(containersOf)) {
      const [name, tag] = String(c.image).split(':');
      if (name === image.name) c.image = `${image.newName ?? name}${(image.newTag ?? tag) ? `:${image.newTag ?? tag}` : ''}`;
    }
  }
  return docs;
}

function jsonPatch(doc: Doc, op: { op: string; path: string; value?: unknown }, where: string): void {
  const keys = op.path.split('/').slice(1).map((k) => k.replaceAll('~1', '/').replaceAll('~0', '~'));
  const last = keys.pop()!;
  let parent: any = doc;
  for (const key of keys) {
    parent = parent?.[key];
    if (parent === undefined) throw new Error(`${where}: ${op.op} ${op.path}: no ${key}`);
  }
  const exists = Array.isArray(parent) ? Number(last) < parent.length : last in parent;
  if (op.op === 'replace' || op.op === 'remove') {
    if (!exists) throw new Error(`${where}: ${op.op} ${op.path}: nothing there`);
    if (op.op === 'replace') parent[last] = op.value;
    else if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (op.op === 'add') {
    if (Array.isArray(parent)) parent.splice(last === '-' ? parent.length : Number(last), 0, op.value);
    else parent[last] = op.value;
  } else {
    throw new Error(`${where}: JSON patch op ${op.op} is not built here`);
  }
}

function containersOf(d: Doc): Doc[] {
  const spec = d.kind === 'Deployment' ? d.spec?.template?.spec : undefined;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
}

/** Compose's variable substitution, with the variables the caller is told to set. */
function interpolate(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (whole, name: string, op: string, arg: string) => {
      if (whole === '$$') return '$';
      const set = vars[name];
      const empty = set === undefined || (op?.startsWith(':') && set === '');
      if (!empty) return set;
      if (op?.endsWith('?')) throw new Error(`compose.yaml needs ${name}: ${arg}`);
      return op ? arg : '';
    });
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, vars)]));
  return value;
}

/** The README's `kubectl ... create secret generic NAME --from-literal=KEY=...`: the Secrets the operator makes, and their keys. */
function secretsTheReadmeCreates(): Map<string, Set<string>> {
  const made = new Map<string, Set<string>>();
  for (const m of read('README.md').matchAll(/create secret generic ([a-z0-9.-]+)((?:[^\n]*\\\n)*[^\n]*)/g)) {
    made.set(m[1], new Set([...m[2].matchAll(/--from-literal=([A-Za-z_][A-Za-z0-9_]*)=/g)].map((k) => k[1])));
  }
  return made;
}

function seconds(duration: unknown): number {
  let total = 0;
  const text = String(duration ?? '');
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) total += Number(m[1]) * { h: 3600, m: 60, s: 1, ms: 0.001 }[m[2] as 'h' | 'm' | 's' | 'ms'];
  return total;
}

function preStopSeconds(c: Doc): number {
  const preStop = c.lifecycle?.preStop;
  if (preStop?.sleep) return Number(preStop.sleep.seconds);
  const command: string[] | undefined = preStop?.exec?.command;
  return command?.[0] === 'sleep' ? Number(command[1]) : 0;
}

// ---------------------------------------------------------------------------------------------

describe('what the code says (the truth the files are checked against)', () => {
  it('finds the six processes, their routes, variables and topics', () => {
    expect(processes.map((p) => p.name)).toEqual(['intake', 'underwriting', 'cession', 'compensation', 'reporting', 'console']);
    for (const p of processes) {
      expect([p.name, existsSync(join(root, p.entry.replace(/^dist\//, '').replace(/\.js$/, '.ts')))]).toEqual([p.name, true]);
      expect([p.name, p.routes.has('/health/live'), p.routes.has('/health/ready')]).toEqual([p.name, true, true]);
      expect([p.name, p.env.has('PORT'), p.env.has('HOST')]).toEqual([p.name, true, true]);
    }
    expect(byName.get('intake')!.env).toContain('DATABASE_URL');
    expect(topics.problems).toEqual([]);
    expect(topics.all.size).toBeGreaterThan(topics.deadLetters.size);
  });
});

describe('deploy/docker/Dockerfile and the .dockerignore of its context', () => {
  const lines = read('deploy/docker/Dockerfile').replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: { name: string; from: string; lines: string[] }[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ from: from[1], name: from[2] ?? String(stages.length), lines: [] });
    else stages.at(-1)?.lines.push(line);
  }
  const build = stages[0];
  const runtime = stages.at(-1)!;

  it('builds in one stage and runs in another with production dependencies only, as a user that is not root', () => {
    const problems: string[] = [];
    const buildScript = JSON.parse(read('package.json')).scripts.build as string;
    if (stages.length < 2) problems.push('not multi-stage');
    if (!build.lines.some((l) => /^RUN\s.*\bnpm ci\b/.test(l) && !l.includes('--omit=dev'))) problems.push('the build stage does not run npm ci with the dev dependencies');
    if (!build.lines.some((l) => /^RUN\s.*\bnpm run build\b/.test(l))) problems.push('the build stage does not run npm run build');
    // what `npm run build` compiles (swc apps libs ... --config-file .swcrc) must be in the build stage
    const compiled = [...buildScript.replace(/^swc\s+/, '').split(/\s+-/)[0].split(/\s+/), /--config-file\s+(\S+)/.exec(buildScript)?.[1] ?? ''];
    const copiedToBuild = build.lines.filter((l) => /^COPY\s/.test(l)).flatMap((l) => l.split(/\s+/).slice(1, -1));
    for (const path of compiled.filter(Boolean)) if (!copiedToBuild.some((c) => c.replace(/\/$/, '') === path)) problems.push(`the build stage does not copy ${path}, which npm run build compiles`);
    if (!runtime.lines.some((l) => /^RUN\s.*\bnpm ci\b.*--omit=dev/.test(l))) problems.push('the runtime stage does not install with npm ci --omit=dev');
    if (runtime.lines.some((l) => /^COPY\s+--from=\S+\s+\S*node_modules/.test(l))) problems.push('the runtime stage copies node_modules from the build stage');
    if (!runtime.lines.some((l) => new RegExp(`^COPY\\s+--from=${build.name}\\s+\\S*dist\\s+(\\./)?dist/?$`).test(l))) problems.push(`the runtime stage does not copy dist/ from ${build.name}`);
    // the Node line of the image is one that package.json's engines names
    const image = lines.find((l) => /^ARG NODE_IMAGE=/.test(l))?.split('=')[1] ?? '';
    const line = /^node:(\d+)/.exec(stages.every((st) => st.from === '${NODE_IMAGE}') ? image : runtime.from)?.[1];
    const engines = String(JSON.parse(read('package.json')).engines?.node ?? '');
    if (!line || !new RegExp(`(^|[|^>=\\s])${line}\\.`).test(engines)) problems.push(`the image runs Node ${line ?? `of ${runtime.from}`}, which engines (${engines}) does not name`);
    const user = runtime.lines.filter((l) => /^USER\s/.test(l)).at(-1)?.split(/\s+/)[1];
    if (!user || /^(root|0)(:|$)/.test(user)) problems.push(`the runtime stage runs as ${user ?? 'root'}`);
    else if (!/^\d+(:\d+)?$/.test(user)) problems.push(`USER ${user}: by number, so that Kubernetes can verify runAsNonRoot`);
    // GET /openapi.yaml reads docs/openapi.yaml from above the compiled code
    const workdir = runtime.lines.filter((l) => /^WORKDIR\s/.test(l)).at(-1)?.split(/\s+/)[1];
    if (!workdir || !runtime.lines.some((l) => /^COPY\s+docs\/openapi\.yaml\s+(\.\/)?docs\/openapi\.yaml$/.test(l))) problems.push('the runtime stage does not put docs/openapi.yaml beside dist/');
    expect(problems).toEqual([]);
  });

  it('sends the build what it copies and nothing of node_modules or dist', () => {
    const rules = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const toRegExp = (glob: string) =>
      new RegExp(`^${glob.replace(/\/$/, '').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\/?/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]').replaceAll('\u0000', '.*')}$`);
    // Docker's rule: the last pattern that matches the path or one of its parents decides
    const ignored = (path: string) => {
      let out = false;
      const parents = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
      for (const rule of rules) {
        const negated = rule.startsWith('!');
        const pattern = toRegExp(negated ? rule.slice(1) : rule);
        if (parents.some((p) => pattern.test(p))) out = !negated;
      }
      return out;
    };
    const problems: string[] = [];
    for (const stage of stages) {
      for (const line of stage.lines.filter((l) => /^COPY\s/.test(l) && !/--from=/.test(l))) {
        for (const source of line.split(/\s+/).slice(1, -1)) {
          const path = source.replace(/\/$/, '');
          if (!existsSync(join(root, path))) problems.push(`${line}: ${path} does not exist`);
          const sample = statSync(join(root, path), { throwIfNoEntry: false })?.isDirectory() ? sourcesUnder(path)[0] ?? path : path;
          if (ignored(path) || ignored(sample)) problems.push(`${line}: .dockerignore leaves ${sample} out`);
        }
      }
    }
    for (const path of ['node_modules/yaml/package.json', 'dist/apps/intake/src/main.js', '.git/HEAD', '.g2g/operator-key', 'apps/intake/src/intake.unit.spec.ts']) {
      if (!ignored(path)) problems.push(`.dockerignore lets ${path} in`);
    }
    expect(problems).toEqual([]);
  });
});

describe('deploy/docker/compose.yaml', () => {
  const vars = { G2G_OPERATOR_KEY: 'g2g_deploy-files-check', G2G_CONSOLE_SECRET: 'deploy-files-check-session-secret' };
  const raw = parse(read('deploy/docker/compose.yaml'), { merge: true }) as Doc;
  const compose = interpolate(raw, vars) as Doc;
  const services = compose.services as Record<string, Doc>;
  const envOf = (s: Doc): Record<string, string> =>
    Array.isArray(s.environment) ? Object.fromEntries(s.environment.map((e: string) => [e.split('=')[0], e.slice(e.indexOf('=') + 1)])) : Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));
  const rawEnvOf = (name: string) => envOf(raw.services[name]);
  const version = kafkaVersion();

  it('runs Kafka in KRaft mode at the version of deploy/kafka and docs/adr/0005, and PostgreSQL', () => {
    const problems: string[] = [];
    const kafka = services.kafka;
    if (!kafka) throw new Error('no kafka service');
    const [image, tag] = String(kafka.image).split(':');
    if (image !== 'apache/kafka') problems.push(`Kafka image ${kafka.image}`);
    if (tag !== version.script || tag !== version.adr) problems.push(`Kafka ${tag}, deploy/kafka/kafka.sh ${version.script}, docs/adr/0005 ${version.adr}`);
    const env = envOf(kafka);
    const roles = (env.KAFKA_PROCESS_ROLES ?? '').split(',');
    if (!roles.includes('broker') || !roles.includes('controller')) problems.push(`KAFKA_PROCESS_ROLES ${env.KAFKA_PROCESS_ROLES}: not a KRaft broker and controller`);
    if (Object.keys(env).some((k) => k.includes('ZOOKEEPER'))) problems.push('ZooKeeper settings');
    if (!services.postgres || !String(services.postgres.image).startsWith('postgres:')) problems.push('no postgres service');
    for (const name of ['kafka', 'postgres']) if (!services[name]?.healthcheck) problems.push(`${name} has no healthcheck`);
    expect(problems).toEqual([]);
  });

  it.each(processes.map((p) => [p.name, p] as const))('%s: command, port, variables, health check and dependencies as the code has them', (_name, facts) => {
    const problems: string[] = [];
    const s = services[facts.name];
    if (!s) throw new Error(`no compose service ${facts.name}`);
    const env = envOf(s);
    const command = [s.command].flat().join(' ');
    if (command !== `node ${facts.entry}`) problems.push(`command "${command}", not "node ${facts.entry}"`);
    if (!s.build && !services.intake.build) problems.push('nothing builds the image');
    if (s.build) {
      if (posix.normalize(posix.join('deploy/docker', s.build.context)) !== '.') problems.push(`build context ${s.build.context}: not the repository root, where .dockerignore is`);
      if (s.build.dockerfile !== 'deploy/docker/Dockerfile') problems.push(`dockerfile ${s.build.dockerfile}`);
    }
    for (const name of Object.keys(env)) if (!facts.env.has(name) && !RUNTIME_ENV.has(name)) problems.push(`sets ${name}, which ${facts.name} does not read`);
    for (const [name, value] of Object.entries(rawEnvOf(facts.name))) {
      if (SECRET_NAME.test(name) && !value.includes('${')) problems.push(`${name} is written in the file, not taken from the caller's environment`);
    }
    if (Number(env.PORT ?? facts.port) !== facts.port) problems.push(`PORT ${env.PORT}, the code's ${facts.port}`);
    if (env.HOST !== '0.0.0.0') problems.push(`HOST ${env.HOST}: the process would listen on its loopback only`);
    for (const published of s.ports ?? []) if (Number(String(published).split(':').at(-1)) !== facts.port) problems.push(`publishes ${published}, not the port ${facts.port}`);
    const test = [s.healthcheck?.test].flat() as string[];
    const url = /https?:\/\/[^'"\s)]+/.exec(test.join(' '))?.[0];
    if (!url) problems.push('no HTTP health check');
    else {
      const { port, pathname } = new URL(url);
      if (pathname !== '/health/ready' || !facts.routes.has(pathname)) problems.push(`health check on ${pathname}, not the readiness route /health/ready`);
      if (Number(port) !== facts.port) problems.push(`health check on port ${port}, not ${facts.port}`);
      // the image has neither curl nor wget
      if (!(test[0] === 'CMD' && test[1] === 'node')) problems.push(`health check runs ${test.slice(0, 2).join(' ')}: the image has node, not curl or wget`);
    }
    for (const [dependency, how] of Object.entries((s.depends_on ?? {}) as Record<string, Doc>)) {
      if (!how?.condition) problems.push(`depends on ${dependency} without a condition`);
      if (how?.condition === 'service_healthy' && !services[dependency]?.healthcheck) problems.push(`waits for ${dependency} to be healthy, which has no health check`);
    }
    if (facts.kind === 'service') {
      const config = readConfig(env);
      if (config.mode !== 'distributed') problems.push(`G2G_MODE ${env.G2G_MODE}: the service would start embedded`);
      for (const needed of ['kafka', 'postgres']) if (s.depends_on?.[needed]?.condition !== 'service_healthy') problems.push(`does not wait for ${needed} to be healthy: it exits when either is away at start`);
      const kafkaEnv = envOf(services.kafka);
      const protocols = Object.fromEntries((kafkaEnv.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP ?? '').split(',').map((p) => p.split(':')));
      const protocol = config.kafkaSecurity.protocol;
      const advertised = (kafkaEnv.KAFKA_ADVERTISED_LISTENERS ?? '').split(',').map((l) => /^(\w+):\/\/(.+)$/.exec(l)).filter((m) => m && protocols[m[1]] === protocol).map((m) => m![2]);
      for (const broker of config.kafkaBrokers) if (!advertised.includes(broker)) problems.push(`KAFKA_BROKERS ${broker} is no ${protocol} listener the broker advertises (${advertised.join(', ')})`);
      const db = new URL(config.databaseUrl);
      const pg = envOf(services.postgres);
      if (db.hostname !== 'postgres' || Number(db.port || 5432) !== 5432) problems.push(`DATABASE_URL names ${db.host}, not the postgres service`);
      if (decodeURIComponent(db.username) !== pg.POSTGRES_USER || decodeURIComponent(db.password) !== pg.POSTGRES_PASSWORD || db.pathname !== `/${pg.POSTGRES_DB}`) problems.push('DATABASE_URL does not match the postgres service\'s user, password and database');
      if (!env.G2G_OPERATOR_KEY) problems.push('no G2G_OPERATOR_KEY: each service would draw an operator key of its own');
      const bound = shutdownSeconds(facts, config);
      const grace = s.stop_grace_period === undefined ? 10 : seconds(s.stop_grace_period);
      if (grace < bound) problems.push(`stop_grace_period ${grace} s, its stop may take ${bound} s`);
    } else {
      for (const service of SERVICES) {
        const url = serviceUrl(service, env);
        const wanted = `http://${service}:${byName.get(service)!.port}`;
        if (url !== wanted || !services[service]) problems.push(`reaches ${service} at ${url}, not ${wanted}`);
      }
      if (!env.G2G_CONSOLE_SECRET) problems.push('no G2G_CONSOLE_SECRET: every session ends when the console restarts');
    }
    expect(problems).toEqual([]);
  });

  it('gives PostgreSQL enough connections for every service', () => {
    const pg = services.postgres;
    const setting = /max_connections=(\d+)/.exec([pg.command].flat().join(' '));
    const max = setting ? Number(setting[1]) : 100;
    const needed = processes.filter((p) => p.kind === 'service').length * connectionsPerProcess();
    expect({ needed, available: max - 3 }).toEqual({ needed, available: Math.max(max - 3, needed) });
  });
});

describe.each(['deploy/k8s/base', 'deploy/k8s/overlays/dev', 'deploy/k8s/overlays/production'])('Kubernetes, %s', (dir) => {
  const docs = kustomize(dir);
  const ofKind = (kind: string) => docs.filter((d) => d.kind === kind);
  const named = (kind: string, name: string) => ofKind(kind).find((d) => d.metadata?.name === name);
  const deployments = ofKind('Deployment');
  const mainContainer = (d: Doc) => d.spec.template.spec.containers[0] as Doc;
  const facts = (d: Doc) => processes.find((p) => mainContainer(d).command?.join(' ') === `node ${p.entry}`);
  const kafka = ofKind('Kafka')[0];
  const cluster = ofKind('Cluster')[0];
  const operatorSecrets = secretsTheReadmeCreates();
  const memory = measuredMemory();

  /** A container's environment as the process sees it, and where each value comes from. */
  const environment = (c: Doc) => {
    const values: Record<string, string> = {};
    const from: Record<string, { secret?: { name: string; key: string }; configMap?: string; field?: string }> = {};
    const problems: string[] = [];
    for (const source of c.envFrom ?? []) {
      if (!source.configMapRef) problems.push(`${c.name}: envFrom other than a ConfigMap`);
      const map = named('ConfigMap', source.configMapRef?.name);
      if (!map) problems.push(`${c.name}: no ConfigMap ${source.configMapRef?.name}`);
      for (const [k, v] of Object.entries(map?.data ?? {})) {
        values[k] = String(v);
        from[k] = { configMap: map!.metadata.name };
      }
    }
    for (const e of c.env ?? []) {
      const ref = e.valueFrom;
      if (ref?.secretKeyRef) {
        values[e.name] = `(secret ${ref.secretKeyRef.name}/${ref.secretKeyRef.key})`;
        from[e.name] = { secret: ref.secretKeyRef };
      } else if (ref?.configMapKeyRef) {
        const value = named('ConfigMap', ref.configMapKeyRef.name)?.data?.[ref.configMapKeyRef.key];
        if (value === undefined) problems.push(`${c.name}: ${e.name} from ${ref.configMapKeyRef.name}/${ref.configMapKeyRef.key}, which does not exist`);
        values[e.name] = String(value);
        from[e.name] = { configMap: ref.configMapKeyRef.name };
      } else if (ref?.fieldRef) {
        values[e.name] = `(${ref.fieldRef.fieldPath})`;
        from[e.name] = { field: ref.fieldRef.fieldPath };
      } else {
        values[e.name] = String(e.value ?? '');
        from[e.name] = {};
      }
    }
    return { values, from, problems };
  };

  /** Secrets that will exist: in the build, written by CloudNativePG for the cluster, or made by the operator as the README says. */
  const secretProblems = (name: string, key: string, who: string): string[] => {
    const inBuild = named('Secret', name);
    if (inBuild) return key in (inBuild.data ?? {}) || key in (inBuild.stringData ?? {}) ? [] : [`${who}: Secret ${name} has no ${key}`];
    if (cluster && name === `${cluster.metadata.name}-app`) return ['uri', 'username', 'password', 'host', 'port', 'dbname'].includes(key) ? [] : [`${who}: CloudNativePG writes no ${key} in ${name}`];
    if (kafka && name === `${kafka.metadata.name}-cluster-ca-cert`) return key === 'ca.crt' ? [] : [`${who}: Strimzi writes no ${key} in ${name}`];
    const user = named('KafkaUser', name);
    if (user?.metadata.labels?.['strimzi.io/cluster'] === kafka?.metadata.name && /^scram-sha-/.test(user?.spec.authentication?.type)) return key === 'password' ? [] : [`${who}: Strimzi writes no ${key} in the Secret of user ${name}`];
    const made = operatorSecrets.get(name);
    if (!made) return [`${who}: Secret ${name} (key ${key}) is neither in the manifests nor made by a command in the README`];
    return made.has(key) ? [] : [`${who}: the README makes Secret ${name} without ${key}`];
  };

  /** The Secret and key mounted at a path of a container, or why there is none. */
  const secretFileAt = (d: Doc, c: Doc, path: string): { name: string; key: string } | string => {
    const mount = (c.volumeMounts ?? []).find((m: Doc) => path.startsWith(`${m.mountPath.replace(/\/$/, '')}/`));
    const volume = mount && (d.spec.template.spec.volumes ?? []).find((v: Doc) => v.name === mount.name);
    if (!volume?.secret) return `${path} is not in a mounted Secret`;
    const file = path.slice(mount.mountPath.replace(/\/$/, '').length + 1);
    const items: Doc[] | undefined = volume.secret.items;
    const key = items ? items.find((i) => i.path === file)?.key : file;
    return key ? { name: volume.secret.secretName, key } : `${path}: the Secret ${volume.secret.secretName} is mounted without that file`;
  };

  /**
   * readConfig of a pod's environment. The files it names exist only in the pod: the password file
   * is taken as read and the certificate files as absent (the system's CAs); each is checked as a
   * mount of its Secret instead.
   */
  const configOf = (values: Record<string, string>) => {
    const env: Record<string, string> = { ...values };
    if (env.KAFKA_SASL_PASSWORD_FILE) {
      delete env.KAFKA_SASL_PASSWORD_FILE;
      env.KAFKA_SASL_PASSWORD = '(from the file)';
    }
    for (const name of ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE']) delete env[name];
    return readConfig(env);
  };

  /** Whether a KafkaUser's ACLs allow these operations on a resource. */
  const allows = (user: Doc, type: 'topic' | 'group', name: string, operations: string[]) =>
    operations.every((op) =>
      (user.spec.authorization?.acls ?? []).some(
        (acl: Doc) =>
          acl.resource?.type === type &&
          (acl.type ?? 'allow') === 'allow' &&
          (acl.resource.name === '*' || (acl.resource.patternType === 'prefix' ? name.startsWith(acl.resource.name) : acl.resource.name === name)) &&
          [acl.operations ?? acl.operation].flat().some((o: string) => o === op || o === 'All'),
      ),
    );

  it('has a Deployment, a Service and a PodDisruptionBudget for each of the six processes, and nothing else runs', () => {
    expect(deployments.map((d) => facts(d)?.name ?? `${d.metadata.name} (runs ${mainContainer(d).command?.join(' ')})`).sort()).toEqual(processes.map((p) => p.name).sort());
    const problems: string[] = [];
    for (const d of deployments) {
      const labels = d.spec.template.metadata.labels ?? {};
      const selects = (selector: Record<string, string> | undefined) => !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
      if (!selects(d.spec.selector?.matchLabels)) problems.push(`${d.metadata.name}: its selector does not match its pods`);
      const services = ofKind('Service').filter((s) => selects(s.spec.selector));
      if (services.length !== 1) problems.push(`${d.metadata.name}: ${services.length} Services select its pods`);
      const budgets = ofKind('PodDisruptionBudget').filter((b) => selects(b.spec.selector?.matchLabels));
      if (budgets.length !== 1) problems.push(`${d.metadata.name}: ${budgets.length} PodDisruptionBudgets`);
      for (const b of budgets) {
        const replicas = d.spec.replicas ?? 1;
        const blocks = b.spec.maxUnavailable !== undefined ? Number(b.spec.maxUnavailable) < 1 : Number(b.spec.minAvailable) >= replicas;
        if (blocks) problems.push(`${b.metadata.name}: with ${replicas} replicas no pod may ever be evicted`);
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(processes.map((p) => [p.name, p] as const))('%s: command, port, probes, variables, secrets, resources, stop and scraping as the code has them', (_name, p) => {
    const d = deployments.find((x) => facts(x) === p);
    if (!d) throw new Error(`no Deployment runs ${p.entry}`);
    const pod = d.spec.template.spec;
    const c = mainContainer(d);
    const problems: string[] = [];
    const port = (c.ports ?? []).find((x: Doc) => x.containerPort === p.port);
    if (!port) problems.push(`no containerPort ${p.port}`);
    const { values, from, problems: envProblems } = environment(c);
    problems.push(...envProblems);

    // probes on routes the process serves, on its port, liveness never on readiness
    const probe = (kind: string, path: string | undefined) => {
      const get = c[kind]?.httpGet;
      if (!get) return problems.push(`no ${kind}`);
      if (path && get.path !== path) problems.push(`${kind} on ${get.path}, not ${path}`);
      if (!p.routes.has(get.path)) problems.push(`${kind} on ${get.path}, which ${p.name} does not serve (${[...p.routes].filter((r) => r.startsWith('/health')).join(', ')})`);
      if (get.port !== p.port && get.port !== port?.name) problems.push(`${kind} on port ${get.port}, not ${p.port}`);
    };
    probe('readinessProbe', '/health/ready');
    probe('livenessProbe', '/health/live');
    probe('startupProbe', undefined);

    // the variables it reads, and the values the code will make of them
    for (const name of Object.keys(values)) if (!p.env.has(name) && !RUNTIME_ENV.has(name)) problems.push(`sets ${name}, which ${p.name} does not read`);
    for (const [name, source] of Object.entries(from)) {
      if (SECRET_NAME.test(name) && !source.secret) problems.push(`${name} does not come from a Secret`);
      if (source.secret) problems.push(...secretProblems(source.secret.name, source.secret.key, `${p.name} ${name}`));
    }
    if (Number(values.PORT ?? p.port) !== p.port) problems.push(`PORT ${values.PORT}, the code's ${p.port}`);
    if (values.HOST !== '0.0.0.0') problems.push(`HOST ${values.HOST}: the probes could not reach it`);
    if (p.kind === 'service') {
      const config = configOf(values);
      if (config.mode !== 'distributed') problems.push(`G2G_MODE ${values.G2G_MODE}: the service would start embedded`);
      if (!from.DATABASE_URL?.secret || from.DATABASE_URL.secret.name !== `${cluster?.metadata.name}-app` || from.DATABASE_URL.secret.key !== 'uri') problems.push('DATABASE_URL is not the uri CloudNativePG writes for the cluster');
      if (!from.G2G_OPERATOR_KEY?.secret) problems.push('G2G_OPERATOR_KEY not from a Secret: each pod would draw an operator key of its own');
      // the listener KAFKA_BROKERS names, spoken to as it wants: TLS, and the login of a user of the cluster
      const security = config.kafkaSecurity;
      for (const broker of config.kafkaBrokers) {
        const [host, listenerPort] = broker.split(':');
        const listener = (kafka?.spec.kafka.listeners ?? []).find((l: Doc) => l.port === Number(listenerPort) && l.type === 'internal');
        if (host !== `${kafka?.metadata.name}-kafka-bootstrap` || !listener) {
          problems.push(`KAFKA_BROKERS ${broker} is not the bootstrap of an internal listener of ${kafka?.metadata.name}`);
          continue;
        }
        if (listener.tls !== !!security.tls) problems.push(`KAFKA_SECURITY_PROTOCOL ${security.protocol} on a listener with tls: ${listener.tls}`);
        const login = listener.authentication?.type;
        if (login && login !== security.sasl?.mechanism) problems.push(`the listener wants ${login}, the service logs in with ${security.sasl?.mechanism ?? 'nothing'}`);
        if (!login && security.sasl) problems.push('the service logs in where the listener asks for no login');
      }
      if (security.tls) {
        const ca = values.KAFKA_SSL_CA_FILE ? secretFileAt(d, c, values.KAFKA_SSL_CA_FILE) : 'KAFKA_SSL_CA_FILE is not set: the cluster CA is not among the system\'s';
        if (typeof ca === 'string') problems.push(ca);
        else if (ca.name !== `${kafka?.metadata.name}-cluster-ca-cert`) problems.push(`KAFKA_SSL_CA_FILE from ${ca.name}, not the cluster CA ${kafka?.metadata.name}-cluster-ca-cert`);
      }
      if (security.sasl) {
        const user = named('KafkaUser', security.sasl.username);
        if (!user || user.metadata.labels?.['strimzi.io/cluster'] !== kafka?.metadata.name) problems.push(`KAFKA_SASL_USERNAME ${security.sasl.username} is no KafkaUser of ${kafka?.metadata.name}`);
        else {
          if (user.spec.authentication?.type !== security.sasl.mechanism) problems.push(`user ${user.metadata.name} has ${user.spec.authentication?.type}, the service logs in with ${security.sasl.mechanism}`);
          const password = values.KAFKA_SASL_PASSWORD_FILE ? secretFileAt(d, c, values.KAFKA_SASL_PASSWORD_FILE) : undefined;
          if (typeof password === 'string') problems.push(password);
          else if (password && (password.name !== user.metadata.name || password.key !== 'password')) problems.push(`KAFKA_SASL_PASSWORD_FILE from ${password.name}/${password.key}, not user ${user.metadata.name}'s password`);
          // with authorization on, the user may do all the transport does: create, check, read, write every topic; read its groups
          if (kafka?.spec.kafka.authorization) {
            for (const topic of topics.all) if (!allows(user, 'topic', config.kafkaNamespace + topic, ['Create', 'Describe', 'DescribeConfigs', 'Read', 'Write'])) problems.push(`user ${user.metadata.name} may not create, describe, read and write ${config.kafkaNamespace + topic}`);
            for (const group of consumerGroups.get(p.name) ?? []) if (!allows(user, 'group', config.kafkaNamespace + group, ['Describe', 'Read'])) problems.push(`user ${user.metadata.name} may not read consumer group ${config.kafkaNamespace + group}`);
          }
        }
      }
      for (const [name, value] of Object.entries(values)) {
        if (!name.endsWith('_FILE') || !value) continue;
        const file = secretFileAt(d, c, value);
        if (typeof file === 'string') problems.push(`${name}: ${file}`);
        else problems.push(...secretProblems(file.name, file.key, `${p.name} ${name}`));
      }
      // it starts once Strimzi made every topic, asking Kafka as the service would
      const wait = (pod.initContainers ?? []).find((i: Doc) => i.name === 'wait-for-topics');
      const mounted = (pod.volumes ?? []).find((v: Doc) => v.configMap?.name === 'g2g-kafka-topics');
      const mount = wait?.volumeMounts?.find((m: Doc) => m.name === mounted?.name);
      if (!wait || !mount || !wait.command?.slice(1).every((a: string) => a.startsWith(`${mount.mountPath}/`))) problems.push('no init container wait-for-topics that reads g2g-kafka-topics');
      else {
        const waits = environment(wait).values;
        const kafkaSettings = (env: Record<string, string>, container: Doc) =>
          Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('KAFKA_')).map(([k, v]) => [k, k.endsWith('_FILE') ? secretFileAt(d, container, v) : v]));
        expect([p.name, 'wait-for-topics', kafkaSettings(waits, wait)]).toEqual([p.name, 'wait-for-topics', kafkaSettings(values, c)]);
      }
    } else {
      for (const service of SERVICES) {
        const target = deployments.find((x) => facts(x)?.name === service);
        const svc = ofKind('Service').find((s) => target && Object.entries(s.spec.selector ?? {}).every(([k, v]) => target.spec.template.metadata.labels?.[k] === v));
        const wanted = svc ? `http://${svc.metadata.name}:${svc.spec.ports[0].port}` : '(no Service)';
        const url = serviceUrl(service, values);
        if (url !== wanted) problems.push(`reaches ${service} at ${url}, not its Service ${wanted}`);
      }
      if ((d.spec.replicas ?? 1) > 1 && !from.G2G_CONSOLE_SECRET?.secret) problems.push('several replicas without one G2G_CONSOLE_SECRET from a Secret: a session sealed by one is refused by the others');
    }
    // every container of the platform runs the one image
    for (const other of containersOf(d)) if (other.image !== c.image) problems.push(`${other.name} runs ${other.image}, not ${c.image}`);

    // memory from docs/performance.md
    const request = mebibytes(c.resources?.requests?.memory);
    const limit = mebibytes(c.resources?.limits?.memory);
    if (!(request > 0 && limit >= request)) problems.push(`memory request ${c.resources?.requests?.memory}, limit ${c.resources?.limits?.memory}`);
    if (memory.current.has(p.name) && !(request >= memory.current.get(p.name)!)) problems.push(`memory request ${request} MiB, below the ${memory.current.get(p.name)} MB measured (docs/performance.md)`);
    if (memory.highest.has(p.name) && !(limit >= memory.highest.get(p.name)!)) problems.push(`memory limit ${limit} MiB, below the ${memory.highest.get(p.name)} MB measured at the most (docs/performance.md)`);
    if (p.kind === 'service' && !memory.current.has(p.name)) problems.push('docs/performance.md has no figure for it');
    const heap = /--max-old-space-size=(\d+)/.exec(values.NODE_OPTIONS ?? '');
    if (heap && !(Number(heap[1]) < limit)) problems.push(`a V8 heap of ${heap[1]} MB in a ${limit} MiB limit: the kernel kills before V8 collects`);

    // the stop: the preStop pause, then the process's own stop
    const grace = pod.terminationGracePeriodSeconds ?? 30;
    const needed = preStopSeconds(c) + shutdownSeconds(p, p.kind === 'service' ? configOf(values) : null);
    if (!(grace > needed || (needed > 0 && grace === needed))) problems.push(`terminationGracePeriodSeconds ${grace}, the stop may take ${needed} s`);

    const annotations = d.spec.template.metadata.annotations ?? {};
    if (annotations['prometheus.io/scrape'] !== 'true') problems.push('pods not marked for scraping');
    if (Number(annotations['prometheus.io/port']) !== p.port) problems.push(`scraped on port ${annotations['prometheus.io/port']}, not ${p.port}`);
    if (!p.routes.has(annotations['prometheus.io/path'])) problems.push(`scraped on ${annotations['prometheus.io/path']}, which ${p.name} does not serve`);
    expect(problems).toEqual([]);
  });

  it('has a Kafka in KRaft mode with a node pool, at the version of deploy/kafka and docs/adr/0005', () => {
    const problems: string[] = [];
    if (ofKind('Kafka').length !== 1) throw new Error(`${ofKind('Kafka').length} Kafka resources`);
    const version = kafkaVersion();
    if (kafka.spec.kafka.version !== version.script || version.script !== version.adr) problems.push(`Kafka ${kafka.spec.kafka.version}, deploy/kafka/kafka.sh ${version.script}, docs/adr/0005 ${version.adr}`);
    for (const a of ['strimzi.io/kraft', 'strimzi.io/node-pools']) if (kafka.metadata.annotations?.[a] !== 'enabled') problems.push(`no ${a}: enabled`);
    if (kafka.spec.zookeeper) problems.push('ZooKeeper');
    const pools = ofKind('KafkaNodePool').filter((n) => n.metadata.labels?.['strimzi.io/cluster'] === kafka.metadata.name);
    if (pools.length === 0) problems.push('no KafkaNodePool of the cluster');
    const count = (role: string) => pools.filter((n) => n.spec.roles?.includes(role)).reduce((sum, n) => sum + n.spec.replicas, 0);
    if (count('controller') === 0 || count('broker') === 0) problems.push('no controllers or no brokers');
    const config = kafka.spec.kafka.config ?? {};
    for (const [rf, isr] of [['default.replication.factor', 'min.insync.replicas'], ['transaction.state.log.replication.factor', 'transaction.state.log.min.isr'], ['offsets.topic.replication.factor', undefined]] as const) {
      if (Number(config[rf]) > count('broker')) problems.push(`${rf} ${config[rf]} on ${count('broker')} brokers`);
      if (isr && Number(config[isr]) >= Number(config[rf]) && Number(config[rf]) > 1) problems.push(`${isr} ${config[isr]} with ${rf} ${config[rf]}: no broker may be down`);
    }
    if (!kafka.spec.entityOperator?.topicOperator) problems.push('no topic operator to make the KafkaTopics');
    expect(problems).toEqual([]);
  });

  it('has a KafkaTopic for every topic the platform uses, and for no other, made as the transport would make it', async () => {
    const made = await topicAsTheTransportMakesIt();
    const prefix = configOf(environment(mainContainer(deployments.find((d) => facts(d)?.kind === 'service')!)).values).kafkaNamespace;
    const expected = [...topics.all].map((t) => prefix + t).sort();
    const kafkaTopics = ofKind('KafkaTopic');
    const nameOf = (t: Doc) => t.spec.topicName ?? t.metadata.name;
    expect(kafkaTopics.map(nameOf).sort()).toEqual(expected);
    const waiting = named('ConfigMap', 'g2g-kafka-topics')?.data ?? {};
    const listed = String(waiting.topics ?? '').split(/\s+/).filter(Boolean).sort();
    expect(listed).toEqual(expected);
    // the wait reads the Kafka variables with the services' own code, from the image's dist/
    for (const m of String(waiting['wait-for-topics.js'] ?? '').matchAll(/const \{([^}]*)\} = require\(join\(process\.cwd\(\), '(dist\/[^']+)\.js'\)\)/g)) {
      const source = m[2].replace(/^dist\//, '');
      expect([source, existsSync(join(root, `${source}.ts`))]).toEqual([source, true]);
      const exported = require(join(root, source)) as Record<string, unknown>;
      for (const name of m[1].split(',').map((n) => n.trim())) expect([source, name, typeof exported[name]]).toEqual([source, name, 'function']);
    }

    const problems: string[] = [];
    const brokers = ofKind('KafkaNodePool').filter((n) => n.spec.roles?.includes('broker')).reduce((sum, n) => sum + n.spec.replicas, 0);
    const reference = new Set<string>(referenceDataTopics.map((t) => prefix + t));
    for (const t of kafkaTopics) {
      const name = nameOf(t);
      const config = t.spec.config ?? {};
      if (t.metadata.labels?.['strimzi.io/cluster'] !== kafka?.metadata.name) problems.push(`${name}: not of the cluster ${kafka?.metadata.name}`);
      if (t.spec.partitions !== made.numPartitions) problems.push(`${name}: ${t.spec.partitions} partitions, the transport makes ${made.numPartitions}`);
      for (const [key, value] of Object.entries(made.config)) if (String(config[key]) !== value) problems.push(`${name}: ${key} ${config[key]}, the transport sets ${value}`);
      const replicas = Number(t.spec.replicas);
      const isr = Number(config['min.insync.replicas']);
      if (!(replicas >= 1 && replicas <= brokers)) problems.push(`${name}: ${t.spec.replicas} replicas on ${brokers} brokers`);
      if (!(isr >= 1 && isr <= replicas)) problems.push(`${name}: min.insync.replicas ${config['min.insync.replicas']} with ${replicas} replicas`);
      else if (replicas > 1 && isr === replicas) problems.push(`${name}: min.insync.replicas equal to its replicas: a producer with acks=all stops while one broker is down`);
      if (replicas > 1 && isr < 2) problems.push(`${name}: min.insync.replicas ${isr}: an acknowledged message may live on one broker only`);
      if (reference.has(name) && (String(config['retention.ms']) !== '-1' || String(config['cleanup.policy'] ?? 'delete').includes('compact'))) problems.push(`${name}: reference data must be kept whole (retention.ms -1, not compacted): a consumer that starts later reads it from the beginning`);
    }
    expect(problems).toEqual([]);
  });

  it('has a CloudNativePG cluster with a scheduled backup, with connections for every pod', () => {
    const problems: string[] = [];
    if (ofKind('Cluster').length !== 1) throw new Error(`${ofKind('Cluster').length} CloudNativePG clusters`);
    const instances = cluster.spec.instances;
    const sync = cluster.spec.postgresql?.synchronous;
    if (sync && !(sync.number < instances)) problems.push(`synchronous replication to ${sync.number} standbys of ${instances - 1}`);
    if (!cluster.spec.bootstrap?.initdb?.database) problems.push('no database named: the uri would name the default app');
    const backups = ofKind('ScheduledBackup').filter((b) => b.spec.cluster?.name === cluster.metadata.name);
    if (backups.length === 0) problems.push('no ScheduledBackup of the cluster');
    for (const b of backups) {
      if (String(b.spec.schedule).trim().split(/\s+/).length !== 6) problems.push(`${b.metadata.name}: schedule "${b.spec.schedule}" (CloudNativePG's has six fields, seconds first)`);
      if (b.spec.method === 'plugin') {
        const plugin = (cluster.spec.plugins ?? []).find((x: Doc) => x.name === b.spec.pluginConfiguration?.name);
        if (!plugin) problems.push(`${b.metadata.name}: plugin ${b.spec.pluginConfiguration?.name}, which the cluster does not use`);
        const store = plugin?.parameters?.barmanObjectName;
        const objectStore = named('ObjectStore', store);
        if (!objectStore) problems.push(`no ObjectStore ${store}`);
        for (const ref of Object.values((objectStore?.spec.configuration.s3Credentials ?? {}) as Record<string, { name: string; key: string }>)) problems.push(...secretProblems(ref.name, ref.key, `ObjectStore ${store}`));
      } else if (b.spec.method !== 'volumeSnapshot' && !cluster.spec.backup) problems.push(`${b.metadata.name}: method ${b.spec.method} and no backup configured on the cluster`);
    }
    // every pod of every service at once: during a rollout of all of them, one more pod each
    const parameters = cluster.spec.postgresql?.parameters ?? {};
    const available = Number(parameters.max_connections ?? 100) - Number(parameters.superuser_reserved_connections ?? 3);
    const pods = deployments.filter((d) => facts(d)?.kind === 'service').reduce((sum, d) => {
      const replicas = d.spec.replicas ?? 1;
      const surge = String(d.spec.strategy?.rollingUpdate?.maxSurge ?? '25%');
      return sum + replicas + (surge.endsWith('%') ? Math.ceil((replicas * Number(surge.slice(0, -1))) / 100) : Number(surge));
    }, 0);
    if (pods * connectionsPerProcess() > available) problems.push(`${pods} service pods may open ${pods * connectionsPerProcess()} connections; max_connections leaves ${available}`);
    expect(problems).toEqual([]);
  });
});
