import { LOAN_ROW_FIELDS } from '@g2g/domain';
import { TextDecoder } from 'node:util';

/**
 * Streaming reader of a bank's loan batch file (domain.md 4): bytes in, one record per data row
 * out, holding only the current chunk and the current row in memory. Pure: no Nest, no database.
 *
 * A problem confined to one row becomes an error record for that row, and reading goes on. A
 * problem with the whole file throws BatchFormatError. Because the file is read as it streams,
 * NOT_UTF8 and ROW_TOO_LONG can be thrown after earlier rows were already yielded; the others
 * (EMPTY_FILE, MISSING_COLUMNS, DUPLICATE_COLUMNS, MALFORMED_HEADER) are thrown before any row.
 */

export type BatchFormat = 'csv' | 'jsonl';

export interface ParsedRecord {
  /** Data rows count from 1; a CSV header line and blank lines are not counted. */
  row: number;
  /** The interface's fields present in the row, untrimmed (validation trims); other columns or keys are left out. */
  fields?: Record<string, string>;
  /**
   * Set when the row is invalid as read: then `fields` is absent, except for NOT_A_STRING, where
   * it holds the fields that are strings (so the outcome can still name the loan_id).
   */
  error?: { code: string; message: string };
}

/** A problem with the whole file: it cannot be read row by row. */
export class BatchFormatError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BatchFormatError';
  }
}

/**
 * Longest row accepted, in UTF-16 units, counting every character of the row as written but its
 * line end: cell text, separators and quotes alike. A legitimate row is well under 2,000; the limit
 * keeps memory bounded when a file is not a batch at all, a CSV quote is never closed and would
 * otherwise swallow the rest of the file into one field, or a row of separators alone would become
 * millions of empty cells.
 */
export const MAX_ROW_LENGTH = 1 << 20;

/**
 * Reads a batch file row by row. `fields` are the interface's field names (the loan batch's by
 * default; repayments, claims and recoveries have their own): a CSV header must name each of them.
 */
export async function* parseBatch(
  input: AsyncIterable<Buffer | string>,
  format: BatchFormat,
  fields: readonly string[] = LOAN_ROW_FIELDS,
): AsyncGenerator<ParsedRecord> {
  for await (const records of parseBatchPieces(input, format, fields)) yield* records;
}

/**
 * parseBatch's records, handed over a piece of the input at a time: the records of the rows that
 * end in each piece, in order (an array is never empty). The same records and the same errors at
 * the same places: a BatchFormatError comes after the records of the rows that ended before it.
 * A step of an async generator costs more than reading a row, so intake takes them this way.
 */
export async function* parseBatchPieces(
  input: AsyncIterable<Buffer | string>,
  format: BatchFormat,
  fields: readonly string[] = LOAN_ROW_FIELDS,
): AsyncGenerator<ParsedRecord[]> {
  if (format === 'csv') yield* parseCsv(decodeUtf8(input), fields);
  else if (format === 'jsonl') yield* parseJsonLines(decodeUtf8(input), fields);
  else throw new BatchFormatError('UNKNOWN_FORMAT', `unknown batch format ${JSON.stringify(format)}: csv or jsonl`);
}

// ---- UTF-8 ----

/**
 * Decodes the file as UTF-8 and drops a leading BOM. Invalid UTF-8 makes the rest of the file
 * unreadable (NOT_UTF8) rather than one row invalid: a file that is not UTF-8 is almost always in
 * another encoding (GBK) and every row of it would be garbled. The text before the first invalid
 * byte is still yielded, so every row that ended before it is read (and the error names where).
 * Bytes split between chunks, even inside a character, are joined. String chunks are taken as text.
 */
