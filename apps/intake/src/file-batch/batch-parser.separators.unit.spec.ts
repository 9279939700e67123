import { REPAYMENT_FIELDS } from '@g2g/domain';
import { MAX_ROW_LENGTH, ParsedRecord, parseBatch } from './batch-parser';

// A row longer than MAX_ROW_LENGTH is refused (ROW_TOO_LONG) so that memory stays bounded. A row
// made only of separators holds no text, but every comma is a cell: a row of a few million commas
// must be refused like any other row that long, not read into millions of cells.

async function* pieces(first: string, fill: string, total: number, last: string): AsyncGenerator<Buffer> {
  yield Buffer.from(first);
  const piece = Buffer.from(fill.repeat(Math.ceil(65_536 / fill.length)));
  for (let sent = 0; sent < total; sent += piece.length) yield piece;
  yield Buffer.from(last);
}

async function read(input: AsyncIterable<Buffer>): Promise<{ records: ParsedRecord[]; error?: { code?: string } }> {
  const records: ParsedRecord[] = [];
  try {
    for await (const r of parseBatch(input, 'csv', REPAYMENT_FIELDS)) records.push(r);
    return { records };
  } catch (error) {
    return { records, error: error as { code?: string } };
  }
}

describe('a CSV row longer than the limit in separators', () => {
  it('is refused when it is only commas', async () => {
    const { records, error } = await read(pieces('loan_id,amount,repaid_on\nL-1,1.00,2025-06-01\n', ',', 3 * MAX_ROW_LENGTH, '\n'));
    expect(records.map((r) => r.row)).toEqual([1]);
    expect(error?.code).toBe('ROW_TOO_LONG');
  });

  it('is refused when it is only empty quoted cells', async () => {
    const { error } = await read(pieces('loan_id,amount,repaid_on\n', '"",', 3 * MAX_ROW_LENGTH, '\n'));
    expect(error?.code).toBe('ROW_TOO_LONG');
  });

  it('is refused when it is the header line', async () => {
    const { error } = await read(pieces('loan_id,amount,repaid_on', ',', 3 * MAX_ROW_LENGTH, '\nL-1,1.00,2025-06-01\n'));
    expect(error?.code).toBe('ROW_TOO_LONG');
  });
});
