import { Command, Context } from '../context';
import { formatCount } from '../format';

/** POST /reminders/run (compensation) */
export interface RemindersRun {
  reminded_on: string;
  reminders: number;
  messages: number;
}

export function renderRun(r: RemindersRun): string {
  if (r.reminders === 0) return `release reminders of ${r.reminded_on}: none due (or every one already sent)\n`;
  return `release reminders of ${r.reminded_on}: ${formatCount(r.reminders)} sent to the banks' and guarantors' feeds (${formatCount(r.messages)} message${r.messages === 1 ? '' : 's'})\n`;
}

export const remindersRun: Command = {
  name: 'reminders run',
  summary: 'send the release reminders of a business date now (operator)',
  flags: ['on'],
  help: `Usage: g2g reminders run [--on YYYY-MM-DD] [--json]

Every guarantee past its maturity that still has principal outstanding and no claim is reminded
(解保提醒) to its bank and its guarantor, in their feeds (g2g feed, message release-reminder),
on day 1, 7 and 30 after matures_on and then every 30 days (60, 90, ...), until it is repaid,
claimed or released. Compensation does this by itself every 10 minutes for today's date in China
(G2G_BUSINESS_DATE overrides it); this sends the reminders of --on at once. A date already sent
sends nothing again: running it twice, or beside the schedule, gives one reminder per guarantee
and schedule date. A run for a date after a missed schedule day sends that day's reminder late.
Uses the operator key unless --key/--as.

Options:
  --on YYYY-MM-DD   the business date (default: the service's, today in China)
  --json            the server's answer: {reminded_on, reminders, messages}`,
  async run(ctx: Context) {
    ctx.opts.positionals(0, '');
    const on = ctx.opts.date('on');
    const client = ctx.client('compensation', { kind: 'operator' });
    const { body } = await client.post<RemindersRun>('/reminders/run', on ? { on } : {});
    if (ctx.json) await ctx.printJson(body);
    else await ctx.print(renderRun(body));
  },
};
