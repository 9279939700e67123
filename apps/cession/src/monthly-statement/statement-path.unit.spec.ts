import { HttpException } from '@nestjs/common';
import { validated } from '@g2g/platform';
import { StatementPath } from './statement-path';

// The path of a monthly statement as the route's pipe reads it: a month YYYY-MM, or 400 BAD_MONTH.

function refusal(params: Record<string, string>): unknown {
  try {
    validated(StatementPath).transform(params);
    return 'passed';
  } catch (error) {
    if (error instanceof HttpException) return { status: error.getStatus(), body: error.getResponse() };
    throw error;
  }
}

describe('the path of a monthly statement', () => {
  it('names a participant and a month', () => {
    expect(validated(StatementPath).transform({ participant: 'BJ-REG', month: '2025-03' })).toMatchObject({ participant: 'BJ-REG', month: '2025-03' });
    expect(refusal({ participant: 'constructor', month: '2025-12' })).toBe('passed');
  });

  it.each(['2025-3', '2025-13', '2025-00', '202503', '2025-03-01', 'march'])('BAD_MONTH: %s', (month) => {
    expect(refusal({ participant: 'BJ-REG', month })).toEqual({ status: 400, body: { code: 'BAD_MONTH', message: 'month: YYYY-MM' } });
  });
});
