import { formatRate, parseRate, parseSharePct } from './rate';

describe('rates in percent per year, exact to 4 decimals', () => {
  it.each([
    ['4.47', 44700n], // 4.47 x 10^4
    ['0.62', 6200n],
    ['8', 80000n],
    ['08.00', 80000n], // leading zeros are digits too
    ['1.00', 10000n],
    ['0.0001', 1n], // the smallest step
    ['0', 0n],
    ['12345678901234567890.1234', 123456789012345678901234n], // beyond any float's precision
  ])('reads a bank rate %s as %s ten-thousandths of a percent', (text, rate) => {
    expect(parseRate(text)).toBe(rate);
  });

  it.each(['4.47001', '.5', '4.', '+1', '-1', '1e2', '4,47', '', ' 4.47', '4.47 ', '４.47', '4.4.7', 'NaN'])(
    'refuses a malformed rate %j',
    (text) => {
      expect(parseRate(text)).toBeNull();
    },
  );

  it('writes a rate back as its shortest exact decimal', () => {
    expect(formatRate(44700n)).toBe('4.47');
    expect(formatRate(80000n)).toBe('8');
    expect(formatRate(1n)).toBe('0.0001');
    expect(formatRate(405000n)).toBe('40.5');
    expect(formatRate(0n)).toBe('0');
    expect(formatRate(-5000n)).toBe('-0.5');
  });

  it('round-trips every canonical rate it writes', () => {
    for (const rate of [0n, 1n, 10n, 6200n, 44700n, 1000000n, 123456789n]) expect(parseRate(formatRate(rate))).toBe(rate);
  });
});

describe('share percentages of a programme party', () => {
  it.each([
    ['20', 200000n],
    ['40.5', 405000n],
    ['100', 1000000n],
    ['0', 0n],
    ['33.3333', 333333n],
  ])('reads share %s as %s', (text, pct) => {
    expect(parseSharePct(text)).toBe(pct);
  });

  it.each(['100.0001', '101', '-20', '20%', '20.00001'])('refuses share %j', (text) => {
    expect(parseSharePct(text)).toBeNull();
  });
});
