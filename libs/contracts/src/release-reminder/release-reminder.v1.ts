import { Static, Type } from '@sinclair/typebox';
import { Day, Equal, Exact, Fen, SameType, Time } from '../schema';

/** The fields of one guarantee's reminder (also the `reminders` of release-reminders.v1, less the chunk's own). */
export const releaseReminderFields = {
  guaranteeId: Type.String(),
  loanId: Type.String(),
  programme: Type.String(),
  guarantor: Type.String({ description: 'the guarantor of the guarantee: reminded with the bank' }),
  maturesOn: Day(),
  dueOn: Day('the schedule date this reminder is for: maturesOn + daysPastMaturity'),
  daysPastMaturity: Type.Integer({ minimum: 1, description: '1, 7, 30, then every 30 days (60, 90, ...)' }),
  outstandingFen: Fen('the outstanding principal on remindedOn'),
};

export const ReleaseReminderV1Schema = Exact({
  ...releaseReminderFields,
  bank: Type.String(),
  remindedOn: Day('the business date of the run that sent it (dueOn, or later when the run was late)'),
  recordedAt: Time(),
});

/**
 * A release reminder (解保提醒) of one guarantee, the shape its bank's and its guarantor's feeds
 * answer with: past its maturity, principal still outstanding, no claim. Not on any topic: the
 * reminders travel as release-reminders.v1, one message per bank and run.
 */
export const releaseReminderV1 = {
  topic: 'g2g.compensation.release-reminder.v1',
  version: 1,
  key: (v: ReleaseReminderV1) => v.guaranteeId,
  schema: ReleaseReminderV1Schema,
} as const;

export interface ReleaseReminderV1 {
  guaranteeId: string;
  loanId: string;
  programme: string;
  /** the guarantor of the guarantee: reminded with the bank */
  guarantor: string;
  maturesOn: string;
  /** the schedule date this reminder is for: maturesOn + daysPastMaturity */
  dueOn: string;
  /** 1, 7, 30, then every 30 days (60, 90, ...) */
  daysPastMaturity: number;
  /** the outstanding principal on remindedOn */
  outstandingFen: string;
  bank: string;
  /** the business date of the run that sent it (dueOn, or later when the run was late) */
  remindedOn: string;
  recordedAt: string;
}

// tsc fails here when the schema and the interface drift apart
type _ReleaseReminderV1 = SameType<Equal<Static<typeof ReleaseReminderV1Schema>, ReleaseReminderV1>>;
