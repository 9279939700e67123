import { ReleaseRemindersV1, releaseRemindersV1 } from '@g2g/contracts';
import { decideReleaseReminder } from '@g2g/domain';
import { Database, NewEvent, Sql } from '@g2g/event-store';
import { RELEASE_REMINDERS_EVENT, SCHEMA, applyCompensationEvents, store } from '../decide-servicing/guarantee-book';

/** At most this many guarantees per transaction, and per message. */
export const REMINDERS_PER_CHUNK = 1_000;

/**
 * Runs of the reminders take turns on this transaction-level advisory lock: two runs of the same
 * day (the schedule and an operator, or two processes of the service) never decide the same
 * guarantees side by side; the one that waited finds them reminded already.
 */
const LOCK = 'select pg_advisory_xact_lock(hashtext($1))';

export interface RemindersRun {
  remindedOn: string;
  /** reminders sent by this run (0 when the day's were sent already) */
  reminders: number;
  /** messages published: one per bank and chunk */
  messages: number;
}

interface Due {
  guarantee_id: string;
  bank: string;
  programme: string;
  status: 'in_force';
  outstanding_fen: string;
  matures_on: string | null;
  last_reminder_on: string | null;
  parties: { role: string; participant: string }[] | null;
}

/**
 * Sends the release reminders of business date `on`: every guarantee in force past its maturity
 * whose next schedule date has come (decideReleaseReminder) gets one, recorded as an event per
 * bank and chunk that is itself the message (release-reminders.v1) to the bank's and guarantors'
 * feeds. Idempotent: a guarantee's reminder for a schedule date is kept once (c_reminders' key),
 * and a run that comes second finds nothing left to send.
 */
export async function sendReleaseReminders(db: Database, on: string, now: Date): Promise<RemindersRun> {
  const run: RemindersRun = { remindedOn: on, reminders: 0, messages: 0 };
  for (;;) {
    const sent = await db.transaction((tx) => remindChunk(tx, on, now));
    run.reminders += sent.reminders;
    run.messages += sent.messages;
    if (sent.reminders < REMINDERS_PER_CHUNK) return run;
  }
}

async function remindChunk(tx: Sql, on: string, now: Date): Promise<{ reminders: number; messages: number }> {
  await tx.query(LOCK, [`${SCHEMA}.release-reminders`]);
  // locked in id order, as servicing locks them, so a repayment or claim being decided meanwhile
  // is seen before or after, never half
  const rows = await tx.query<Due>(
    `select g.guarantee_id, g.bank, g.programme, g.status, g.outstanding_fen::text, g.matures_on::text, g.last_reminder_on::text, t.document->'parties' as parties
       from ${SCHEMA}.c_guarantees g left join ${SCHEMA}.c_terms t using (terms_id)
      where g.status = 'in_force' and g.next_reminder_on <= $1::date
      order by g.guarantee_id limit ${REMINDERS_PER_CHUNK} for update of g`,
    [on],
  );
  const byBank = new Map<string, ReleaseRemindersV1>();
  for (const r of rows) {
    const due = decideReleaseReminder(
      { guaranteeId: r.guarantee_id, status: r.status, outstanding: BigInt(r.outstanding_fen), maturesOn: r.matures_on, lastDueOn: r.last_reminder_on },
      on,
    );
    if (!due) continue;
    const chunk = byBank.get(r.bank) ?? byBank.set(r.bank, { bank: r.bank, remindedOn: on, reminders: [], recordedAt: now.toISOString() }).get(r.bank)!;
    chunk.reminders.push({
      guaranteeId: r.guarantee_id,
      loanId: r.guarantee_id.slice(r.bank.length + 1),
      programme: r.programme,
      guarantor: r.parties?.find((p) => p.role === 'guarantor')?.participant ?? '',
      maturesOn: due.maturesOn,
      dueOn: due.dueOn,
      daysPastMaturity: due.daysPastMaturity,
      outstandingFen: due.outstanding.toString(),
    });
  }
  const events: NewEvent[] = [];
  const appends = [...byBank.values()].map((v) => {
    const event: NewEvent = { type: RELEASE_REMINDERS_EVENT, data: v, businessDate: on, publish: { topic: releaseRemindersV1.topic, key: releaseRemindersV1.key(v) } };
    events.push(event);
    // named by the bank, the day and its first guarantee: a second chunk like it could not be appended
    return { streamId: `reminders:${v.bank}:${on}:${v.reminders[0].guaranteeId}`, expected: 'no_stream' as const, events: [event] };
  });
  if (appends.length === 0) return { reminders: 0, messages: 0 };
  await store.append(tx, appends);
  await applyCompensationEvents(tx, events);
  return { reminders: events.reduce((n, e) => n + (e.data as ReleaseRemindersV1).reminders.length, 0), messages: events.length };
}

/** Today's business date: the calendar date in China (UTC+8, no daylight saving). */
export function chinaDate(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
