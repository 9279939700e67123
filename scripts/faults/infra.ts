import { spawn } from 'node:child_process';
import { chownSync, chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { sleep } from '../bench/http';
import { ToolError } from './errors';

/**
 * The campaign's own PostgreSQL cluster and Kafka broker, on free ports, in folders of their own:
 * restarting them disturbs nothing else on the machine (the shared server on 5432 and broker on
 * 9092 are never touched). Every command runs asynchronously: the upload streams meanwhile.
 */

export interface CommandResult {
  code: number | null;
  output: string;
}

/** Runs a command to its end; its output is kept (not printed). `detached`: its own session, away from Ctrl-C. */
export function runCommand(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; detached?: boolean; timeoutMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached ?? false });
    let output = '';
    child.stdout.on('data', (d) => (output = (output + d).slice(-20_000)));
    child.stderr.on('data', (d) => (output = (output + d).slice(-20_000)));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new ToolError(`${command}: ${error.message}`));
    });
    // 'exit', not 'close': a daemon it starts may keep the pipes open
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** A TCP port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Ports the shared services use: a private one must never be one of them. */
const SHARED_PORTS = new Set([5432, 9092, 9093]);

async function privatePort(taken: number[] = []): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (!SHARED_PORTS.has(port) && !taken.includes(port)) return port;
  }
}

/** Whether a process runs, and its command line (NUL-separated arguments joined by spaces). */
function cmdlineOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return null;
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const stat = (() => {
      try {
        return readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        return null;
      }
    })();
    // gone, or a zombie waiting for its parent (it holds no port nor file any more)
    if (stat === null || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return true;
    await sleep(100);
  }
  return false;
}

/** The newest installed PostgreSQL server binaries (Debian's layout), unless given. */
export function postgresBinaries(given?: string): string {
  if (given) return given;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new ToolError(`no PostgreSQL server binaries under ${base} (give --pg-bin DIR)`);
  return join(base, versions[0], 'bin');
}

/**
 * A PostgreSQL cluster of the campaign's own: initdb into a temp folder, pg_ctl start on a free
 * port, crash (pg_ctl stop -m immediate: no checkpoint, crash recovery at the next start), start
 * again, destroy. initdb and postgres refuse to run as root: as root, the folder belongs to
 * `postgres` and every command runs through `runuser -u postgres`.
 */
