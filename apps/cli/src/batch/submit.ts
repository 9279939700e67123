import { createReadStream, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { UsageError } from '../args';
import { Command, Context } from '../context';
import { plural } from '../format';
import { ApiClient } from '../http';
import { ProgressLine } from '../progress';
import { BatchId, BatchKind, BatchSummary, batchPath, decided, getSummary, walkRows, writeRowsAsJson } from './batch-api';
import { BatchKindSpec, KIND_SPECS, LOAN_BATCH } from './kinds';
import { renderSummary } from './render';

export const POLL_INTERVAL_MS = 250;

/** csv or jsonl from a file's extension, or null when it does not tell. */
export function formatFromExtension(path: string): 'csv' | 'jsonl' | null {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  return null;
}

export interface UploadResult {
  summary: BatchSummary;
  /** true when the platform had not seen this batch (202); false for the same bytes again (200) */
  created: boolean;
}

/** PUT the file as the request body, streamed from disk; `programme` for loan batches only. */
export async function uploadBatch(client: ApiClient, args: BatchId & { file: string; programme?: string; format: 'csv' | 'jsonl' }): Promise<UploadResult> {
  const stream = Readable.toWeb(createReadStream(args.file)) as unknown as NonNullable<RequestInit['body']>;
  const { status, body } = await client.request<BatchSummary>('PUT', batchPath(args), {
    query: { programme: args.programme, format: args.format },
    raw: { body: stream, contentType: args.format === 'csv' ? 'text/csv' : 'application/x-ndjson' },
  });
  return { summary: body, created: status === 202 };
}

/** The command that lists a batch's rows: `g2g batch results`, `g2g claims results`, ... */
export function resultsHint(kind: BatchKind, bank: string, batchRef: string): string {
  return `g2g ${KIND_SPECS[kind].command} results --bank ${bank} --ref ${batchRef}`;
}

/**
 * Polls the summary until the batch is complete, reporting progress after each look. Gives up
 * after `timeoutMs` (0: never).
 */
export async function waitForBatch(
  first: BatchSummary,
  next: () => Promise<BatchSummary>,
  options: { sleep: (ms: number) => Promise<void>; onProgress?: (s: BatchSummary) => void; intervalMs?: number; timeoutMs?: number; now?: () => number; kind?: BatchKind },
): Promise<BatchSummary> {
  const now = options.now ?? Date.now;
  const started = now();
  let summary = first;
  options.onProgress?.(summary);
  while (!summary.complete) {
    if (options.timeoutMs && now() - started >= options.timeoutMs) {
      const hint = resultsHint(options.kind ?? summary.kind ?? 'loans', summary.bank, summary.batchRef);
      throw new Error(`gave up waiting after ${Math.round(options.timeoutMs / 1000)} s: ${decided(summary)} of ${summary.rows} rows decided (see: ${hint})`);
    }
    await options.sleep(options.intervalMs ?? POLL_INTERVAL_MS);
    summary = await next();
    options.onProgress?.(summary);
  }
  return summary;
}

function fileHelp(spec: BatchKindSpec): string {
  if (spec.needsProgramme) return '';
  return `
The file: CSV with a header line naming these fields, or JSON Lines with these names and every
value a string; amounts are yuan:
  ${spec.fields.join(', ')}
For example:
${spec.example!.split('\n').map((line) => `  ${line}`).join('\n')}

A row is invalid when a field is missing or malformed (MISSING_FIELD, MALFORMED_MONEY,
AMOUNT_NOT_POSITIVE, AMOUNT_TOO_LARGE above 1000000000000.00 yuan, MALFORMED_DATE) or names a
loan this bank never filed (UNKNOWN_LOAN).
${spec.decidedBy[0].toUpperCase()}${spec.decidedBy.slice(1)} decides the others in file order: accepted, or rejected with one of
  ${spec.rejections.join(', ')}
`;
}

/**
 * `g2g batch submit` and its siblings for repayments, claims and recoveries: the same upload,
 * polling, progress and output; only the path, the programme flag and the help differ.
 */
export function submitCommand(spec: BatchKindSpec): Command {
  const programmeUsage = spec.needsProgramme ? ' --programme PROGRAMME' : '';
  return {
    name: `${spec.command} submit`,
    summary: spec.submitSummary,
    flags: ['bank', ...(spec.needsProgramme ? ['programme'] : []), 'ref', 'format', 'no-wait', 'timeout'],
    help: `Usage: g2g ${spec.command} submit FILE --bank BANK${programmeUsage} --ref BATCH_REF [options]

Uploads FILE (CSV or JSON Lines, streamed from disk) as the ${spec.noun} BATCH_REF of BANK, then
polls its summary until every row is decided (by ${spec.decidedBy}), drawing progress on a terminal.
(bank, ref) is the idempotency key: the same file again returns the first result; other content
is a conflict.${spec.needsProgramme ? '' : `\nRows: ${spec.meaning}.`}
${fileHelp(spec)}
Options:
  --bank BANK            the bank's participant code (its saved key is used unless --key/--as)${
    spec.needsProgramme ? '\n  --programme ID         the programme, e.g. NFGF-G2G-BJ-2025' : ''
  }
  --ref BATCH_REF        the bank's own reference for the batch
  --format csv|jsonl     default from the extension (.csv, .jsonl, .ndjson)
  --no-wait              return after the upload, with the summary as it stands
  --timeout SECONDS      stop waiting after this long (default: wait until complete)
  --json                 print every row's result as a JSON array of {row, loan_id, outcome, codes}
                         (with --no-wait: the summary as JSON)`,
    async run(ctx: Context) {
      const { opts, io } = ctx;
      const file = resolve(io.cwd, opts.positionals(1, 'FILE')[0]);
      const bank = opts.required('bank');
      const programme = spec.needsProgramme ? opts.required('programme') : undefined;
      const batch: BatchId = { kind: spec.kind, bank, batchRef: opts.required('ref') };
      const format = opts.choice('format', ['csv', 'jsonl'] as const) ?? formatFromExtension(file);
      if (!format) throw new UsageError(`cannot tell the format of ${file} from its extension: pass --format csv or --format jsonl`);
      const timeoutSeconds = opts.integer('timeout', { min: 1 });
      try {
        if (!statSync(file).isFile()) throw new UsageError(`${file} is not a file`);
      } catch (error) {
        if (error instanceof UsageError) throw error;
        throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
      }
      const client = ctx.client('intake', { kind: 'participant', code: bank });
      const upload = await uploadBatch(client, { ...batch, file, programme, format });
      const note = upload.created ? 'new batch' : 'already submitted with the same content: first result';
      if (!ctx.json) io.err(`uploaded ${file}: ${plural(upload.summary.rows, 'row')}, ${note}\n`);
      if (opts.switch('no-wait')) {
        if (ctx.json) await ctx.printJson(upload.summary);
        else await ctx.print(renderSummary(upload.summary, note, spec.kind));
        return;
      }
      const progress = new ProgressLine((t) => io.err(t), io.errIsTty);
      let summary: BatchSummary;
      try {
        summary = await waitForBatch(upload.summary, () => getSummary(client, batch), {
          sleep: io.sleep,
          onProgress: (s) => progress.update(decided(s), s.rows),
          timeoutMs: timeoutSeconds ? timeoutSeconds * 1000 : 0,
          kind: spec.kind,
        });
      } finally {
        progress.finish();
      }
      if (ctx.json) await writeRowsAsJson(walkRows(client, batch), io.out);
      else await ctx.print(renderSummary(summary, 'complete', spec.kind));
    },
  };
}

export const batchSubmit: Command = submitCommand(LOAN_BATCH);
