import { LOAN_ROW_FIELDS } from '@g2g/domain';
import { BatchFormat, BatchFormatError, MAX_ROW_LENGTH, ParsedRecord, parseBatch } from './batch-parser';

const HEADER = LOAN_ROW_FIELDS.join(',');

/** The values of a valid row in LOAN_ROW_FIELDS order, with `loan_id` and any changes given. */
function values(loanId: string, changes: Record<string, string> = {}): Record<string, string> {
  const row: Record<string, string> = {
    loan_id: loanId,
    borrower_id_type: 'USCC',
    borrower_id: '91350100M000100Y43',
    borrower_name: 'Fuzhou Minghui Machinery',
    borrower_type: 'small',
    industry_code: 'C1311',
    region_code: '350100',
    sci_tech: 'N',
    agri_related: 'Y',
    principal: '1500000.00',
    currency: 'CNY',
    interest_rate_pct: '4.47',
    guarantee_fee_rate_pct: '0.62',
    disbursed_on: '2025-06-01',
    matures_on: '2026-05-31',
  };
  return { ...row, ...changes };
}

/** A CSV line of a row's values (none of which needs quoting). */
function csvLine(loanId: string, changes: Record<string, string> = {}): string {
  const row = values(loanId, changes);
  return LOAN_ROW_FIELDS.map((f) => row[f]).join(',');
}

async function* pieces(...parts: Array<Buffer | string>): AsyncGenerator<Buffer | string> {
  for (const part of parts) yield part;
}

async function parse(input: string | Buffer | Array<Buffer | string>, format: BatchFormat = 'csv'): Promise<ParsedRecord[]> {
  const parts = Array.isArray(input) ? input : [typeof input === 'string' ? Buffer.from(input, 'utf8') : input];
  const records: ParsedRecord[] = [];
  for await (const record of parseBatch(pieces(...parts), format)) records.push(record);
  return records;
}

/** The error a whole-file problem throws, with the records yielded before it. */
async function failure(input: string | Buffer | Array<Buffer | string>, format: BatchFormat = 'csv') {
  const parts = Array.isArray(input) ? input : [typeof input === 'string' ? Buffer.from(input, 'utf8') : input];
  const before: ParsedRecord[] = [];
  try {
    for await (const record of parseBatch(pieces(...parts), format)) before.push(record);
  } catch (error) {
    if (!(error instanceof BatchFormatError)) throw error;
    return { code: error.code, message: error.message, before };
  }
  throw new Error('expected a BatchFormatError');
}

const BOM = '\uFEFF';

