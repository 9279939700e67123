import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './args';

/** Where the client sends each kind of request. */
export type Service = 'intake' | 'underwriting' | 'cession' | 'compensation' | 'reporting';

/** Every service, in the order a batch goes through them. */
export const SERVICES: readonly Service[] = ['intake', 'underwriting', 'cession', 'compensation', 'reporting'];

export const DEFAULT_URL = 'http://127.0.0.1:8080';

const SERVICE_URL_VARIABLES: Readonly<Record<Service, string>> = {
  intake: 'G2G_INTAKE_URL',
  underwriting: 'G2G_UNDERWRITING_URL',
  cession: 'G2G_CESSION_URL',
  compensation: 'G2G_COMPENSATION_URL',
  reporting: 'G2G_REPORTING_URL',
};

/**
 * The base URL of a service: `--url` when given (it names the one server to talk to), else the
 * service's own variable (distributed mode), else G2G_URL, else the embedded platform's address.
 */
export function serviceUrl(service: Service, env: NodeJS.ProcessEnv, urlFlag?: string): string {
  const url = urlFlag || env[SERVICE_URL_VARIABLES[service]] || env.G2G_URL || DEFAULT_URL;
  if (!/^https?:\/\/[^/]/.test(url)) throw new UsageError(`not an http(s) URL: ${url}`);
  return url.replace(/\/+$/, '');
}

/**
 * The credentials file: `{ "ICBC": "g2g_...", ... }`. G2G_CREDENTIALS when set; else one file per
 * platform, named after the address of the service that issues the keys (underwriting), so that the
 * keys of a distributed platform never replace those of the embedded one: `.g2g/credentials.json`
 * for the embedded platform's default address, `.g2g/credentials/HOST_PORT.json` for any other.
 */
export function credentialsPath(env: NodeJS.ProcessEnv, cwd: string, urlFlag?: string): string {
  if (env.G2G_CREDENTIALS) return resolve(cwd, env.G2G_CREDENTIALS);
  const issuer = new URL(serviceUrl('underwriting', env, urlFlag));
  if (issuer.href === new URL(DEFAULT_URL).href) return resolve(cwd, '.g2g/credentials.json');
  return resolve(cwd, '.g2g/credentials', `${issuer.host.replace(/[^A-Za-z0-9.-]/g, '_')}.json`);
}

export function operatorKeyPath(env: NodeJS.ProcessEnv, cwd: string): string {
  return resolve(cwd, env.G2G_OPERATOR_KEY_FILE || '.g2g/operator-key');
}

export function readCredentials(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return {};
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${path} must hold an object of participant code -> key`);
  const result: Record<string, string> = {};
  for (const [code, key] of Object.entries(parsed)) if (typeof key === 'string') result[code] = key;
  return result;
}

/** Adds or replaces keys in the credentials file (written whole, readable by its owner only). */
export function saveCredentials(path: string, keys: Readonly<Record<string, string>>): void {
  const merged = { ...readCredentials(path), ...keys };
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(merged, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
  chmodSync(path, 0o600);
}

function readOperatorKey(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (env.G2G_OPERATOR_KEY) return env.G2G_OPERATOR_KEY;
  try {
    return readFileSync(operatorKeyPath(env, cwd), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Whose key a command uses when the caller names none. */
export type KeyDefault =
  | { kind: 'operator' }
  | { kind: 'participant'; code: string }
  | { kind: 'participant-or-operator'; code: string }
  /** the caller must say who it is (a feed is its reader's own): the hint explains how */
  | { kind: 'caller'; hint: string };

export interface KeySources {
  keyFlag?: string;
  asFlag?: string;
  /** --url: the one server the command talks to (it names the credentials file too) */
  urlFlag?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/**
 * The API key: `--key`, else `--as CODE` (from the credentials file), else G2G_API_KEY, else the
 * command's default: the operator key (G2G_OPERATOR_KEY or .g2g/operator-key) for operator
 * commands, the named participant's saved key for bank commands.
 */
export function resolveKey(sources: KeySources, fallback: KeyDefault): string {
  const { keyFlag, asFlag, urlFlag, env, cwd } = sources;
  if (keyFlag) return keyFlag;
  const credentials = () => credentialsPath(env, cwd, urlFlag);
  if (asFlag) {
    const key = readCredentials(credentials())[asFlag];
    if (!key) throw new UsageError(`no key for ${asFlag} in ${credentials()} (issue one with: g2g keys issue ${asFlag} --save)`);
    return key;
  }
  if (env.G2G_API_KEY) return env.G2G_API_KEY;
  if (fallback.kind === 'caller') throw new UsageError(fallback.hint);
  if (fallback.kind !== 'operator') {
    const key = readCredentials(credentials())[fallback.code];
    if (key) return key;
    if (fallback.kind === 'participant') {
      throw new UsageError(`no API key for ${fallback.code}: pass --key KEY, --as CODE or set G2G_API_KEY (or save one with: g2g keys issue ${fallback.code} --save)`);
    }
  }
  const operator = readOperatorKey(env, cwd);
  if (operator) return operator;
  throw new UsageError(`no operator key: set G2G_OPERATOR_KEY or run from the directory holding .g2g/operator-key (${operatorKeyPath(env, cwd)}), or pass --key`);
}
