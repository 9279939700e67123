import { Spooled } from '@g2g/platform';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
// the reader banks' batch files are read with, so that a list or a check file follows the same
// grammar: RFC 4180 CSV with a header naming the fields, or JSON Lines of strings, UTF-8, a BOM tolerated
import { BatchFormat, ParsedRecord, parseBatchPieces } from '../../../intake/src/file-batch/batch-parser';

export type { BatchFormat, ParsedRecord };
export { spool } from '@g2g/platform';
export type { Spooled };
export { BatchFormatError } from '../../../intake/src/file-batch/batch-parser';

/** The records of a spooled file, a piece at a time. */
export function recordsOf(file: Spooled, format: BatchFormat, fields: readonly string[]): AsyncGenerator<ParsedRecord[]> {
  return parseBatchPieces(createReadStream(file.path), format, fields);
}

/**
 * Whether a CSV file's header names a column: a check file may carry its rows' own dates or not.
 * Read from the header line alone, its names as the parser takes them (a quoted name unquoted).
 */
export async function csvHeaderNames(file: Spooled): Promise<string[]> {
  const handle = await open(file.path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    const line = text.split(/\r?\n/, 1)[0] ?? '';
    return line.split(',').map((name) => name.replace(/^"(.*)"$/, '$1').replace(/""/g, '"'));
  } finally {
    await handle.close();
  }
}

/** csv or jsonl from `?format=` or the content type, as a batch upload says it. */
export function formatOf(param: string | undefined, contentType: string | undefined): BatchFormat | null {
  if (param === 'csv' || param === 'jsonl') return param;
  if (param) return null;
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type === 'application/x-ndjson' || type === 'application/jsonl' || type === 'application/x-jsonlines') return 'jsonl';
  return null;
}