async function* decodeUtf8(input: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const notUtf8 = (where: string) =>
    new BatchFormatError('NOT_UTF8', `the file is not UTF-8: ${where} (is it saved in another encoding, such as GBK?)`);
  let bytesRead = 0;
  let atStart = true;
  /** the bytes of a character the last chunk ended inside (the decoder holds them too) */
  let carried: Buffer = Buffer.alloc(0);
  const withoutBom = (text: string) => {
    if (atStart && text !== '') {
      atStart = false;
      if (text.startsWith('\uFEFF')) return text.slice(1);
    }
    return text;
  };
  for await (const chunk of input) {
    let text: string;
    if (typeof chunk === 'string') {
      // Before a string chunk, bytes left over from a Buffer must be complete.
      try {
        text = decoder.decode() + chunk;
      } catch {
        throw notUtf8(`a character cut short at byte ${bytesRead}`);
      }
      carried = Buffer.alloc(0);
    } else {
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        // Yield what was valid up to the bad byte, then refuse the rest.
        const bytes = Buffer.concat([carried, chunk]);
        const bad = firstInvalidUtf8(bytes);
        const valid = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(0, bad));
        const prefix = withoutBom(valid);
        if (prefix !== '') yield prefix;
        throw notUtf8(`an invalid byte sequence at byte ${bytesRead - carried.length + bad}`);
      }
      bytesRead += chunk.length;
      // an unfinished character has at most 3 bytes: in a chunk of 3 or more they are all its own
      carried = incompleteTail(chunk.length >= 3 ? chunk.subarray(-3) : Buffer.concat([carried.subarray(-3), chunk]));
    }
    text = withoutBom(text);
    if (text !== '') yield text;
  }
  let rest: string;
  try {
    rest = decoder.decode();
  } catch {
    throw notUtf8('the file ends inside a character');
  }
  rest = withoutBom(rest);
  if (rest !== '') yield rest;
}

/** Length of a UTF-8 sequence from its lead byte; 0 when the byte cannot lead one. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** The index of the first byte that does not begin a well-formed UTF-8 sequence (RFC 3629). */
function firstInvalidUtf8(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; ) {
    const n = sequenceLength(bytes[i]);
    if (n === 0 || i + n > bytes.length) return i;
    for (let k = 1; k < n; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    const b1 = bytes[i + 1];
    // overlong 3- and 4-byte forms, encoded surrogates, and code points above U+10FFFF
    if ((bytes[i] === 0xe0 && b1 < 0xa0) || (bytes[i] === 0xed && b1 > 0x9f) || (bytes[i] === 0xf0 && b1 < 0x90) || (bytes[i] === 0xf4 && b1 > 0x8f)) return i;
    i += n;
  }
  return bytes.length;
}

/** The trailing bytes of a character not finished by the end of `bytes` (at most 3). */
function incompleteTail(bytes: Buffer): Buffer {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back];
    if ((b & 0xc0) !== 0x80) {
      const n = sequenceLength(b);
      return n > back ? bytes.subarray(bytes.length - back) : Buffer.alloc(0);
    }
  }
  return Buffer.alloc(0);
}

function rowTooLong(): BatchFormatError {
  return new BatchFormatError('ROW_TOO_LONG', `a row is longer than ${MAX_ROW_LENGTH} characters (is a quote never closed?)`);
}

/** A line holding only spaces and tabs (the characters trimmed from fields) is blank. */
const BLANK = /^[ \t]*$/;

// ---- CSV ----

async function* parseCsv(text: AsyncIterable<string>, fields: readonly string[]): AsyncGenerator<ParsedRecord[]> {
  let header: CsvHeader | undefined;
  let row = 0;
  let out: ParsedRecord[] = [];
  const take = (record: CsvRecord) => {
    if (header === undefined) {
      header = readHeader(record, fields);
      return;
    }
    row++;
    if (record.problem !== undefined) {
      out.push({ row, error: { code: 'MALFORMED_CSV', message: record.problem } });
    } else if (record.cells.length !== header.cells) {
      out.push({ row, error: { code: 'CELL_COUNT', message: `row has ${cellCount(record.cells.length)}, the header has ${header.cells}` } });
    } else {
      const values: Record<string, string> = {};
      for (let k = 0; k < header.names.length; k++) values[header.names[k]] = record.cells[header.indexes[k]];
      out.push({ row, fields: values });
    }
  };
  const tokenizer = csvTokenizer(take);
  for await (const chunk of text) {
    yield* finished(out, () => tokenizer.feed(chunk));
    out = [];
  }
  yield* finished(out, () => tokenizer.end());
  if (header === undefined) throw new BatchFormatError('EMPTY_FILE', 'the file is empty: no header line and no rows');
  if (row === 0) throw new BatchFormatError('EMPTY_FILE', 'the file has a header line but no rows');
}

