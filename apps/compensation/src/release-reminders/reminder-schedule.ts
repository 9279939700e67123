import { isValidDate } from '@g2g/domain';
import { Database, describeError } from '@g2g/event-store';
import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { chinaDate, sendReleaseReminders } from './release-reminders';

export class ScheduleSettings {
  constructor(
    /** how often the day's reminders are looked for (G2G_REMINDERS_EVERY_MS); 0: never, only on request */
    readonly everyMs: number,
    /** the business date to send for (G2G_BUSINESS_DATE); null: today's date in China */
    readonly businessDate: string | null,
  ) {}
}

export function scheduleSettings(env: NodeJS.ProcessEnv): ScheduleSettings {
  const every = env.G2G_REMINDERS_EVERY_MS;
  const everyMs = every === undefined || every === '' ? 600_000 : Number(every);
  if (!Number.isInteger(everyMs) || everyMs < 0) throw new Error(`G2G_REMINDERS_EVERY_MS: not a number of milliseconds: ${every}`);
  const date = env.G2G_BUSINESS_DATE || null;
  if (date !== null && !isValidDate(date)) throw new Error(`G2G_BUSINESS_DATE: not a date YYYY-MM-DD: ${date}`);
  return new ScheduleSettings(everyMs, date);
}

/**
 * The day's release reminders, sent from inside the service (in the embedded platform, from its
 * one process): once at start and then every `everyMs`, so that a day's reminders go out soon
 * after midnight in China, and a process that was down catches up when it starts. Every run after
 * the day's first finds nothing to send; several processes of the service run it side by side
 * safely (sendReleaseReminders takes turns on a lock and keeps each reminder once).
 */
export class ReminderSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly log = new Logger('compensation');

  constructor(
    private readonly db: Database,
    private readonly settings: ScheduleSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.everyMs === 0) return;
    this.timer = setInterval(() => void this.tick(), this.settings.everyMs);
    this.timer.unref();
    void this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One run, unless the last one is still going. */
  tick(): Promise<void> {
    if (this.running) return this.running;
    const on = this.settings.businessDate ?? chinaDate(new Date());
    this.running = sendReleaseReminders(this.db, on, new Date())
      .then((r) => {
        if (r.reminders > 0) this.log.log(`release reminders of ${on}: ${r.reminders} sent in ${r.messages} message(s)`);
      })
      .catch((error) => this.log.warn(`release reminders of ${on}: ${describeError(error)}; tried again at the next run`))
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
