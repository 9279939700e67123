import { deciderSpecification } from '../../../testing/src/decider-specification';
import {
  ReleaseReminderDue,
  ReminderEvent,
  ReminderState,
  decideReleaseReminder,
  evolveReminders,
  nextReminderOn,
  reminderDayAfter,
  reminderDayAtOrBefore,
} from './release-reminders';

/** A 1,000,000.00 yuan loan maturing on 2026-01-10, in force, never reminded. */
const matured = (changes: Partial<ReminderState> = {}): ReminderState => ({
  guaranteeId: 'ICBC/L1',
  status: 'in_force',
  outstanding: 100_000_000n,
  maturesOn: '2026-01-10',
  lastDueOn: null,
  ...changes,
});

const given = (start: ReminderState = matured()) =>
  deciderSpecification<ReminderState, string, ReminderEvent>({ decide: decideReleaseReminder, evolve: evolveReminders, initialState: () => start });

const due = (dueOn: string, days: number, remindedOn = dueOn, outstanding = 100_000_000n): ReleaseReminderDue => ({
  type: 'release-reminder-due',
  guaranteeId: 'ICBC/L1',
  maturesOn: '2026-01-10',
  dueOn,
  daysPastMaturity: days,
  remindedOn,
  outstanding,
});

describe('which guarantees are due a release reminder on a date', () => {
  it('a guarantee on its maturity date is not yet due', () => {
    given()([]).when('2026-01-10').thenNothingHappened();
  });

  it('the day after maturity, an unreminded guarantee in force is due its first reminder', () => {
    given()([]).when('2026-01-11').then([due('2026-01-11', 1)]);
  });

  it('a guarantee repaid to zero (released) is never reminded', () => {
    given()([{ type: 'repaid', outstandingAfter: 0n }]).when('2026-01-11').thenNothingHappened();
  });

  it('a claimed guarantee is never reminded', () => {
    given()([{ type: 'claimed' }]).when('2026-01-11').thenNothingHappened();
  });

  it('a guarantee rejected at filing is never reminded', () => {
    given(matured({ status: 'rejected', outstanding: 0n }))([]).when('2026-03-01').thenNothingHappened();
  });

  it('a guarantee recorded without its maturity is never reminded', () => {
    given(matured({ maturesOn: null }))([]).when('2030-01-01').thenNothingHappened();
  });

  it('a partial repayment keeps the reminders coming, with the smaller outstanding principal', () => {
    given()([{ type: 'repaid', outstandingAfter: 40_000_000n }]).when('2026-01-11').then([due('2026-01-11', 1, '2026-01-11', 40_000_000n)]);
  });
});

describe('the repeat schedule: day 1, 7 and 30 after maturity, then every 30 days', () => {
  it('schedule days on or before a number of days past maturity', () => {
    expect([0, 1, 2, 6, 7, 29, 30, 31, 59, 60, 61, 89, 90, 365].map(reminderDayAtOrBefore)).toEqual([null, 1, 1, 1, 7, 7, 30, 30, 30, 60, 60, 60, 90, 360]);
  });

  it('the schedule day after each', () => {
    expect([0, 1, 6, 7, 29, 30, 59, 60, 61, 90].map(reminderDayAfter)).toEqual([1, 7, 7, 30, 30, 60, 60, 90, 90, 120]);
  });

  it('reminded on day 1, 7, 30, 60 and 90, and nothing in between', () => {
    // maturing 2026-01-10: +1 Jan 11, +7 Jan 17, +30 Feb 9, +60 Mar 11, +90 Apr 10
    let state = matured();
    const sent: string[] = [];
    for (let day = 0; day <= 100; day++) {
      const on = new Date(Date.UTC(2026, 0, 10 + day)).toISOString().slice(0, 10);
      const d = decideReleaseReminder(state, on);
      if (d) {
        sent.push(`${d.dueOn}/${d.daysPastMaturity}`);
        state = evolveReminders(state, d);
      }
    }
    expect(sent).toEqual(['2026-01-11/1', '2026-01-17/7', '2026-02-09/30', '2026-03-11/60', '2026-04-10/90']);
  });

  it('running the same day twice reminds once', () => {
    given()([due('2026-01-17', 7)]).when('2026-01-17').thenNothingHappened();
  });

  it('between two schedule days nothing more is due', () => {
    given()([due('2026-01-17', 7)]).when('2026-02-08').thenNothingHappened();
  });

  it('a run that missed schedule days sends the latest one, late, once', () => {
    // nothing ran from Jan 11 to Feb 20: the reminder of day 30 (Feb 9), not those of days 1 and 7
    given()([]).when('2026-02-20').then([due('2026-02-09', 30, '2026-02-20')]);
    given()([due('2026-02-09', 30, '2026-02-20')]).when('2026-02-21').thenNothingHappened();
  });

  it('a date before the last reminder sent reminds nothing', () => {
    given()([due('2026-02-09', 30)]).when('2026-01-17').thenNothingHappened();
  });

  it('the next date a reminder can fall due, as the service keeps it', () => {
    expect(nextReminderOn('2026-01-10', null)).toBe('2026-01-11');
    expect(nextReminderOn('2026-01-10', '2026-01-11')).toBe('2026-01-17');
    expect(nextReminderOn('2026-01-10', '2026-01-17')).toBe('2026-02-09');
    expect(nextReminderOn('2026-01-10', '2026-02-09')).toBe('2026-03-11');
  });
});

describe('reminders stop when the guarantee is repaid, claimed or released', () => {
  it('repaid to zero after the day-1 reminder: no day-7 reminder', () => {
    given()([due('2026-01-11', 1), { type: 'repaid', outstandingAfter: 0n }]).when('2026-01-17').thenNothingHappened();
  });

  it('claimed after the day-30 reminder: no day-60 reminder', () => {
    given()([due('2026-01-11', 1), due('2026-01-17', 7), due('2026-02-09', 30), { type: 'claimed' }]).when('2026-03-11').thenNothingHappened();
  });
});