describe('CSV batch file', () => {
  it('reads a header and rows into the fields of the interface, numbering rows from 1', async () => {
    expect(await parse(`${HEADER}\n${csvLine('L1')}\n${csvLine('L2')}\n`)).toEqual([
      { row: 1, fields: values('L1') },
      { row: 2, fields: values('L2') },
    ]);
  });

  it('reads columns in any order and leaves extra columns out', async () => {
    const columns = ['remark', ...[...LOAN_ROW_FIELDS].reverse(), 'branch'];
    const row = values('L1');
    const line = ['call back', ...[...LOAN_ROW_FIELDS].reverse().map((f) => row[f]), 'Gulou'].join(',');
    expect(await parse(`${columns.join(',')}\r\n${line}\r\n`)).toEqual([{ row: 1, fields: row }]);
  });

  it('returns fields untrimmed: trimming is validation', async () => {
    const [record] = await parse(`${HEADER}\n${csvLine(' L1\t', { borrower_type: ' small ' })}\n`);
    expect(record.fields).toMatchObject({ loan_id: ' L1\t', borrower_type: ' small ' });
  });

  it('tolerates a BOM, and keeps a U+FEFF that is not at the start of the file', async () => {
    const [record] = await parse(`${BOM}${HEADER}\n${csvLine('L1', { borrower_name: `A${BOM}B` })}\n`);
    expect(record.fields).toMatchObject({ loan_id: 'L1', borrower_name: `A${BOM}B` });
  });

  it('accepts LF, CRLF, a mix of them, and a last row without a line end', async () => {
    const expected = [
      { row: 1, fields: values('L1') },
      { row: 2, fields: values('L2') },
    ];
    expect(await parse(`${HEADER}\r\n${csvLine('L1')}\r\n${csvLine('L2')}\r\n`)).toEqual(expected);
    expect(await parse(`${HEADER}\n${csvLine('L1')}\r\n${csvLine('L2')}`)).toEqual(expected);
  });

  it('skips blank lines (empty, or only spaces and tabs) without numbering them', async () => {
    const text = `\n${HEADER}\n\n${csvLine('L1')}\r\n\r\n  \t\n${csvLine('L2')}\n\n`;
    expect((await parse(text)).map((r) => [r.row, r.fields?.loan_id])).toEqual([
      [1, 'L1'],
      [2, 'L2'],
    ]);
  });

  it('reads RFC 4180 quoting: commas, line ends and doubled quotes inside quotes, empty quoted fields', async () => {
    const name = 'Minghui "Machinery", Fuzhou\r\nBranch\nNo. 2';
    const line = csvLine('L1').replace('Fuzhou Minghui Machinery', `"${name.replace(/"/g, '""')}"`).replace('L1', '"L1"');
    const [record] = await parse(`${HEADER}\n${line}\n`);
    expect(record).toEqual({ row: 1, fields: values('L1', { borrower_name: name }) });

    const [empty] = await parse(`${HEADER}\n${csvLine('L2').replace('CNY', '""').replace('Fuzhou Minghui Machinery', '')}\n`);
    expect(empty.fields).toMatchObject({ currency: '', borrower_name: '' });
  });

  it('makes a row with another number of cells than the header an error record', async () => {
    const short = csvLine('L2').replace(',CNY', '');
    const long = `${csvLine('L3')},extra`;
    expect(await parse(`${HEADER}\n${csvLine('L1')}\n${short}\n${long}\n""\n${csvLine('L5')}\n`)).toEqual([
      { row: 1, fields: values('L1') },
      { row: 2, error: { code: 'CELL_COUNT', message: 'row has 14 cells, the header has 15' } },
      { row: 3, error: { code: 'CELL_COUNT', message: 'row has 16 cells, the header has 15' } },
      { row: 4, error: { code: 'CELL_COUNT', message: 'row has 1 cell, the header has 15' } },
      { row: 5, fields: values('L5') },
    ]);
  });

  it.each([
    ['a quote inside an unquoted field', csvLine('L2').replace('Fuzhou Minghui Machinery', 'Minghui "Machinery"')],
    ['text after a closing quote', csvLine('L2').replace('Fuzhou Minghui Machinery', '"Minghui" Machinery')],
    ['a space before an opening quote', csvLine('L2').replace('Fuzhou Minghui Machinery', ' "Minghui"')],
    ['a carriage return alone', csvLine('L2').replace('Fuzhou Minghui', 'Fuzhou\rMinghui')],
  ])('makes %s a MALFORMED_CSV row and reads on from the next line', async (_case, bad) => {
    const records = await parse(`${HEADER}\n${csvLine('L1')}\n${bad}\n${csvLine('L3')}\n`);
    expect(records.map((r) => [r.row, r.error?.code ?? r.fields?.loan_id])).toEqual([
      [1, 'L1'],
      [2, 'MALFORMED_CSV'],
      [3, 'L3'],
    ]);
  });

  it('makes a quote left open at the end of the file an error record for its row', async () => {
    const open = csvLine('L2').replace('Fuzhou Minghui Machinery', '"Minghui Machinery');
    expect(await parse(`${HEADER}\n${csvLine('L1')}\n${open}\n${csvLine('L3')}\n`)).toEqual([
      { row: 1, fields: values('L1') },
      { row: 2, error: { code: 'MALFORMED_CSV', message: 'the file ends inside a quoted field (a quote is never closed)' } },
    ]);
  });

  it('refuses a header that lacks fields, naming every missing one', async () => {
    const header = LOAN_ROW_FIELDS.filter((f) => f !== 'currency' && f !== 'matures_on').join(',');
    const error = await failure(`${header}\n${csvLine('L1')}\n`);
    expect(error).toMatchObject({ code: 'MISSING_COLUMNS', before: [] });
    expect(error.message).toContain(': currency, matures_on');
  });

  it.each([
    ['in another case', HEADER.replace('loan_id', 'Loan_id')],
    ['with a space', HEADER.replace('borrower_id_type', ' borrower_id_type')],
  ])('names fields exactly: a header with a field name %s misses it', async (_case, header) => {
    expect(await failure(`${header}\n${csvLine('L1')}\n`)).toMatchObject({ code: 'MISSING_COLUMNS' });
  });

  it('refuses a header naming a field twice', async () => {
    expect(await failure(`${HEADER},principal\n${csvLine('L1')},1\n`)).toMatchObject({ code: 'DUPLICATE_COLUMNS' });
  });

  it('refuses a malformed header line', async () => {
    expect(await failure(`"loan_id,${HEADER}\n`)).toMatchObject({ code: 'MALFORMED_HEADER' });
  });

  it.each([
    ['an empty file', ''],
    ['a file of a BOM and blank lines', `${BOM}\r\n \n\t\n`],
    ['a header and no rows', `${HEADER}\r\n\r\n`],
  ])('refuses %s as EMPTY_FILE', async (_case, text) => {
    expect(await failure(text)).toMatchObject({ code: 'EMPTY_FILE' });
  });
});

