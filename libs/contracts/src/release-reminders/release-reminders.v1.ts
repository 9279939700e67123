import { Static, Type } from '@sinclair/typebox';
import { releaseReminderFields } from '../release-reminder/release-reminder.v1';
import { Day, Equal, Exact, SameType, Time } from '../schema';

export const ReleaseRemindersV1Schema = Exact({
  bank: Type.String(),
  remindedOn: Day('the business date of the run'),
  reminders: Type.Array(Exact(releaseReminderFields), { minItems: 1, maxItems: 1000 }),
  recordedAt: Time(),
});

/**
 * The release reminders (解保提醒) a run of the day sent for one bank's guarantees: each past its
 * maturity with principal outstanding and no claim, on a schedule day not reminded before. Up to
 * 1,000 per message; one run may send several. Key: the bank.
 */
export const releaseRemindersV1 = {
  topic: 'g2g.compensation.release-reminders.v1',
  version: 1,
  key: (v: ReleaseRemindersV1) => v.bank,
  schema: ReleaseRemindersV1Schema,
} as const;

export interface ReleaseRemindersV1 {
  bank: string;
  /** the business date of the run */
  remindedOn: string;
  reminders: {
    guaranteeId: string;
    loanId: string;
    programme: string;
    guarantor: string;
    maturesOn: string;
    dueOn: string;
    daysPastMaturity: number;
    outstandingFen: string;
  }[];
  recordedAt: string;
}

// tsc fails here when the schema and the interface drift apart
type _ReleaseRemindersV1 = SameType<Equal<Static<typeof ReleaseRemindersV1Schema>, ReleaseRemindersV1>>;
