import { MAX_AMOUNT_FEN, divideRoundHalfUp, formatYuan, parseYuan, readYuan } from './money';

describe('money in fen', () => {
  it.each([
    ['1000', 100000n],
    ['1000.5', 100050n],
    ['01000.00', 100000n],
    ['0.01', 1n],
    ['1000000000000.00', 100000000000000n],
  ])('reads %s yuan as %s fen', (text, fen) => {
    expect(parseYuan(text)).toBe(fen);
  });

  it.each(['1,000', '1e6', '+1', '.5', '-1', '1.234', '', ' 1', '１０', '1.'])('refuses %j', (text) => {
    expect(parseYuan(text)).toBeNull();
  });

  it('writes fen back as yuan with two decimals, even at 10^14 fen and beyond', () => {
    expect(formatYuan(1n)).toBe('0.01');
    expect(formatYuan(100000000000000n)).toBe('1000000000000.00');
    expect(formatYuan(123456789012345678n)).toBe('1234567890123456.78');
    expect(formatYuan(-5n)).toBe('-0.05');
  });

  it('rounds half up, exactly', () => {
    expect(divideRoundHalfUp(5n, 10n)).toBe(1n);
    expect(divideRoundHalfUp(4n, 10n)).toBe(0n);
    expect(divideRoundHalfUp(15n, 10n)).toBe(2n);
    expect(divideRoundHalfUp(25n, 10n)).toBe(3n);
    expect(() => divideRoundHalfUp(1n, 0n)).toThrow(RangeError);
  });

  it('reads an amount of a row up to a limit, and says at once when one has more digits than the limit', () => {
    expect(readYuan('1000000000000.00')).toEqual({ ok: true, fen: MAX_AMOUNT_FEN });
    expect(readYuan(`${'0'.repeat(1_000_000)}1500000.00`)).toEqual({ ok: true, fen: 150000000n });
    expect(readYuan('1000000000000.01')).toEqual({ ok: false, reason: 'TOO_LARGE' });
    expect(readYuan('1.5e3')).toEqual({ ok: false, reason: 'MALFORMED' });
    expect(readYuan('100.01', 10000n)).toEqual({ ok: false, reason: 'TOO_LARGE' });
    const started = performance.now();
    expect(readYuan('9'.repeat(1_000_000))).toEqual({ ok: false, reason: 'TOO_LARGE' });
    expect(performance.now() - started).toBeLessThan(50);
  });
});
