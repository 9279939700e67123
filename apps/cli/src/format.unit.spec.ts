import { displayWidth, formatFen, formatMultiple, formatPercent, formatShare, formatYuanText, groupDigits, label, plural, roundDecimal, shiftDecimal, table } from './format';
import { renderProgress } from './progress';

describe('yuan and decimals for tables', () => {
  it('groups thousands without touching the decimals', () => {
    expect(groupDigits('1234567')).toBe('1,234,567');
    expect(groupDigits('-1234567.891')).toBe('-1,234,567.891');
    expect(groupDigits('999')).toBe('999');
    expect(groupDigits('n/a')).toBe('n/a');
  });

  it('formats yuan strings with two decimals, exactly', () => {
    expect(formatYuanText('1500000.00')).toBe('1,500,000.00');
    expect(formatYuanText('1500000')).toBe('1,500,000.00');
    expect(formatYuanText('0.5')).toBe('0.50');
    expect(formatYuanText('100000000000000.00')).toBe('100,000,000,000,000.00');
    // Far beyond a double's exact range: still exact.
    expect(formatYuanText('12345678901234567890.125')).toBe('12,345,678,901,234,567,890.13');
    expect(formatYuanText('-0.004')).toBe('0.00');
    expect(formatYuanText('abc')).toBe('abc');
  });

  it('turns the contracts\' integer fen into yuan, exactly, whatever the size', () => {
    expect(formatFen('150000000')).toBe('1,500,000.00');
    expect(formatFen('150000001')).toBe('1,500,000.01');
    expect(formatFen('5')).toBe('0.05');
    expect(formatFen('0')).toBe('0.00');
    expect(formatFen('-250')).toBe('-2.50');
    expect(formatFen('-0')).toBe('0.00');
    expect(formatFen('10000000000000000001')).toBe('100,000,000,000,000,000.01');
    expect(formatFen('1.5')).toBe('1.5');
  });

  it('rounds half-up and shifts decimal points as strings', () => {
    expect(roundDecimal('2.345', 2)).toBe('2.35');
    expect(roundDecimal('2.344999', 2)).toBe('2.34');
    expect(roundDecimal('9.995', 2)).toBe('10.00');
    expect(roundDecimal('-1.005', 2)).toBe('-1.01');
    expect(roundDecimal('7.5', 0)).toBe('8');
    expect(shiftDecimal('0.95', 2)).toBe('95');
    expect(shiftDecimal('0.0123', 2)).toBe('1.23');
    expect(shiftDecimal('1', 2)).toBe('100');
    expect(shiftDecimal('0.123456789', 2)).toBe('12.3456789');
  });

  it('shows shares, percentages and multiples', () => {
    expect(formatShare('0.95')).toBe('95.00%');
    expect(formatShare('0.123456789')).toBe('12.35%');
    expect(formatShare('1')).toBe('100.00%');
    expect(formatPercent('4.470000')).toBe('4.47%');
    expect(formatPercent('0.62')).toBe('0.62%');
    expect(formatPercent('3.123456')).toBe('3.1235%');
    expect(formatMultiple('3.14159')).toBe('3.14x');
  });

  it('turns keys into labels and counts into phrases', () => {
    expect(label('new_guarantees')).toBe('new guarantees');
    expect(label('BJ-REG')).toBe('BJ-REG');
    expect(plural(1, 'row')).toBe('1 row');
    expect(plural(1200, 'row')).toBe('1,200 rows');
  });
});

describe('table', () => {
  it('aligns columns, numbers to the right, counting CJK characters as two columns', () => {
    const text = table(
      [
        ['北京华信', '1,000.00'],
        ['total', '12,000.00'],
      ],
      { header: ['name', 'amount'] },
    );
    expect(text).toBe(['name      amount', '--------  ---------', '北京华信   1,000.00', 'total     12,000.00', ''].join('\n'));
    expect(displayWidth('北京a')).toBe(5);
  });

  it('is empty for no rows', () => {
    expect(table([])).toBe('');
  });
});

describe('renderProgress', () => {
  it('draws a bar of decided rows', () => {
    expect(renderProgress(0, 1000, 10)).toBe('[----------] 0/1,000 rows decided   0%');
    expect(renderProgress(523, 1000, 10)).toBe('[#####-----] 523/1,000 rows decided  52%');
    expect(renderProgress(1000, 1000, 10)).toBe('[##########] 1,000/1,000 rows decided 100%');
  });

  it('treats an empty batch as done and clamps odd inputs', () => {
    expect(renderProgress(0, 0, 4)).toBe('[####] 0/0 rows decided 100%');
    expect(renderProgress(15, 10, 4)).toBe('[####] 10/10 rows decided 100%');
    expect(renderProgress(-3, 10, 4)).toBe('[----] 0/10 rows decided   0%');
  });
});
