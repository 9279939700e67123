import { formatRate, parseRate, parseSharePct, plainRate, readRate } from './rate';

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

describe('rates of a row', () => {
  it('are below 10,000 percent, judged by their digits before the point, leading zeros aside', () => {
    expect(readRate('9999.9999')).toEqual({ ok: true, rate: 99999999n });
    expect(readRate(`${'0'.repeat(1_000_000)}4.47`)).toEqual({ ok: true, rate: 44700n });
    expect(readRate('10000')).toEqual({ ok: false, reason: 'TOO_LARGE' });
    expect(readRate('4.47001')).toEqual({ ok: false, reason: 'MALFORMED' });
    const started = performance.now();
    expect(readRate('9'.repeat(1_000_000))).toEqual({ ok: false, reason: 'TOO_LARGE' });
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe('a rate written plainly', () => {
  it.each([
    ['4.47', '4.47'],
    ['004.4700', '4.4700'],
    ['00.5', '0.5'],
    ['0000', '0'],
  ])('%s is %s', (text, plain) => {
    expect(plainRate(text)).toBe(plain);
  });
  it('drops a million zeros', () => expect(plainRate(`${'0'.repeat(1_000_000)}8`)).toBe('8'));
  it('is null for a malformed rate', () => expect(plainRate('.5')).toBeNull());
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