describe('JSON Lines batch file', () => {
  const json = (loanId: string, changes: Record<string, unknown> = {}) => JSON.stringify({ ...values(loanId), ...changes });

  it('reads one object a line into the fields of the interface, leaving other keys out', async () => {
    const text = `${BOM}${json('L1', { remark: 5, nested: { a: 1 } })}\r\n${json('L2')}`;
    expect(await parse(text, 'jsonl')).toEqual([
      { row: 1, fields: values('L1') },
      { row: 2, fields: values('L2') },
    ]);
  });

  it('leaves absent fields absent (validation reports them) and values untrimmed', async () => {
    const [record] = await parse(`${JSON.stringify({ loan_id: ' L1 ', currency: 'CNY' })}\n`, 'jsonl');
    expect(record).toEqual({ row: 1, fields: { loan_id: ' L1 ', currency: 'CNY' } });
  });

  it('skips blank lines without numbering them', async () => {
    const text = `\n${json('L1')}\n\n \t\r\n${json('L2')}\n\n`;
    expect((await parse(text, 'jsonl')).map((r) => [r.row, r.fields?.loan_id])).toEqual([
      [1, 'L1'],
      [2, 'L2'],
    ]);
  });

  it('makes a value that is not a string NOT_A_STRING, naming each such field', async () => {
    const text = [json('L1', { principal: 1500000 }), json('L2', { sci_tech: false, currency: null }), json('L3')].join('\n');
    expect(await parse(text, 'jsonl')).toEqual([
      {
        row: 1,
        fields: (({ principal: _, ...rest }) => rest)(values('L1')),
        error: { code: 'NOT_A_STRING', message: 'principal is a number: in JSON Lines every value is a string (a JSON number is malformed)' },
      },
      {
        row: 2,
        fields: (({ sci_tech: _s, currency: _c, ...rest }) => rest)(values('L2')),
        error: { code: 'NOT_A_STRING', message: 'sci_tech is a boolean, currency is null: in JSON Lines every value is a string (a JSON number is malformed)' },
      },
      { row: 3, fields: values('L3') },
    ]);
  });

  it.each([
    ['a line that does not parse', '{"loan_id": "L2",'],
    ['an array', '["L2"]'],
    ['a string', '"L2"'],
    ['a number', '42'],
    ['null', 'null'],
    ['two objects on one line', `${json('L2')} ${json('L2b')}`],
  ])('makes %s MALFORMED_JSON and reads on', async (_case, line) => {
    const records = await parse(`${json('L1')}\n${line}\n${json('L3')}\n`, 'jsonl');
    expect(records.map((r) => [r.row, r.error?.code ?? r.fields?.loan_id])).toEqual([
      [1, 'L1'],
      [2, 'MALFORMED_JSON'],
      [3, 'L3'],
    ]);
  });

  it('says what a non-object row is', async () => {
    const [record] = await parse('[1, 2]\n', 'jsonl');
    expect(record.error).toEqual({ code: 'MALFORMED_JSON', message: 'a row must be a JSON object, not an array' });
  });

  it('refuses a file without rows as EMPTY_FILE', async () => {
    expect(await failure(`${BOM}\n\r\n  \n`, 'jsonl')).toMatchObject({ code: 'EMPTY_FILE' });
  });
});

