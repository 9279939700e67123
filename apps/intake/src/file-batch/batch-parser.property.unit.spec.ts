import { LOAN_ROW_FIELDS, validateClaimRow, validateLoanRow } from '@g2g/domain';
import { VALID_LOAN_ROW } from '../../../../libs/domain/src/loan-row.fixture';
import fc from 'fast-check';
import { BatchFormat, BatchFormatError, ParsedRecord, parseBatch, parseBatchPieces } from './batch-parser';

// Whatever bytes a bank sends, the reader either gives every data row exactly one record, numbered
// 1, 2, 3, ... in file order, or stops with a BatchFormatError after the rows it read; nothing else
// is thrown, and the checks of every record never throw either. Random mutations of valid files.

const csvLine = (id: string) => LOAN_ROW_FIELDS.map((f) => (f === 'loan_id' ? id : VALID_LOAN_ROW[f])).join(',');
const validCsv = (n: number) => Buffer.from([LOAN_ROW_FIELDS.join(','), ...Array.from({ length: n }, (_, i) => csvLine(`L${i + 1}`))].join('\r\n') + '\r\n');
const validJsonl = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => JSON.stringify({ ...VALID_LOAN_ROW, loan_id: `L${i + 1}` })).join('\n') + '\n');

/** Bytes a hostile or broken client might put anywhere. */
const nasty = fc.oneof(
  fc.constantFrom(...[0x00, 0x0a, 0x0d, 0x22, 0x2c, 0x7b, 0x7d, 0x5c, 0xff, 0xfe, 0xc0, 0x80, 0xed, 0xef, 0xbb, 0xbf].map((b) => [b])),
  fc.constantFrom(...['\u0000', '"', '""', ',', '\r\n', '\n\n', '\\u0000', '\\ud800', '{', '}', '张', '😀', '\u202e', '\u200b', '\ufeff', ' \t'].map((t) => [...Buffer.from(t)])),
  fc.uint8Array({ minLength: 1, maxLength: 6 }).map((a) => [...a]),
);
const mutation = fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), kind: fc.constantFrom('insert', 'replace', 'delete'), bytes: nasty, length: fc.integer({ min: 1, max: 40 }) });

function mutate(file: Buffer, mutations: { at: number; kind: string; bytes: number[]; length: number }[]): Buffer {
  let out = file;
  for (const m of mutations) {
    const i = Math.floor(m.at * out.length);
    const insert = Buffer.from(m.bytes);
    if (m.kind === 'insert') out = Buffer.concat([out.subarray(0, i), insert, out.subarray(i)]);
    else if (m.kind === 'replace') out = Buffer.concat([out.subarray(0, i), insert, out.subarray(i + insert.length)]);
    else out = Buffer.concat([out.subarray(0, i), out.subarray(i + m.length)]);
  }
  return out;
}

function pieces(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of at) {
    out.push(bytes.subarray(from, c));
    from = c;
  }
  out.push(bytes.subarray(from));
  return out;
}

async function read(parts: Buffer[], format: BatchFormat): Promise<{ records: ParsedRecord[]; error?: string }> {
  const records: ParsedRecord[] = [];
  async function* source() {
    for (const p of parts) yield p;
  }
  try {
    for await (const r of parseBatch(source(), format)) records.push(r);
    return { records };
  } catch (error) {
    if (error instanceof BatchFormatError) return { records, error: error.code };
    throw error; // anything else fails the property
  }
}

const fileArb = fc.record({
  format: fc.constantFrom<BatchFormat>('csv', 'jsonl'),
  rows: fc.integer({ min: 0, max: 12 }),
  mutations: fc.array(mutation, { maxLength: 4 }),
  cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
});

describe('the batch reader on mutated files', () => {
  it('numbers every record 1, 2, 3, ... and throws nothing but BatchFormatError; every record can be checked', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, async ({ format, rows, mutations, cuts }) => {
        const bytes = mutate(format === 'csv' ? validCsv(rows) : validJsonl(rows), mutations);
        const { records } = await read(pieces(bytes, cuts), format);
        records.forEach((r, i) => {
          expect(r.row).toBe(i + 1);
          expect(r.fields !== undefined || r.error !== undefined).toBe(true);
          const checked = validateLoanRow(r.fields ?? {});
          if (!checked.ok) expect(checked.errors.length).toBeGreaterThan(0);
          validateClaimRow(r.fields ?? {});
        });
      }),
      { numRuns: 3_000 },
    );
  });

  it('reads the same records and the same error however the bytes are cut into pieces', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }), async ({ format, rows, mutations, cuts }, otherCuts) => {
        const bytes = mutate(format === 'csv' ? validCsv(rows) : validJsonl(rows), mutations);
        const a = await read(pieces(bytes, cuts), format);
        const b = await read(pieces(bytes, otherCuts), format);
        expect(b).toEqual(a);
      }),
      { numRuns: 2_000 },
    );
  });

  it('hands intake the same records a piece of input at a time: none empty, at most one per piece and one at the end', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, async ({ format, rows, mutations, cuts }) => {
        const parts = pieces(mutate(format === 'csv' ? validCsv(rows) : validJsonl(rows), mutations), cuts);
        const handed: ParsedRecord[][] = [];
        let error: string | undefined;
        try {
          for await (const records of parseBatchPieces((async function* () {
            yield* parts;
          })(), format)) handed.push(records);
        } catch (e) {
          if (!(e instanceof BatchFormatError)) throw e;
          error = e.code;
        }
        expect(handed.every((records) => records.length > 0)).toBe(true);
        expect(handed.length).toBeLessThanOrEqual(parts.length + 1);
        expect({ records: handed.flat(), ...(error ? { error } : {}) }).toEqual(await read(parts, format));
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives an untouched file exactly its rows', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<BatchFormat>('csv', 'jsonl'), fc.integer({ min: 1, max: 50 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }), async (format, rows, cuts) => {
        const { records, error } = await read(pieces(format === 'csv' ? validCsv(rows) : validJsonl(rows), cuts), format);
        expect(error).toBeUndefined();
        expect(records.map((r) => r.fields?.loan_id)).toEqual(Array.from({ length: rows }, (_, i) => `L${i + 1}`));
        expect(records.every((r) => validateLoanRow(r.fields!).ok)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
