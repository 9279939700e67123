import { Sql, enqueue, ident, isRetryable } from '@g2g/event-store';
import { ContractViolation, contractViolation, spares } from './contract-check';
import { ConsumerSpec, IncomingMessage, deadLetterTopic } from './message';

export interface DeliveryReport {
  handled: number;
  duplicates: number;
  deadLettered: number;
}

/**
 * Applies messages exactly once inside the caller's transaction: the inbox row of each message
 * and the handler's effects commit together, so a redelivered or republished message is skipped.
 * A message that is not JSON, or whose value does not match its topic's contract
 * (contract-check.ts), is parked at once, without trying the handler.
 *
 * The whole batch is tried first; if the handler throws, each message is tried alone (a savepoint
 * each), up to maxAttempts, and one that still fails is recorded as dead-lettered and parked on
 * the consumer's dead-letter topic with its error. The batch then goes on: one poison message
 * never holds up the others. A retryable conflict (another transaction wrote the same stream or
 * row first) is thrown to the caller instead, so that the whole transaction is rerun.
 */
export async function deliver(
  tx: Sql,
  spec: ConsumerSpec,
  messages: readonly IncomingMessage[],
  onDeadLetter?: (message: IncomingMessage, error: unknown) => void,
): Promise<DeliveryReport> {
  const s = ident(spec.schema);
  const unique = dedupe(messages);
  const report: DeliveryReport = { handled: 0, duplicates: messages.length - unique.length, deadLettered: 0 };

  const seen = new Set(
    (
      await tx.query<{ message_id: string }>(
        `select message_id from ${s}.inbox where consumer = $1 and message_id = any($2::text[])`,
        [spec.consumer, unique.map((m) => m.id)],
      )
    ).map((r) => r.message_id),
  );
  const fresh = unique.filter((m) => !seen.has(m.id));
  report.duplicates += unique.length - fresh.length;
  const wellFormed: IncomingMessage[] = [];
  for (const m of fresh) {
    if (m.malformed !== undefined) {
      await park(tx, spec, m, new Error(`malformed message: ${m.malformed}`), 0);
      onDeadLetter?.(m, m.malformed);
      report.deadLettered++;
      continue;
    }
    const violation = contractViolation(m);
    if (violation === undefined) {
      wellFormed.push(m);
      continue;
    }
    // never tried (it cannot apply, or worse, could half apply), but answered by a consumer that
    // answers poison, unless the answer would copy a field that is wrong
    const answerable = spec.answersPoison === true && violation instanceof ContractViolation && spares(violation, spec.answerCopies?.[m.topic] ?? ['/']);
    const answered = answerable && (await attempt(tx, spec, [m], 'g2g_poison', false, violation, false));
    await park(tx, spec, m, violation, 0, answered);
    onDeadLetter?.(m, violation);
    report.deadLettered++;
  }
  if (wellFormed.length === 0) return report;

  if (await attempt(tx, spec, wellFormed, 'g2g_batch')) {
    report.handled += wellFormed.length;
    return report;
  }
  const maxAttempts = spec.maxAttempts ?? 3;
  for (const m of wellFormed) {
    let lastError: unknown;
    let ok = false;
    for (let n = 1; n <= maxAttempts && !ok; n++) {
      try {
        ok = await attempt(tx, spec, [m], 'g2g_one', true);
      } catch (error) {
        lastError = error;
        if (n < maxAttempts) await delay(20 * 2 ** n);
      }
    }
    if (ok) {
      report.handled++;
      continue;
    }
    // the handler's final say on it (an outcome such as UNPROCESSABLE), under its own savepoint
    let answered = false;
    if (spec.answersPoison) answered = await attempt(tx, spec, [m], 'g2g_poison', false, lastError ?? new Error('failed'), false);
    await park(tx, spec, m, lastError, maxAttempts, answered);
    onDeadLetter?.(m, lastError);
    report.deadLettered++;
  }
  return report;
}

/** Runs the handler under a savepoint; false (or the error, when rethrow) if it threw. */
async function attempt(tx: Sql, spec: ConsumerSpec, batch: IncomingMessage[], savepoint: string, rethrow = false, poisoned?: unknown, inbox = true): Promise<boolean> {
  await tx.query(`savepoint ${savepoint}`);
  try {
    if (inbox) await markInbox(tx, spec, batch, 'handled');
    await spec.handle(batch, tx, poisoned);
    await tx.query(`release savepoint ${savepoint}`);
    return true;
  } catch (error) {
    // A concurrency conflict is not the message's fault: the whole transaction is rerun on fresh
    // state (Database.transaction retries it), and the message is never parked for it.
    if (isRetryable(error)) throw error;
    await tx.query(`rollback to savepoint ${savepoint}`);
    if (rethrow) throw error;
    return false;
  }
}

async function markInbox(tx: Sql, spec: ConsumerSpec, batch: IncomingMessage[], outcome: string): Promise<void> {
  await tx.query(
    `insert into ${ident(spec.schema)}.inbox (consumer, message_id, outcome)
     select $1, id, $3 from unnest($2::text[]) as t(id)`,
    [spec.consumer, batch.map((m) => m.id), outcome],
  );
}

async function park(tx: Sql, spec: ConsumerSpec, m: IncomingMessage, error: unknown, attempts: number, answered = false): Promise<void> {
  await markInbox(tx, spec, [m], 'dead-lettered');
  const err = asError(error);
  const value = parkedValue(m);
  // bytes that are not JSON are kept as text: the dead letter is all there is of them once the topic's retention has passed
  const unreadable = m.malformed ?? (value === null && m.value === undefined ? m.raw : undefined);
  await enqueue(tx, spec.schema, [
    {
      topic: deadLetterTopic(spec.schema),
      key: m.key,
      value,
      headers: {
        ...m.headers,
        'g2g-dlq-original-id': m.id,
        'g2g-dlq-original-topic': m.topic,
        'g2g-dlq-consumer': spec.consumer,
        'g2g-dlq-error': err.message.slice(0, 2000),
        'g2g-dlq-error-name': err.name,
        'g2g-dlq-attempts': String(attempts),
        'g2g-dlq-answered': String(answered),
        ...(unreadable !== undefined ? { 'g2g-dlq-raw': unreadable.slice(0, 10_000) } : {}),
      },
    },
  ]);
}

/**
 * The value a dead letter carries: null for bytes that were not JSON; a consumer that keeps
 * messages unread has only their text (and an outbox row must have a value).
 */
function parkedValue(m: IncomingMessage): unknown {
  if (m.malformed !== undefined) return null;
  if (m.value !== undefined || m.raw === undefined) return m.value ?? null;
  try {
    return JSON.parse(m.raw);
  } catch {
    return null;
  }
}

function dedupe(messages: readonly IncomingMessage[]): IncomingMessage[] {
  const ids = new Set<string>();
  const out: IncomingMessage[] = [];
  for (const m of messages) {
    if (ids.has(m.id)) continue;
    ids.add(m.id);
    out.push(m);
  }
  return out;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  const message = (error as { message?: unknown })?.message;
  if (typeof message === 'string') return Object.assign(new Error(message), { name: 'HandlerError' });
  let text: string;
  try {
    text = JSON.stringify(error);
  } catch {
    text = String(error);
  }
  return Object.assign(new Error(text), { name: 'HandlerError' });
}
