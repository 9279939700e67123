import { decimalRatio } from './ratio';

describe('ratios for regulators', () => {
  it('gives a share of 1 with ten decimals, rounded half up', () => {
    expect(decimalRatio(1n, 3n)).toBe('0.3333333333');
    expect(decimalRatio(2n, 3n)).toBe('0.6666666667');
    expect(decimalRatio(5n, 5n)).toBe('1.0000000000');
    expect(decimalRatio(0n, 7n)).toBe('0.0000000000');
  });

  it('is null when nothing was issued (zero denominator)', () => {
    expect(decimalRatio(0n, 0n)).toBeNull();
  });

  it('stays exact at 10^14 fen', () => {
    expect(decimalRatio(99_999_999_990_000n, 100_000_000_000_000n)).toBe('0.9999999999');
    expect(decimalRatio(99_999_999_999_999n, 100_000_000_000_000n)).toBe('1.0000000000'); // 0.99999999999999 rounds up at the tenth decimal
    expect(decimalRatio(100_000_000_000_000n * 45_000n, 100_000_000_000_000n * 10_000n, 8)).toBe('4.50000000');
  });

  it('keeps the sign of a negative quotient', () => {
    expect(decimalRatio(-1n, 4n, 2)).toBe('-0.25');
  });
});
