import { Database } from '@g2g/event-store';
import { Allow, Caller, CallerOf, operatorAction, recordOperatorActions, validated } from '@g2g/platform';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { SCHEMA } from '../decide-servicing/guarantee-book';
import { ScheduleSettings } from './reminder-schedule';
import { chinaDate, sendReleaseReminders } from './release-reminders';
import { RunRemindersBody } from './run-body';

/**
 * An operator sends the release reminders of a business date now (`g2g reminders run --on DATE`),
 * beside the schedule: the same run, and as idempotent (a date already sent sends nothing).
 */
@Controller('reminders')
export class ReleaseRemindersController {
  constructor(
    private readonly db: Database,
    private readonly settings: ScheduleSettings,
  ) {}

  @Post('run')
  @HttpCode(200)
  @Allow('operator')
  async run(@Body(validated(RunRemindersBody)) body: RunRemindersBody, @CallerOf() caller: Caller) {
    const now = new Date();
    const on = body.on ?? this.settings.businessDate ?? chinaDate(now);
    const run = await sendReleaseReminders(this.db, on, now);
    await this.db.transaction((tx) =>
      recordOperatorActions(tx, SCHEMA, [operatorAction(SCHEMA, caller, 'release-reminders-run', on, { reminders: run.reminders, messages: run.messages }, now)]),
    );
    return { reminded_on: run.remindedOn, reminders: run.reminders, messages: run.messages };
  }
}