/**
 * The records `read` puts in `out` (those of one piece of text), if any; when it throws (a problem
 * that stops reading), the records before the problem, then the problem.
 */
function* finished(out: ParsedRecord[], read: () => void): Generator<ParsedRecord[]> {
  try {
    read();
  } catch (error) {
    if (out.length > 0) yield out;
    throw error;
  }
  if (out.length > 0) yield out;
}

function cellCount(n: number): string {
  return n === 1 ? '1 cell' : `${n} cells`;
}

/** The interface's fields in the order of their columns, the index of each, and how many cells a row has. */
interface CsvHeader {
  names: string[];
  indexes: number[];
  cells: number;
}

/** Where each field of the interface sits in the header; other columns are ignored. */
function readHeader(record: CsvRecord, fields: readonly string[]): CsvHeader {
  if (record.problem !== undefined) throw new BatchFormatError('MALFORMED_HEADER', `the header line is malformed: ${record.problem}`);
  const columns = new Map<string, number>();
  const duplicated = new Set<string>();
  record.cells.forEach((name, index) => {
    if (!fields.includes(name)) return;
    if (columns.has(name)) duplicated.add(name);
    columns.set(name, index);
  });
  if (duplicated.size > 0) {
    throw new BatchFormatError('DUPLICATE_COLUMNS', `the header names these columns more than once: ${[...duplicated].join(', ')}`);
  }
  const missing = fields.filter((name) => !columns.has(name));
  if (missing.length > 0) {
    throw new BatchFormatError('MISSING_COLUMNS', `the header lacks these columns (names are exact and case-sensitive): ${missing.join(', ')}`);
  }
  return { names: [...columns.keys()], indexes: [...columns.values()], cells: record.cells.length };
}

