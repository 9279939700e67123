import { Command, Context } from '../context';
import { table } from '../format';
import { segment } from '../http';
import { describeMessage, messageName } from '../feed/messages';

/** GET /loans/{bank}/{loanId}/history */
export interface LoanHistory {
  guarantee_id: string;
  events: { event: string; business_date: string | null; recorded_at: string; data: unknown }[];
}

/** A loan's life for people: one line per event, by the order the platform recorded them. */
export function renderHistory(h: LoanHistory): string {
  const rows = h.events.map((e) => [e.business_date ?? '', e.recorded_at, messageName(e.event), describeMessage(e.event, e.data)]);
  return `loan ${h.guarantee_id}: ${h.events.length} event${h.events.length === 1 ? '' : 's'}\n${table(rows, { header: ['business date', 'recorded at', 'event', 'details'], indent: '  ' })}`;
}

export const historyCommand: Command = {
  name: 'history',
  summary: "a loan's whole history: filed, issued or rejected, ceded, repaid, claimed, recovered",
  flags: ['bank', 'loan'],
  help: `Usage: g2g history --bank BANK --loan LOAN_ID [--json]

Every event of one loan as reporting recorded it, each with its business date (when it happened)
and the time the platform learned it. Rows of a repayment, claim or recovery batch that were
rejected or invalid change nothing and are not events here: see g2g repayments|claims|recoveries results.
A bank reads its own loans; a regulator or the operator any. Uses the bank's saved key if there
is one, else the operator key, unless --key/--as.

Options:
  --bank BANK       the lending bank
  --loan LOAN_ID    the bank's loan id (the guarantee id is BANK/LOAN_ID)
  --json            the server's answer: {guarantee_id, events: [{event, business_date, recorded_at, data}]}`,
  async run(ctx: Context) {
    const { opts } = ctx;
    opts.positionals(0, '');
    const bank = opts.required('bank');
    const loan = opts.required('loan');
    const client = ctx.client('reporting', { kind: 'participant-or-operator', code: bank });
    const { body } = await client.get<LoanHistory>(`/loans/${segment(bank)}/${segment(loan)}/history`);
    if (ctx.json) await ctx.printJson(body);
    else await ctx.print(renderHistory(body));
  },
};