describe('bytes that are not UTF-8', () => {
  it('refuse the whole file, after the rows read before them', async () => {
    const error = await failure([Buffer.from(`${HEADER}\n${csvLine('L1')}\n`), Buffer.concat([Buffer.from([0xff]), Buffer.from(`${csvLine('L2')}\n`)])]);
    expect(error.code).toBe('NOT_UTF8');
    expect(error.before.map((r) => r.fields?.loan_id)).toEqual(['L1']);
  });

  it('refuse a file in GBK', async () => {
    const zhang = Buffer.from([0xd5, 0xc5]); // 张 in GBK
    const bytes = Buffer.concat([Buffer.from(`${HEADER}\n${csvLine('L1').replace('Fuzhou', '')}`), zhang, Buffer.from('\n')]);
    expect(await failure(bytes)).toMatchObject({ code: 'NOT_UTF8' });
  });

  it('refuse a file ending inside a character', async () => {
    const cut = Buffer.from(`${json1()}张`).subarray(0, -1);
    expect(await failure(cut, 'jsonl')).toMatchObject({ code: 'NOT_UTF8', message: expect.stringContaining('ends inside a character') });
  });

  it('refuse an encoded surrogate half', async () => {
    const bytes = Buffer.concat([Buffer.from(`${json1()}\n{"loan_id":"`), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}\n')]);
    expect(await failure(bytes, 'jsonl')).toMatchObject({ code: 'NOT_UTF8' });
  });

  function json1() {
    return JSON.stringify(values('L1'));
  }
});

describe('chunk boundaries', () => {
  // A CSV sample touching every state: BOM, an extra column, CRLF and LF, a quoted field with a
  // comma, a CRLF, a doubled quote and characters of 2, 3 and 4 UTF-8 bytes, blank lines, a short
  // row, a malformed quote, a lone CR, and a quote left open at the end.
  const name = 'Café "明辉", 福州\r\n😀';
  const csvSample = [
    `${BOM}${HEADER},remark\r\n`,
    `${csvLine('L1').replace('Fuzhou Minghui Machinery', `"${name.replace(/"/g, '""')}"`)},é\r\n`,
    `\r\n`,
    `${csvLine('L2', { borrower_name: '张三' })},\n`,
    ` \t\n`,
    `${csvLine('L3')}\r\n`,
    `${csvLine('L4').replace('Fuzhou', 'Fu"zhou')},x\r\n`,
    `${csvLine('L5').replace('Fuzhou ', 'Fuzhou\r')},x\r\n`,
    `${csvLine('L6')},"never closed\r\n😀`,
  ].join('');
  const csvExpected: ParsedRecord[] = [
    { row: 1, fields: values('L1', { borrower_name: name }) },
    { row: 2, fields: values('L2', { borrower_name: '张三' }) },
    { row: 3, error: { code: 'CELL_COUNT', message: 'row has 15 cells, the header has 16' } },
    { row: 4, error: { code: 'MALFORMED_CSV', message: 'a quote inside an unquoted field (quote the whole field and double the quote)' } },
    { row: 5, error: { code: 'MALFORMED_CSV', message: 'a carriage return outside quotes that is not followed by a line feed' } },
    { row: 6, error: { code: 'MALFORMED_CSV', message: 'the file ends inside a quoted field (a quote is never closed)' } },
  ];

  const jsonSample = [
    `${BOM}${JSON.stringify(values('L1', { borrower_name: name }))}\r\n`,
    `\r\n`,
    `${JSON.stringify(values('L2', { principal: 10 as unknown as string }))}\n`,
    `{"loan_id":"L3\n`,
    ` \t\n`,
    `${JSON.stringify(values('L4', { borrower_name: '张三😀' }))}`,
  ].join('');
  const jsonExpected: ParsedRecord[] = [
    { row: 1, fields: values('L1', { borrower_name: name }) },
    {
      row: 2,
      fields: (({ principal: _, ...rest }) => rest)(values('L2')),
      error: { code: 'NOT_A_STRING', message: 'principal is a number: in JSON Lines every value is a string (a JSON number is malformed)' },
    },
    { row: 3, error: { code: 'MALFORMED_JSON', message: expect.stringMatching(/^not JSON: /) } },
    { row: 4, fields: values('L4', { borrower_name: '张三😀' }) },
  ];

  it.each<[BatchFormat, string, ParsedRecord[]]>([
    ['csv', csvSample, csvExpected],
    ['jsonl', jsonSample, jsonExpected],
  ])('%s: the sample read whole gives the expected records', async (format, sample, expected) => {
    expect(await parse(sample, format)).toEqual(expected);
  });

  it.each<[BatchFormat, string, ParsedRecord[]]>([
    ['csv', csvSample, csvExpected],
    ['jsonl', jsonSample, jsonExpected],
  ])('%s: the same records whatever byte the file is split at', async (format, sample, expected) => {
    const bytes = Buffer.from(sample, 'utf8');
    for (let at = 0; at <= bytes.length; at++) {
      const records = await parse([bytes.subarray(0, at), bytes.subarray(at)], format);
      if (!equal(records, expected)) throw new Error(`split at byte ${at} gives ${JSON.stringify(records)}`);
    }
    expect(await parse([...bytes].map((b) => Buffer.from([b])), format)).toEqual(expected);
  });

  it.each<[BatchFormat, string, ParsedRecord[]]>([
    ['csv', csvSample, csvExpected],
    ['jsonl', jsonSample, jsonExpected],
  ])('%s: the same records from text split at any UTF-16 unit, even inside a surrogate pair', async (format, sample, expected) => {
    for (let at = 0; at <= sample.length; at++) {
      const records = await parse([sample.slice(0, at), sample.slice(at)], format);
      if (!equal(records, expected)) throw new Error(`split at ${at} gives ${JSON.stringify(records)}`);
    }
    expect(await parse([...sample.slice(0, 40)].concat(sample.slice(40)), format)).toEqual(expected);
  });

  it('reads a file that mixes Buffer and string chunks', async () => {
    const bytes = Buffer.from(csvSample, 'utf8');
    expect(await parse([bytes.subarray(0, 100), csvSample.slice(bytes.subarray(0, 100).toString('utf8').length)])).toEqual(csvExpected);
  });

  /** Deep equality as jest sees it, with expect.* matchers, for use inside a loop. */
  function equal(actual: unknown, expected: unknown): boolean {
    try {
      expect(actual).toEqual(expected);
      return true;
    } catch {
      return false;
    }
  }
});