interface CsvRecord {
  cells: string[];
  /** Why the record breaks RFC 4180; its cells are then not to be trusted. */
  problem?: string;
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/**
 * An RFC 4180 reader fed text in pieces cut anywhere. Strict where the RFC is: a quote opens a
 * quoted field only as the field's first character; a quote inside an unquoted field, text after a
 * closing quote, or a CR outside quotes that is not part of CRLF makes the record malformed, and
 * reading resumes at the next line end. Records end at LF or CRLF outside quotes; quoted fields
 * keep their commas, CRs and LFs as written, with `""` read as one quote.
 */
function csvTokenizer(emit: (record: CsvRecord) => void): { feed(text: string): void; end(): void } {
  // 'start': at a field's first character; 'quoteSeen': a quote inside a quoted field, which
  // either closes it or, doubled, stands for one quote.
  let state: 'start' | 'unquoted' | 'quoted' | 'quoteSeen' = 'start';
  let cells: string[] = [];
  let cell = '';
  let length = 0;
  let quoted = false;
  let problem: string | undefined;
  let pendingCR = false;

  /** Counts characters of the row as written (text, separators, quotes) against the limit. */
  const count = (n: number) => {
    length += n;
    if (length > MAX_ROW_LENGTH) throw rowTooLong();
  };
  const append = (text: string) => {
    count(text.length);
    cell += text;
  };
  const malformed = (why: string) => {
    problem ??= why;
  };
  const endCell = () => {
    cells.push(cell);
    cell = '';
    state = 'start';
  };
  const loneCR = () => {
    malformed('a carriage return outside quotes that is not followed by a line feed');
    append('\r');
    state = 'unquoted';
  };
  /** Emits the finished record, unless the line was blank. */
  const endRecord = () => {
    endCell();
    const record: CsvRecord = problem === undefined ? { cells } : { cells, problem };
    const blank = problem === undefined && !quoted && cells.length === 1 && BLANK.test(cells[0]);
    cells = [];
    length = 0;
    quoted = false;
    problem = undefined;
    if (!blank) emit(record);
  };

  function feed(text: string): void {
    let i = 0;
    if (pendingCR && text.length > 0) {
      pendingCR = false;
      if (text.charCodeAt(0) === LF) {
        i = 1;
        endRecord();
      } else {
        loneCR();
      }
    }
    while (i < text.length) {
      if (state === 'quoted') {
        const close = text.indexOf('"', i);
        append(text.slice(i, close < 0 ? text.length : close));
        if (close < 0) return;
        count(1);
        state = 'quoteSeen';
        i = close + 1;
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        count(1);
        endCell();
        i++;
      } else if (c === LF) {
        endRecord();
        i++;
      } else if (c === CR) {
        if (i + 1 === text.length) {
          pendingCR = true; // decided by the next piece's first character
        } else if (text.charCodeAt(i + 1) === LF) {
          endRecord();
          i++;
        } else {
          loneCR();
        }
        i++;
      } else if (c === QUOTE) {
        if (state === 'start') {
          count(1);
          state = 'quoted';
          quoted = true;
        } else if (state === 'quoteSeen') {
          append('"');
          state = 'quoted';
        } else {
          malformed('a quote inside an unquoted field (quote the whole field and double the quote)');
          append('"');
        }
        i++;
      } else {
        if (state === 'quoteSeen') malformed('text after the closing quote of a field');
        state = 'unquoted';
        let j = i + 1;
        while (j < text.length && !isSpecial(text.charCodeAt(j))) j++;
        append(text.slice(i, j));
        i = j;
      }
    }
  }

  function end(): void {
    if (pendingCR) {
      pendingCR = false;
      loneCR();
    }
    if (state === 'quoted') malformed('the file ends inside a quoted field (a quote is never closed)');
    endRecord();
  }

  return { feed, end };
}

function isSpecial(c: number): boolean {
  return c === COMMA || c === QUOTE || c === CR || c === LF;
}

// ---- JSON Lines ----

async function* parseJsonLines(text: AsyncIterable<string>, fields: readonly string[]): AsyncGenerator<ParsedRecord[]> {
  let row = 0;
  let pending = '';
  let out: ParsedRecord[] = [];
  /** A line without its LF or CRLF end. */
  const take = (line: string) => {
    if (BLANK.test(line)) return;
    row++;
    out.push(readJsonRow(row, line, fields));
  };
  for await (const chunk of text) {
    yield* finished(out, () => {
      let start = 0;
      for (let lf = chunk.indexOf('\n'); lf >= 0; lf = chunk.indexOf('\n', start)) {
        take(withoutCR(checkedLength(pending + chunk.slice(start, lf))));
        pending = '';
        start = lf + 1;
      }
      pending = checkedLength(pending + chunk.slice(start));
    });
    out = [];
  }
  yield* finished(out, () => {
    if (pending !== '') take(withoutCR(pending));
  });
  if (row === 0) throw new BatchFormatError('EMPTY_FILE', 'the file has no rows');
}

function readJsonRow(row: number, line: string, names: readonly string[]): ParsedRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return { row, error: { code: 'MALFORMED_JSON', message: `not JSON: ${e instanceof Error ? e.message : String(e)}` } };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { row, error: { code: 'MALFORMED_JSON', message: `a row must be a JSON object, not ${kindOf(value)}` } };
  }
  const fields: Record<string, string> = {};
  const notStrings: string[] = [];
  for (const name of names) {
    if (!Object.hasOwn(value, name)) continue;
    const field: unknown = (value as Record<string, unknown>)[name];
    if (typeof field === 'string') fields[name] = field;
    else notStrings.push(`${name} is ${kindOf(field)}`);
  }
  if (notStrings.length > 0) {
    // the string fields still travel, so the row's outcome can name its loan_id
    return { row, fields, error: { code: 'NOT_A_STRING', message: `${notStrings.join(', ')}: in JSON Lines every value is a string (a JSON number is malformed)` } };
  }
  return { row, fields };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function checkedLength(line: string): string {
  if (line.length > MAX_ROW_LENGTH) throw rowTooLong();
  return line;
}

function withoutCR(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
