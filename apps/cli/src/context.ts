import { Options } from './args';
import { KeyDefault, Service, resolveKey, serviceUrl } from './config';
import { ApiClient, FetchLike } from './http';

/** The outside world as a command sees it: streams, environment, network, clock. */
export interface Io {
  /** standard output; resolves once the text is accepted (backpressure) */
  out(text: string): Promise<void>;
  /** standard error */
  err(text: string): void;
  /** standard error is a terminal: progress bars are drawn */
  errIsTty: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  fetch?: FetchLike;
  sleep(ms: number): Promise<void>;
}

/** Flags every command accepts. */
export const GLOBAL_FLAGS = ['url', 'key', 'as', 'json', 'help'] as const;

export class Context {
  constructor(
    readonly io: Io,
    readonly opts: Options,
  ) {}

  get json(): boolean {
    return this.opts.switch('json');
  }

  /** A client for a service, authenticated with the key the flags, environment or defaults name. */
  client(service: Service, keyDefault: KeyDefault): ApiClient {
    const { env, cwd } = this.io;
    const key = resolveKey({ keyFlag: this.opts.string('key'), asFlag: this.opts.string('as'), urlFlag: this.opts.string('url'), env, cwd }, keyDefault);
    return new ApiClient(serviceUrl(service, env, this.opts.string('url')), key, this.io.fetch);
  }

  /** Prints a value as JSON (machine output). */
  printJson(value: unknown): Promise<void> {
    return this.io.out(`${JSON.stringify(value, null, 2)}\n`);
  }

  print(text: string): Promise<void> {
    return this.io.out(text.endsWith('\n') ? text : `${text}\n`);
  }
}

/** A command of the client. */
export interface Command {
  /** the words that name it, e.g. "batch submit" */
  name: string;
  summary: string;
  /** full help: usage line, description, options */
  help: string;
  /** its own flags, besides the global ones */
  flags: readonly string[];
  /** exit code (0 when omitted) */
  run(ctx: Context): Promise<number | void>;
}
