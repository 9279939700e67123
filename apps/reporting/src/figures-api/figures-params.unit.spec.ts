import { HttpException, Type } from '@nestjs/common';
import { validated } from '@g2g/platform';
import { FeedParams } from '../feeds/feed-params';
import { BreakdownParams, MonthlyParams } from '../figures-series/figures-series-params';
import { GuaranteesParams } from '../guarantees-api/guarantees-params';
import { RollForwardParams } from '../roll-forward/roll-forward-params';
import { FiguresParams, PERIOD_RULE, PeriodParams } from './figures-params';

// The query strings of the figures and of the reads made of them, as the routes' pipes read them:
// a good query gives the values the read is made of; each bad parameter is refused 400 with the
// code and message a client has had from these routes all along.

const PERIOD = { from: '2025-01-01', to: '2025-12-31' };

function read<T extends object>(type: Type<T>, query: Record<string, string>): T {
  return validated(type).transform(query);
}

function refusal(type: Type<object>, query: Record<string, string>): { status: number; code: string; message: string } {
  try {
    validated(type).transform(query);
  } catch (error) {
    if (error instanceof HttpException) return { status: error.getStatus(), ...(error.getResponse() as { code: string; message: string }) };
    throw error;
  }
  throw new Error(`${JSON.stringify(query)} was not refused`);
}

const badPeriod = { status: 400, code: 'BAD_PERIOD', message: PERIOD_RULE };

describe('the period and as_of of a read of the figures', () => {
  it('a period of real dates, from not after to, and a zoned as_of: the instant it names', () => {
    expect(read(PeriodParams, { ...PERIOD, as_of: '2025-07-01T00:00:00+08:00' })).toMatchObject({ ...PERIOD, asOf: '2025-06-30T16:00:00.000Z' });
    expect(read(PeriodParams, { from: '2025-03-01', to: '2025-03-01' }).asOf).toBeUndefined();
  });

  it.each([
    ['no period', {}],
    ['no end', { from: '2025-01-01' }],
    ['not a date', { from: '2025-01-01', to: '20251231' }],
    ['no such day', { from: '2025-02-29', to: '2025-12-31' }],
    ['from after to', { from: '2025-12-31', to: '2025-01-01' }],
    ['an empty from', { from: '', to: '2025-12-31' }],
  ])('BAD_PERIOD: %s', (_, q) => {
    expect(refusal(PeriodParams, q)).toEqual(badPeriod);
  });

  it.each(['2025-06-30T16:00:00', '2025-06-30', 'yesterday', '', '2025-13-30T16:00:00Z'])('BAD_AS_OF: %j', (asOf) => {
    expect(refusal(PeriodParams, { ...PERIOD, as_of: asOf })).toEqual({
      status: 400,
      code: 'BAD_AS_OF',
      message: 'as_of: an ISO 8601 time with its zone, e.g. 2025-06-30T16:00:00Z or 2025-07-01T00:00:00+08:00',
    });
  });
});

describe('the slice of a read of the figures', () => {
  it('every slice parameter given is kept, an empty one is as if absent', () => {
    const q = read(FiguresParams, { ...PERIOD, programme: 'P1', bank: 'ICBC', fund_backed: 'false', guarantor: 'G', reguarantor: 'R', province: '11', industry_section: 'C', borrower_type: 'small', guarantee: 'ignored' });
    expect(q.query()).toEqual({
      ...PERIOD,
      asOf: undefined,
      slice: { programme: 'P1', bank: 'ICBC', fundBacked: false, guarantor: 'G', reguarantor: 'R', province: '11', industrySection: 'C', borrowerType: 'small' },
    });
    expect(read(FiguresParams, { ...PERIOD, bank: '', fund_backed: 'true' }).slice()).toEqual({ fundBacked: true });
  });

  it.each(['yes', 'TRUE', '', '1'])('BAD_SLICE: fund_backed=%j', (fundBacked) => {
    expect(refusal(FiguresParams, { ...PERIOD, fund_backed: fundBacked })).toEqual({ status: 400, code: 'BAD_SLICE', message: 'fund_backed: true or false' });
  });

  it('the period is judged before the slice', () => {
    expect(refusal(FiguresParams, { fund_backed: 'yes' })).toEqual(badPeriod);
  });

  it('a parameter named like a method of the query is no parameter', () => {
    expect(read(FiguresParams, { ...PERIOD, slice: 'x', query: 'x', asOf: 'x' }).query()).toEqual({ ...PERIOD, asOf: undefined, slice: {} });
  });
});

