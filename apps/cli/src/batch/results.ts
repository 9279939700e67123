import { Command, Context } from '../context';
import { formatCount, table } from '../format';
import { BatchId, RowResult, getSummary, walkRows, writeRowsAsJson } from './batch-api';
import { BatchKindSpec, LOAN_BATCH } from './kinds';
import { problemRow, renderSummary } from './render';

/** Invalid and rejected rows listed in the human form unless --all. */
export const PROBLEM_ROWS_SHOWN = 100;

/** `g2g batch results` and its siblings for repayments, claims and recoveries. */
export function resultsCommand(spec: BatchKindSpec): Command {
  return {
    name: `${spec.command} results`,
    summary: `every row's outcome of a ${spec.noun}: counts and the invalid and rejected rows`,
    flags: ['bank', 'ref', 'all'],
    help: `Usage: g2g ${spec.command} results --bank BANK --ref BATCH_REF [--all] [--json]

Fetches every row's outcome of a ${spec.noun} (page by page). Prints the batch's counts and its
invalid and rejected rows with their codes (the first ${PROBLEM_ROWS_SHOWN} unless --all).
Outcomes: invalid, ${spec.goodOutcome}, rejected or pending. Rejection codes:
  ${spec.rejections.join(', ')}

Options:
  --bank BANK       the bank's participant code (its saved key is used unless --key/--as)
  --ref BATCH_REF   the batch reference
  --all             list every invalid and rejected row
  --json            every row as a JSON array of {row, loan_id, outcome, codes}`,
    async run(ctx: Context) {
      const { opts, io } = ctx;
      opts.positionals(0, '');
      const bank = opts.required('bank');
      const batch: BatchId = { kind: spec.kind, bank, batchRef: opts.required('ref') };
      const client = ctx.client('intake', { kind: 'participant', code: bank });
      if (ctx.json) {
        await writeRowsAsJson(walkRows(client, batch), io.out);
        return;
      }
      const summary = await getSummary(client, batch);
      const limit = opts.switch('all') ? Infinity : PROBLEM_ROWS_SHOWN;
      const problems: RowResult[] = [];
      let problemCount = 0;
      for await (const page of walkRows(client, batch)) {
        for (const r of page) {
          if (r.outcome !== 'invalid' && r.outcome !== 'rejected') continue;
          problemCount++;
          if (problems.length < limit) problems.push(r);
        }
      }
      let text = renderSummary(summary, undefined, spec.kind);
      if (problemCount === 0) {
        text += 'no invalid or rejected rows\n';
      } else {
        text += `\ninvalid and rejected rows (${formatCount(problemCount)}):\n`;
        text += table(problems.map(problemRow), { header: ['row', 'loan_id', 'outcome', 'codes', 'details'], indent: '  ' });
        if (problemCount > problems.length) text += `  ... and ${formatCount(problemCount - problems.length)} more (--all lists them, --json gives every row)\n`;
      }
      await ctx.print(text);
    },
  };
}

export const batchResults: Command = resultsCommand(LOAN_BATCH);
