import { resolve } from 'node:path';
import { UsageError } from '../args';
import { formatFromExtension } from '../batch/submit';
import { Command, Context } from '../context';
import { formatCount } from '../format';
import { writeBatchFile } from './generate-batch';

export const generateCommand: Command = {
  name: 'generate',
  summary: 'write a synthetic, reproducible loan batch file (no server needed)',
  flags: ['rows', 'bank', 'out', 'format', 'seed', 'start-date', 'invalid-every', 'province', 'loan-id-prefix'],
  help: `Usage: g2g generate --rows N --bank BANK --out FILE [options]

Writes N realistic loan rows in the bank batch interface v1 (CSV or JSON Lines), streamed, so a
million rows need no memory to speak of. The same seed gives the same file, byte for byte.
Loan ids are BANK-SEED-NNNNNNNN: use a new seed for each batch a bank files.

Options:
  --format csv|jsonl       default from the extension of FILE (csv otherwise)
  --seed S                 default 1
  --start-date YYYY-MM-DD  loans are disbursed within 60 days from it (default 2025-03-01)
  --invalid-every K        make every K-th row invalid, in varied ways
  --province NN            the province of the region codes (default 11, Beijing)
  --loan-id-prefix P       instead of BANK`,
  async run(ctx: Context) {
    const { opts, io } = ctx;
    opts.positionals(0, '');
    const rows = opts.integer('rows', { min: 0 });
    if (rows === undefined) throw new UsageError('--rows is required');
    const bank = opts.required('bank');
    const out = resolve(io.cwd, opts.required('out'));
    const format = opts.choice('format', ['csv', 'jsonl'] as const) ?? formatFromExtension(out) ?? 'csv';
    const seed = opts.integer('seed', { fallback: 1 }) ?? 1;
    const startDate = opts.date('start-date');
    const invalidEvery = opts.integer('invalid-every', { min: 1 });
    const province = opts.string('province');
    if (province !== undefined && !/^\d{2}$/.test(province)) throw new UsageError('--province must be two digits, e.g. 11 or 37');
    let result;
    try {
      result = await writeBatchFile(out, { rows, bank, seed, format, startDate, invalidEvery, province, loanIdPrefix: opts.string('loan-id-prefix') });
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(error.message);
      throw error;
    }
    if (ctx.json) await ctx.printJson({ ...result, format, seed });
    else await ctx.print(`wrote ${formatCount(result.rows)} rows (${format}, seed ${seed}, ${formatCount(result.bytes)} bytes) to ${result.path}`);
  },
};