describe('the series and breakdowns of the figures', () => {
  it('a monthly series covers at most 120 months, and keeps the period rule', () => {
    expect(read(MonthlyParams, { from: '2016-01-01', to: '2025-12-31' }).query()).toMatchObject({ from: '2016-01-01', to: '2025-12-31' });
    expect(refusal(MonthlyParams, { from: '2015-12-31', to: '2025-12-31' })).toEqual({ status: 400, code: 'BAD_PERIOD', message: 'a series covers at most 120 months' });
    expect(refusal(MonthlyParams, { from: '2025-12-31', to: '2025-01-01' })).toEqual(badPeriod);
    expect(refusal(MonthlyParams, { from: '2025-01-01', to: '2025-13-01' })).toEqual(badPeriod);
  });

  it('a breakdown names one or more known dimensions, each once', () => {
    expect(read(BreakdownParams, { ...PERIOD, by: 'bank, guarantor,bank' }).dimensions()).toEqual(['bank', 'guarantor']);
    for (const by of ['', ' , ', 'bank,borrower', 'region']) {
      expect(refusal(BreakdownParams, { ...PERIOD, by })).toEqual({ status: 400, code: 'BAD_BREAKDOWN', message: 'by: one or more of programme, bank, guarantor, province, industry_section, separated by commas' });
    }
    expect(refusal(BreakdownParams, PERIOD).code).toBe('BAD_BREAKDOWN');
  });

  it('a roll-forward is per guarantor unless it says per programme', () => {
    expect(read(RollForwardParams, PERIOD).by).toBe('guarantor');
    expect(read(RollForwardParams, { ...PERIOD, by: 'programme' }).by).toBe('programme');
    expect(refusal(RollForwardParams, { ...PERIOD, by: 'bank' })).toEqual({ status: 400, code: 'BAD_ROLL_FORWARD', message: 'by: guarantor or programme' });
    expect(refusal(RollForwardParams, { ...PERIOD, by: '' }).code).toBe('BAD_ROLL_FORWARD');
  });
});

describe('the guarantees behind a figure', () => {
  it('new guarantees by default, 50 a page from the start', () => {
    expect(read(GuaranteesParams, PERIOD)).toMatchObject({ behind: 'new_guarantees', limit: 50, after: undefined, loan_id: undefined });
    expect(read(GuaranteesParams, { ...PERIOD, behind: 'compensation', after: 'ICBC/L-9', limit: '1000', loan_id: 'L-' })).toMatchObject({ behind: 'compensation', after: 'ICBC/L-9', limit: 1000, loan_id: 'L-' });
  });

  it.each([
    [{ behind: 'loans' }, 'BAD_FIGURE', 'behind: one of new_guarantees, outstanding_balance, released, compensation'],
    [{ after: '' }, 'BAD_AFTER', 'after: the last guarantee id of the page before'],
    [{ after: 'x'.repeat(301) }, 'BAD_AFTER', 'after: the last guarantee id of the page before'],
    [{ limit: '0' }, 'BAD_LIMIT', 'limit: a whole number from 1 to 1000'],
    [{ limit: '1001' }, 'BAD_LIMIT', 'limit: a whole number from 1 to 1000'],
  ])('%j: %s', (q, code, message) => {
    expect(refusal(GuaranteesParams, { ...PERIOD, ...q })).toEqual({ status: 400, code, message });
  });
});

describe("a participant's feed", () => {
  it('from the start, 500 a page, by default; the cursor is a bigint', () => {
    expect(read(FeedParams, {})).toMatchObject({ after: 0n, limit: 500 });
    expect(read(FeedParams, { after: '10000000000000002', limit: '5000' })).toMatchObject({ after: 10_000_000_000_000_002n, limit: 5000 });
  });

  it.each([
    [{ limit: '0' }, 'BAD_LIMIT', 'limit: a whole number from 1 to 5000'],
    [{ limit: '5001' }, 'BAD_LIMIT', 'limit: a whole number from 1 to 5000'],
    [{ after: '-1' }, 'BAD_AFTER', 'after: a whole number from 0 to 9223372036854775807'],
    [{ after: '9223372036854775808' }, 'BAD_AFTER', 'after: a whole number from 0 to 9223372036854775807'],
    [{ after: '1e3', limit: 'x' }, 'BAD_LIMIT', 'limit: a whole number from 1 to 5000'],
  ])('%j: %s', (q, code, message) => {
    expect(refusal(FeedParams, q)).toEqual({ status: 400, code, message });
  });
});
