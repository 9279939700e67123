import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The correlation ids of the work under way (`batch`, `message_id`, `consumer`, ...), which every
 * log line written meanwhile carries as fields, beside the trace and span ids. Identifiers of
 * batches and messages only: never a borrower's identifier or name.
 */
export type LogFields = Record<string, string | number>;

const fields = new AsyncLocalStorage<LogFields>();

/**
 * Off until a logger that writes the fields asks for them (the JSON logs): once a store of an
 * AsyncLocalStorage is entered, Node 20 runs its promise hooks on every promise of the process,
 * a cost the text logs, which show no fields, need not pay.
 */
let kept = false;
export function keepLogFields(on: boolean): void {
  kept = on;
}

/** Runs `fn` with `more` added to the log fields of the work under way. */
export function withLogFields<T>(more: LogFields, fn: () => T): T {
  if (!kept) return fn();
  return fields.run({ ...fields.getStore(), ...more }, fn);
}

/** Adds to the fields of the work under way, for the rest of it (an HTTP request, once its route has said which batch it is). */
export function addLogFields(more: LogFields): void {
  const store = fields.getStore();
  if (store) Object.assign(store, more);
}

export function currentLogFields(): LogFields | undefined {
  return fields.getStore();
}
