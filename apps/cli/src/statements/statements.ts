import { UsageError } from '../args';
import { Command, Context } from '../context';
import { figureRows } from '../figures/figures';
import { label, table } from '../format';
import { segment } from '../http';

/**
 * A statement for people: scalar fields as a two-column table, each list of records as its own
 * table with a column per field.
 */
export function renderStatement(statement: unknown): string {
  if (typeof statement !== 'object' || statement === null) return `${JSON.stringify(statement)}\n`;
  const scalars: Record<string, unknown> = {};
  const lists: [string, Record<string, unknown>[]][] = [];
  for (const [key, value] of Object.entries(statement)) {
    if (Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v))) lists.push([key, value]);
    else scalars[key] = value;
  }
  let text = table(figureRows(scalars));
  for (const [key, records] of lists) {
    text += `\n${label(key)} (${records.length}):\n`;
    if (records.length === 0) continue;
    const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
    const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
    text += table(records.map((r) => columns.map((c) => cell(r[c]))), { header: columns, indent: '  ' });
  }
  return text;
}

export const statementsCommand: Command = {
  name: 'statements',
  summary: 'the cession statement of a participant for a month',
  flags: [],
  help: `Usage: g2g statements PARTICIPANT YYYY-MM [--json]

The loans ceded to a re-guarantor (or the Fund) in a month, as cession files them.
Uses the participant's saved key if there is one, else the operator key, unless --key/--as.`,
  async run(ctx: Context) {
    const [participant, month] = ctx.opts.positionals(2, 'PARTICIPANT and YYYY-MM');
    if (!/^\d{4}-\d{2}$/.test(month)) throw new UsageError(`the month must be YYYY-MM, not ${JSON.stringify(month)}`);
    const client = ctx.client('cession', { kind: 'participant-or-operator', code: participant });
    const { body } = await client.get<unknown>(`/statements/${segment(participant)}/${segment(month)}`);
    if (ctx.json) await ctx.printJson(body);
    else await ctx.print(renderStatement(body));
  },
};
