import { Command, Context } from '../context';
import { segment } from '../http';

/** GET /programmes/{id}/status */
export interface ProgrammeStatus {
  programme: string;
  suspended: boolean;
}

/** POST /programmes/{id}/resume: `changed` is false when the programme was not suspended. */
export interface ResumeResult extends ProgrammeStatus {
  changed: boolean;
}

export function renderStatus(s: ProgrammeStatus): string {
  return s.suspended
    ? `programme ${s.programme}: suspended by its breaker; it approves no loan (PROGRAMME_SUSPENDED) until an operator resumes it (g2g programmes resume ${s.programme})\n`
    : `programme ${s.programme}: not suspended; loans are decided by its rules\n`;
}

export function renderResume(r: ResumeResult, on: string | undefined): string {
  if (!r.changed) return `programme ${r.programme} was not suspended: nothing changed\n`;
  return `programme ${r.programme} resumed${on ? ` on ${on}` : ''}: it approves loans again\n`;
}

export const programmesResume: Command = {
  name: 'programmes resume',
  summary: 'resume a programme its breaker suspended (operator)',
  flags: ['on'],
  help: `Usage: g2g programmes resume PROGRAMME [--on YYYY-MM-DD] [--json]

A claim that leaves a programme's loss ratio (compensation paid / principal ever guaranteed) above
its breaker_pct suspends it: every loan filed under it is then rejected with PROGRAMME_SUSPENDED.
This resumes it, recorded with the business date --on (default: the server's date today).
Resuming does not lower the loss ratio: the next claim paid while it is still above the breaker
suspends the programme again. Resuming a programme that is not suspended changes nothing.
Uses the operator key unless --key/--as.

Options:
  --on YYYY-MM-DD   the business date of the resumption
  --json            the server's answer: {programme, suspended, changed}`,
  async run(ctx: Context) {
    const [programme] = ctx.opts.positionals(1, 'PROGRAMME');
    const on = ctx.opts.date('on');
    const client = ctx.client('underwriting', { kind: 'operator' });
    const { body } = await client.post<ResumeResult>(`/programmes/${segment(programme)}/resume`, on ? { resumed_on: on } : undefined);
    if (ctx.json) await ctx.printJson(body);
    else await ctx.print(renderResume(body, on));
  },
};

export const programmesStatus: Command = {
  name: 'programmes status',
  summary: "whether a programme's breaker has suspended it",
  flags: [],
  help: `Usage: g2g programmes status PROGRAMME [--json]

Says whether the programme is suspended (its loss ratio went above breaker_pct after a claim, and
no operator has resumed it since). Any participant may ask; uses the operator key unless --key/--as.

Options:
  --json   the server's answer: {programme, suspended}`,
  async run(ctx: Context) {
    const [programme] = ctx.opts.positionals(1, 'PROGRAMME');
    const client = ctx.client('underwriting', { kind: 'operator' });
    const { body } = await client.get<ProgrammeStatus>(`/programmes/${segment(programme)}/status`);
    if (ctx.json) await ctx.printJson(body);
    else await ctx.print(renderStatus(body));
  },
};
