import { HttpException, Type } from '@nestjs/common';
import { validated } from '@g2g/platform';
import { BatchListParams } from '../batch-list/batch-list-params';
import { RowsParams } from './rows-params';

// The query strings of a batch's rows and of a bank's list of batches, as the routes' pipes read
// them: a good query gives the page and the filters; each bad parameter is refused 400 with its code.

function read<T extends object>(type: Type<T>, query: Record<string, string>): T {
  return validated(type).transform(query);
}

function refusal(type: Type<object>, query: Record<string, string>): unknown {
  try {
    validated(type).transform(query);
    return 'passed';
  } catch (error) {
    if (error instanceof HttpException) return { status: error.getStatus(), body: error.getResponse() };
    throw error;
  }
}

describe("a page of a batch's rows", () => {
  it('from the first row, 1,000 at a time, every outcome and code, by default', () => {
    expect(read(RowsParams, {})).toEqual(Object.assign(new RowsParams(), { after: 0, limit: 1_000 }));
    expect(read(RowsParams, { after: '2147483647', limit: '10000', outcome: 'rejected', code: 'QUOTA' })).toMatchObject({ after: 2_147_483_647, limit: 10_000, outcome: 'rejected', code: 'QUOTA' });
    expect(read(RowsParams, { after: '', limit: '' })).toMatchObject({ after: 0, limit: 1_000 });
  });

  it.each([
    [{ after: '-1' }, 'BAD_AFTER', 'after: a whole number from 0 to 2147483647'],
    [{ after: '2147483648' }, 'BAD_AFTER', 'after: a whole number from 0 to 2147483647'],
    [{ after: '1e3' }, 'BAD_AFTER', 'after: a whole number from 0 to 2147483647'],
    [{ limit: '0' }, 'BAD_LIMIT', 'limit: a whole number from 1 to 10000'],
    [{ limit: '10001' }, 'BAD_LIMIT', 'limit: a whole number from 1 to 10000'],
    [{ outcome: 'lost' }, 'BAD_OUTCOME', 'outcome: one of invalid, pending, approved, accepted, rejected'],
    [{ outcome: '' }, 'BAD_OUTCOME', 'outcome: one of invalid, pending, approved, accepted, rejected'],
    [{ code: 'quota' }, 'BAD_CODE', 'code: a result code such as QUOTA or MALFORMED_DATE'],
    [{ code: `Q${'X'.repeat(64)}` }, 'BAD_CODE', 'code: a result code such as QUOTA or MALFORMED_DATE'],
    [{ limit: '0', outcome: 'lost' }, 'BAD_LIMIT', 'limit: a whole number from 1 to 10000'],
  ])('%j: %s', (q, code, message) => {
    expect(refusal(RowsParams, q)).toEqual({ status: 400, body: { code, message } });
  });
});

describe("a bank's list of batches", () => {
  it('the latest 50 by default, up to 500', () => {
    expect(read(BatchListParams, {}).limit).toBe(50);
    expect(read(BatchListParams, { limit: '500' }).limit).toBe(500);
    for (const limit of ['0', '501', 'all']) expect(refusal(BatchListParams, { limit })).toEqual({ status: 400, body: { code: 'BAD_LIMIT', message: 'limit: a whole number from 1 to 500' } });
  });
});
