import { addDays, compareDates, daysBetween } from '../dates';
import { Fen } from '../money';
import { GuaranteeStatus } from './servicing';

/**
 * Release reminders (解保提醒): a guarantee past its maturity that still has outstanding principal
 * and no claim has been neither repaid nor claimed in time, so its bank and its guarantor are
 * reminded, on a schedule, until it is repaid (released), claimed or otherwise released.
 *
 * The schedule counts calendar days after `matures_on`: day 1, day 7, day 30, and then every 30
 * days (60, 90, 120, ...). A reminder is due on the latest schedule day on or before the business
 * date; one not sent on its day (the job did not run) is sent late, once, and the days missed
 * before it are not sent at all: a reader is reminded of where a guarantee stands, not of every
 * day it was overdue.
 */
export const FIRST_REMINDER_DAYS = [1, 7, 30] as const;
/** After the last of the first reminders, one every this many days. */
export const REMINDER_REPEAT_DAYS = 30;

/** The latest schedule day on or before `daysPast` days after maturity; null before day 1. */
export function reminderDayAtOrBefore(daysPast: number): number | null {
  if (daysPast < FIRST_REMINDER_DAYS[0]) return null;
  const last = FIRST_REMINDER_DAYS[FIRST_REMINDER_DAYS.length - 1];
  if (daysPast >= last) return Math.floor(daysPast / REMINDER_REPEAT_DAYS) * REMINDER_REPEAT_DAYS;
  return [...FIRST_REMINDER_DAYS].reverse().find((d) => d <= daysPast)!;
}

/** The first schedule day after `day` (0 for the first of all). */
export function reminderDayAfter(day: number): number {
  const next = FIRST_REMINDER_DAYS.find((d) => d > day);
  if (next !== undefined) return next;
  return (Math.floor(day / REMINDER_REPEAT_DAYS) + 1) * REMINDER_REPEAT_DAYS;
}

/** What the reminders of one guarantee depend on. */
export interface ReminderState {
  guaranteeId: string;
  status: GuaranteeStatus;
  outstanding: Fen;
  /** null for a guarantee recorded without its maturity (none is reminded) */
  maturesOn: string | null;
  /** the due date of the last reminder sent, null before the first */
  lastDueOn: string | null;
}

/** A reminder falls due: `dueOn` is its schedule date, `remindedOn` the business date it is sent. */
export interface ReleaseReminderDue {
  type: 'release-reminder-due';
  guaranteeId: string;
  maturesOn: string;
  dueOn: string;
  daysPastMaturity: number;
  remindedOn: string;
  outstanding: Fen;
}

/** What the reminders hear of a guarantee's life: a repayment (released at zero) or a claim paid. */
export type ReminderEvent = ReleaseReminderDue | { type: 'repaid'; outstandingAfter: Fen } | { type: 'claimed' };

/**
 * Whether a guarantee is reminded on business date `on`: in force (an in-force guarantee has
 * outstanding principal: at zero it is released), past its maturity, and a schedule day reached
 * that no reminder has been sent for. Null otherwise: in particular when the reminder of the day
 * is already sent (the job run twice), so running again changes nothing.
 */
export function decideReleaseReminder(state: ReminderState, on: string): ReleaseReminderDue | null {
  if (state.status !== 'in_force' || state.outstanding <= 0n || state.maturesOn === null) return null;
  const day = reminderDayAtOrBefore(daysBetween(state.maturesOn, on));
  if (day === null) return null;
  const dueOn = addDays(state.maturesOn, day);
  if (state.lastDueOn !== null && compareDates(dueOn, state.lastDueOn) <= 0) return null;
  return { type: 'release-reminder-due', guaranteeId: state.guaranteeId, maturesOn: state.maturesOn, dueOn, daysPastMaturity: day, remindedOn: on, outstanding: state.outstanding };
}

export function evolveReminders(state: ReminderState, event: ReminderEvent): ReminderState {
  if (event.type === 'release-reminder-due') return { ...state, lastDueOn: event.dueOn };
  if (event.type === 'claimed') return { ...state, status: 'claimed', outstanding: 0n };
  return { ...state, outstanding: event.outstandingAfter, status: event.outstandingAfter === 0n ? 'released' : state.status };
}

/**
 * The next date a reminder can fall due, after the one due on `lastDueOn` (or the first of all):
 * what the service keeps per guarantee so that a run reads only the guarantees due.
 */
export function nextReminderOn(maturesOn: string, lastDueOn: string | null): string {
  const day = lastDueOn === null ? 0 : daysBetween(maturesOn, lastDueOn);
  return addDays(maturesOn, reminderDayAfter(day));
}