describe('streaming', () => {
  const ROWS = 200_000;

  /** A CSV batch of `rows` rows, generated 500 rows to a Buffer chunk; `pulled` counts chunks taken. */
  function generatedCsv(rows: number, progress: { pulled: number; closed: boolean }) {
    return (async function* () {
      try {
        progress.pulled++;
        yield Buffer.from(`${HEADER}\r\n`);
        for (let from = 1; from <= rows; from += 500) {
          const lines: string[] = [];
          for (let n = from; n < from + 500 && n <= rows; n++) lines.push(`${csvLine(`L${n}`, { borrower_name: `"借款人 ${n}, 有限公司"` })}\r\n`);
          progress.pulled++;
          yield Buffer.from(lines.join(''));
        }
      } finally {
        progress.closed = true;
      }
    })();
  }

  it(`reads ${ROWS.toLocaleString('en')} rows one at a time, with modest memory`, async () => {
    const progress = { pulled: 0, closed: false };
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let count = 0;
    let last: ParsedRecord | undefined;
    for await (const record of parseBatch(generatedCsv(ROWS, progress), 'csv')) {
      count++;
      last = record;
      if (record.row !== count) throw new Error(`row ${record.row} came as record ${count}`);
      if (count % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    expect(count).toBe(ROWS);
    expect(last).toEqual({ row: ROWS, fields: values(`L${ROWS}`, { borrower_name: `借款人 ${ROWS}, 有限公司` }) });
    // The file is about 40 MB of UTF-8 (80 MB as JS strings) and 200,000 records: holding it would exceed this.
    expect(peak - before).toBeLessThan(50 * 1024 * 1024);
  }, 60_000);

  it('pulls input only as records are asked for, and stops reading when the consumer stops', async () => {
    const progress = { pulled: 0, closed: false };
    const records = parseBatch(generatedCsv(ROWS, progress), 'csv');
    expect(progress.pulled).toBe(0);
    const first = await records.next();
    expect(first.value).toMatchObject({ row: 1, fields: { loan_id: 'L1' } });
    expect(progress.pulled).toBe(2); // the header chunk and the first 500 rows
    for (let n = 2; n <= 501; n++) await records.next();
    expect(progress.pulled).toBe(3);
    await records.return(undefined);
    expect(progress.closed).toBe(true);
    expect(progress.pulled).toBe(3);
  });

  it('refuses a row longer than the limit instead of holding it, e.g. a quote never closed', async () => {
    let pulled = 0;
    async function* neverClosed() {
      yield Buffer.from(`${HEADER}\n${csvLine('L1')}\n"L2,`);
      // 80 chunks of 500 rows, about 5.6 MB without a quote, that the open quote would swallow
      for (let chunk = 0; chunk < 80; chunk++) {
        pulled++;
        yield Buffer.from(Array.from({ length: 100 }, (_, n) => `${csvLine(`L${chunk * 100 + n + 3}`)}\r\n`).join('').repeat(5));
      }
    }
    const before: ParsedRecord[] = [];
    await expect(
      (async () => {
        for await (const record of parseBatch(neverClosed(), 'csv')) before.push(record);
      })(),
    ).rejects.toMatchObject({ code: 'ROW_TOO_LONG' });
    expect(before.map((r) => r.row)).toEqual([1]);
    expect(pulled).toBeLessThan(25); // stopped after about MAX_ROW_LENGTH characters (15 chunks), not at the end
    expect(MAX_ROW_LENGTH).toBe(1024 * 1024);
  });

  it('refuses a JSON line longer than the limit', async () => {
    const long = JSON.stringify(values('L1', { borrower_name: 'x'.repeat(MAX_ROW_LENGTH) }));
    expect(await failure([`${JSON.stringify(values('L0'))}\n`, long.slice(0, 1000), long.slice(1000), '\n'], 'jsonl')).toMatchObject({
      code: 'ROW_TOO_LONG',
      before: [{ row: 1 }],
    });
  });
});

it('refuses a format it does not know', async () => {
  await expect(parse('a\n', 'xml' as BatchFormat)).rejects.toMatchObject({ code: 'UNKNOWN_FORMAT' });
});

describe('rows before bytes that are not UTF-8', () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `${csvLine(`L${i + 1}`)}\n`).join('');

  it('are all read, also those in the same piece as the bad byte', async () => {
    const good = Buffer.from(`${HEADER}\n${lines(1_500)}`);
    const bytes = Buffer.concat([good, Buffer.from([0xff]), Buffer.from(`${csvLine('L1501')}\n`)]);
    for (const pieceSize of [bytes.length, 65_536, 1_000, 7]) {
      const parts: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += pieceSize) parts.push(bytes.subarray(i, i + pieceSize));
      const error = await failure(parts);
      expect([pieceSize, error.code, error.before.length]).toEqual([pieceSize, 'NOT_UTF8', 1_500]);
      expect(error.message).toContain(`at byte ${good.length}`);
    }
  });

  it('keep a character split across pieces just before the bad byte', async () => {
    const zhang = Buffer.from('张'); // 3 bytes
    const bytes = Buffer.concat([Buffer.from(`${HEADER}\n${csvLine('L1').replace('Fuzhou', '')}`), zhang, Buffer.from('\n'), Buffer.from([0xc0, 0x80])]);
    const at = bytes.indexOf(zhang) + 1;
    const error = await failure([bytes.subarray(0, at), bytes.subarray(at)]);
    expect(error.code).toBe('NOT_UTF8');
    expect(error.before).toHaveLength(1);
    expect(Object.values(error.before[0].fields ?? {}).join()).toContain('张');
  });

  it.each([
    ['an overlong form', [0xe0, 0x80, 0x80]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a lone continuation byte', [0x80]],
  ])('stop at %s', async (_what, bad) => {
    const head = Buffer.from(`${HEADER}\n${lines(2)}`);
    const error = await failure(Buffer.concat([head, Buffer.from(bad), Buffer.from('x\n')]));
    expect(error.code).toBe('NOT_UTF8');
    expect(error.before).toHaveLength(2);
    expect(error.message).toContain(`at byte ${head.length}`);
  });
});
