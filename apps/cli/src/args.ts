/**
 * Hand-written argv parsing, small on purpose: words, `--flag value`, `--flag=value` and boolean
 * switches. Which flags are switches is known up front (they never take a value), so the words
 * naming the command can come before or after the flags.
 */

import { isValidDate } from '@g2g/domain';

/** Flags that never take a value, across every command. */
export const SWITCHES: ReadonlySet<string> = new Set(['json', 'help', 'save', 'no-wait', 'all', 'verify', 'figures-only']);

export interface ParsedArgs {
  /** words that are not flags or flag values, in order */
  words: string[];
  /** value flags by name (last one wins); switches as 'true' */
  flags: Map<string, string>;
}

/** A mistake in how the command was called: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseArgs(argv: readonly string[], switches: ReadonlySet<string> = SWITCHES): ParsedArgs {
  const words: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h') {
      flags.set('help', 'true');
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') {
      if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) throw new UsageError(`unknown option ${arg} (options are spelled --name)`);
      words.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new UsageError(`malformed option ${arg}`);
    if (switches.has(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags.set(name, 'true');
      continue;
    }
    if (eq >= 0) {
      flags.set(name, arg.slice(eq + 1));
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
    i++;
  }
  return { words, flags };
}

/** The flags a command accepts, and readers that check them. */
export class Options {
  constructor(
    private readonly flags: ReadonlyMap<string, string>,
    readonly words: readonly string[],
  ) {}

  /** Throws on any flag not in `allowed`. */
  only(allowed: readonly string[]): this {
    for (const name of this.flags.keys()) {
      if (!allowed.includes(name)) throw new UsageError(`unknown option --${name}`);
    }
    return this;
  }

  has(name: string): boolean {
    return this.flags.has(name);
  }

  string(name: string): string | undefined {
    return this.flags.get(name);
  }

  required(name: string): string {
    const value = this.flags.get(name);
    if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
    return value;
  }

  switch(name: string): boolean {
    return this.flags.get(name) === 'true';
  }

  /** A whole number, checked against a minimum. */
  integer(name: string, options: { min?: number; fallback?: number } = {}): number | undefined {
    const text = this.flags.get(name);
    if (text === undefined) return options.fallback;
    if (!/^-?\d+$/.test(text)) throw new UsageError(`--${name} must be a whole number, not ${JSON.stringify(text)}`);
    const value = Number(text);
    if (!Number.isSafeInteger(value)) throw new UsageError(`--${name} is too large`);
    if (options.min !== undefined && value < options.min) throw new UsageError(`--${name} must be at least ${options.min}`);
    return value;
  }

  /** A calendar date YYYY-MM-DD (shape only; the server judges the calendar). */
  date(name: string, required: true): string;
  date(name: string, required?: false): string | undefined;
  date(name: string, required = false): string | undefined {
    const text = required ? this.required(name) : this.flags.get(name);
    if (text !== undefined && !isValidDate(text)) throw new UsageError(`--${name} must be a date YYYY-MM-DD, not ${JSON.stringify(text)}`);
    return text;
  }

  /** One of a fixed set of values. */
  choice<T extends string>(name: string, choices: readonly T[]): T | undefined {
    const text = this.flags.get(name);
    if (text === undefined) return undefined;
    if (!(choices as readonly string[]).includes(text)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, not ${JSON.stringify(text)}`);
    return text as T;
  }

  /** Exactly `count` words after the command's name. */
  positionals(count: number, names: string): string[] {
    if (this.words.length !== count) {
      throw new UsageError(this.words.length < count ? `missing ${names}` : `unexpected argument ${JSON.stringify(this.words[count])}`);
    }
    return [...this.words];
  }
}
