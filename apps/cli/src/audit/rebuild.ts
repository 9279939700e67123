import { Command, Context } from '../context';
import { formatCount, plural } from '../format';

export const rebuildCommand: Command = {
  name: 'rebuild',
  summary: "rebuild reporting's projections from its event log, while it runs (operator)",
  flags: [],
  help: `Usage: g2g rebuild [--json]

Empties reporting's read models and replays every event into them, in one transaction: readers
see the old figures until the new ones are complete. Figures must not change (g2g audit checks
them). Uses the operator key unless --key/--as.

Options:
  --json   the server's answer {events, ms}`,
  async run(ctx: Context) {
    ctx.opts.positionals(0, '');
    const client = ctx.client('reporting', { kind: 'operator' });
    const { body } = await client.post<{ events: number; ms: number }>('/projections/rebuild');
    if (ctx.json) await ctx.printJson(body);
    else await ctx.print(`rebuilt the projections from ${plural(body.events, 'event')} in ${formatCount(body.ms)} ms`);
  },
};