export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly bin: string,
    readonly port: number,
    readonly version: string,
  ) {}

  get logFile(): string {
    return join(this.dir, 'postgres.log');
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  static async create(dir: string, bin: string): Promise<PrivatePostgres> {
    mkdirSync(dir, { recursive: true });
    if (process.getuid?.() === 0) {
      const id = await runCommand('id', ['-u', 'postgres']);
      const gid = await runCommand('id', ['-g', 'postgres']);
      if (id.code !== 0) throw new ToolError('running as root, but there is no `postgres` user to run the private PostgreSQL as');
      chownSync(dir, Number(id.output.trim()), Number(gid.output.trim()));
    }
    chmodSync(dir, 0o700);
    const port = await privatePort();
    const init = await asPostgresUser(join(bin, 'initdb'), ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
    if (init.code !== 0) throw new ToolError(`initdb failed (${init.code}): ${init.output.slice(-2000)}`);
    const version = await runCommand(join(bin, 'postgres'), ['--version']);
    return new PrivatePostgres(dir, bin, port, version.output.trim().replace(/^postgres \(PostgreSQL\) /, ''));
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=300`;
    const r = await asPostgresUser(join(this.bin, 'pg_ctl'), ['-D', this.dataDir, '-o', options, '-l', this.logFile, '-w', '-t', '120', 'start'], true);
    if (r.code !== 0) throw new ToolError(`pg_ctl start failed (${r.code}): ${r.output.slice(-1000)}; log: ${this.logFile}`);
    await this.waitAccepting(60_000);
  }

  /** A crash: immediate shutdown, no checkpoint; the next start runs crash recovery. */
  async crash(): Promise<void> {
    const r = await asPostgresUser(join(this.bin, 'pg_ctl'), ['-D', this.dataDir, '-m', 'immediate', '-w', '-t', '60', 'stop']);
    if (r.code !== 0) throw new ToolError(`pg_ctl stop -m immediate failed (${r.code}): ${r.output.slice(-1000)}`);
  }

  /** The postmaster's pid, when it runs. */
  postmasterPid(): number | null {
    try {
      const pid = Number(readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isSafeInteger(pid) && pid > 0 && cmdlineOf(pid) !== null ? pid : null;
    } catch {
      return null;
    }
  }

  async destroy(): Promise<void> {
    if (this.postmasterPid() !== null) {
      await asPostgresUser(join(this.bin, 'pg_ctl'), ['-D', this.dataDir, '-m', 'immediate', '-w', '-t', '30', 'stop']).catch(() => undefined);
      const pid = this.postmasterPid();
      if (pid !== null) {
        process.kill(pid, 'SIGKILL');
        await waitGone(pid, 10_000);
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitAccepting(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const client = new Client({ connectionString: this.url('postgres') });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('select 1');
        await client.end();
        return;
      } catch (error) {
        await client.end().catch(() => undefined);
        if (Date.now() > deadline) throw new ToolError(`PostgreSQL on port ${this.port} does not accept connections: ${(error as Error).message}`);
        await sleep(200);
      }
    }
  }

}

/** initdb, pg_ctl and postgres refuse to run as root: as root, they run as `postgres`. */
function asPostgresUser(command: string, args: string[], detached = false): Promise<CommandResult> {
  const asRoot = process.getuid?.() === 0;
  return asRoot ? runCommand('runuser', ['-u', 'postgres', '--', command, ...args], { detached }) : runCommand(command, args, { detached });
}

/**
 * A Kafka broker of the campaign's own, run by deploy/kafka/kafka.sh from the same jars as the
 * shared one, with its own data and run folders and ports. A crash is a SIGKILL of the JVM; a start
 * after it reuses the same data folder and ports.
 */
export class PrivateKafka {
  private constructor(
    private readonly root: string,
    readonly dir: string,
    readonly port: number,
    readonly controllerPort: number,
  ) {}

  static async create(root: string, dir: string): Promise<PrivateKafka> {
    mkdirSync(dir, { recursive: true });
    const port = await privatePort();
    return new PrivateKafka(root, dir, port, await privatePort([port]));
  }

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  get logFile(): string {
    return join(this.dir, 'run', 'kafka.log');
  }

  private get env(): NodeJS.ProcessEnv {
    return {
      KAFKA_DATA_DIR: join(this.dir, 'data'),
      KAFKA_RUN_DIR: join(this.dir, 'run'),
      KAFKA_PORT: String(this.port),
      KAFKA_CONTROLLER_PORT: String(this.controllerPort),
    };
  }

  /** Starts the broker (formatting its storage the first time) and waits until it serves. */
  async start(): Promise<void> {
    const r = await runCommand('bash', [join(this.root, 'deploy/kafka/kafka.sh'), 'start'], { env: this.env, timeoutMs: 180_000 });
    if (r.code !== 0) throw new ToolError(`kafka.sh start (port ${this.port}) failed (${r.code}): ${r.output.slice(-1500)}`);
  }

  /** The broker's pid, only when the process is alive and is this broker (its own server.properties). */
  pid(): number | null {
    try {
      const pid = Number(readFileSync(join(this.dir, 'run', 'kafka.pid'), 'utf8').trim());
      const cmdline = cmdlineOf(pid);
      return cmdline !== null && cmdline.includes('kafka.Kafka') && cmdline.includes(join(this.dir, 'run', 'server.properties')) ? pid : null;
    } catch {
      return null;
    }
  }

  /** SIGKILL: no clean shutdown, the next start recovers its logs. */
  async crash(): Promise<number> {
    const pid = this.pid();
    if (pid === null) throw new ToolError('the private Kafka broker is not running: nothing to kill');
    process.kill(pid, 'SIGKILL');
    if (!(await waitGone(pid, 30_000))) throw new ToolError(`the private Kafka broker (pid ${pid}) is still there 30 s after SIGKILL`);
    return pid;
  }

  async destroy(): Promise<void> {
    const pid = this.pid();
    if (pid !== null) {
      process.kill(pid, 'SIGKILL');
      await waitGone(pid, 30_000);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Pids of the children of this process whose command line contains `marker`. */
function childrenRunning(marker: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === process.pid && (cmdlineOf(pid) ?? '').includes(marker)) found.push(pid);
  }
  return found;
}

/**
 * Kills (SIGKILL) the children of this process whose command line contains `marker` (e.g. the
 * path of the run's build copy), except `keep`: a service whose start timed out is left running by
 * the process helper. Only processes this process started are considered, each by its pid.
 */
export async function killStrayChildren(marker: string, keep: number[] = []): Promise<number[]> {
  const killed: number[] = [];
  for (const pid of childrenRunning(marker)) {
    if (keep.includes(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // already gone
    }
  }
  for (const pid of killed) await waitGone(pid, 10_000);
  return killed;
}
