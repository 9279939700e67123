// A smoke run of the built embedded platform on the Node that runs this file: start it on a fresh
// data directory and a free port, ask for readiness and metrics, stop it with SIGTERM. It runs the
// compiled dist/, so it needs `npm run build` first. Plain JavaScript, so that any Node runs it as
// it is (scripts/node22.sh runs it on Node 22; docs/adr/0016-runtime-policy.md):
//
//   node scripts/smoke-embedded.mjs
//
// Logs are asked for as JSON (pino) and traces as OTLP/HTTP to a receiver in this script, so that
// the dependencies whose releases follow the Node lines (pino, OpenTelemetry) do real work too.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'dist/apps/embedded/src/main.js');
// A fresh data directory on a loaded machine takes a while to initialise (PGlite, then every
// service's migrations); a healthy start on two cores is under ten seconds.
const READY_WITHIN_MS = 60_000;
const EXIT_WITHIN_MS = 10_000;

const started = Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const say = (line) => console.log(`smoke (node ${process.version}): ${line}`);

if (!existsSync(main)) {
  console.error(`smoke: ${main} is missing: run npm run build first`);
  process.exit(1);
}

// The OTLP receiver: keeps what the platform exports, answers as a collector would.
const exported = [];
const receiver = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    exported.push(Buffer.concat(chunks));
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));

const dir = mkdtempSync(join(tmpdir(), 'g2g-smoke-'));
const traceId = randomBytes(16).toString('hex');
const env = { ...process.env };
// Settings of the caller's own platform must not leak in: this run keeps everything in its dir.
for (const name of Object.keys(env)) if (/^(G2G_|OTEL_|LOG_|KAFKA_|DATABASE_URL$|PORT$|HOST$)/.test(name)) delete env[name];
Object.assign(env, {
  G2G_MODE: 'embedded',
  G2G_DATA_DIR: join(dir, 'data'),
  G2G_INBOX_DIR: '',
  G2G_OPERATOR_KEY_FILE: join(dir, 'operator-key'),
  G2G_CONSOLE_SECRET: randomBytes(32).toString('hex'),
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_FORMAT: 'json',
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${receiver.address().port}/v1/traces`,
  OTEL_BSP_SCHEDULE_DELAY: '200',
});

const output = [];
// fork runs it on this very Node (process.execPath), which is the point of the run.
const child = fork(main, [], { cwd: root, env, execArgv: [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
child.stdout.on('data', (c) => output.push(c));
child.stderr.on('data', (c) => output.push(c));
const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));

const problems = [];
let wasReady = false;
try {
  const url = await new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within ${READY_WITHIN_MS / 1000} s`)), READY_WITHIN_MS);
    child.on('message', (m) => {
      if (m && typeof m.ready === 'string') {
        clearTimeout(timer);
        resolveReady(m.ready);
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`exited before it was ready (code ${code}, signal ${signal})`));
    });
  });
  wasReady = true;
  say(`ready on ${url} after ${seconds()}`);

  const ready = await fetch(`${url}/health/ready`, { headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } });
  const readyBody = await ready.text();
  if (ready.status !== 200) problems.push(`GET /health/ready: ${ready.status} ${readyBody}`);
  const metrics = await fetch(`${url}/metrics`);
  const metricsBody = await metrics.text();
  if (metrics.status !== 200) problems.push(`GET /metrics: ${metrics.status}`);
  else if (!metricsBody.includes('# TYPE ')) problems.push('GET /metrics: no metric in the answer');
  say(`GET /health/ready ${ready.status}, GET /metrics ${metrics.status} (${metricsBody.split('\n').length} lines)`);
} catch (error) {
  problems.push(error.message);
}

// A platform that is gone already has said why above; one that is running must stop cleanly.
if (child.exitCode === null && child.signalCode === null) {
  const stopAsked = Date.now();
  child.kill('SIGTERM');
  const timeout = new Promise((r) => setTimeout(() => r(undefined), EXIT_WITHIN_MS).unref());
  const exit = await Promise.race([exited, timeout]);
  if (!exit) {
    problems.push(`still running ${EXIT_WITHIN_MS / 1000} s after SIGTERM`);
    child.kill('SIGKILL');
    await exited;
  } else if (exit.code !== 0) problems.push(`exit code ${exit.code}${exit.signal ? `, signal ${exit.signal}` : ''} after SIGTERM`);
  else say(`stopped with exit code 0, ${Date.now() - stopAsked} ms after SIGTERM`);
}
receiver.close();

const log = Buffer.concat(output).toString('utf8');
const lines = log.split('\n').filter(Boolean).map((l) => { try { return JSON.parse(l); } catch { return undefined; } });
if (wasReady && !lines.some((l) => l && /ready \(embedded\) on /.test(l.msg))) problems.push('no JSON log line "ready (embedded) on ..." from the logger');
// The exporter's shutdown sends what is left, so the span of the request above has arrived by now.
if (wasReady && !exported.some((body) => body.includes(traceId) || body.toString('hex').includes(traceId))) problems.push(`no span of trace ${traceId} exported over OTLP`);

rmSync(dir, { recursive: true, force: true });
if (problems.length > 0) {
  console.error(log);
  for (const p of problems) console.error(`smoke (node ${process.version}): FAILED: ${p}`);
  process.exit(1);
}
say(`passed in ${seconds()} (JSON logs, ${exported.length} OTLP export${exported.length === 1 ? '' : 's'})`);
