import { Options, UsageError, parseArgs } from './args';

describe('parseArgs', () => {
  it('separates words, value flags and switches, wherever they appear', () => {
    const { words, flags } = parseArgs(['batch', '--bank', 'ICBC', 'submit', 'f.csv', '--json', '--ref=R-1', '--no-wait']);
    expect(words).toEqual(['batch', 'submit', 'f.csv']);
    expect(Object.fromEntries(flags)).toEqual({ bank: 'ICBC', json: 'true', ref: 'R-1', 'no-wait': 'true' });
  });

  it('keeps the last of a repeated flag and accepts an empty value after =', () => {
    const { flags } = parseArgs(['--seed', '1', '--seed', '2', '--province=']);
    expect(flags.get('seed')).toBe('2');
    expect(flags.get('province')).toBe('');
  });

  it('treats -h as --help and everything after -- as words', () => {
    const { words, flags } = parseArgs(['figures', '-h', '--', '--json', '-x']);
    expect(flags.get('help')).toBe('true');
    expect(words).toEqual(['figures', '--json', '-x']);
  });

  it('takes a negative number as a value or a word', () => {
    expect(parseArgs(['--seed', '-5']).flags.get('seed')).toBe('-5');
    expect(parseArgs(['-5']).words).toEqual(['-5']);
  });

  it('refuses a missing value, a value on a switch, short options and malformed names', () => {
    expect(() => parseArgs(['--bank'])).toThrow(new UsageError('--bank needs a value'));
    expect(() => parseArgs(['--bank', '--json'])).toThrow('--bank needs a value');
    expect(() => parseArgs(['--json=yes'])).toThrow('--json takes no value');
    expect(() => parseArgs(['-b', 'ICBC'])).toThrow(UsageError);
    expect(() => parseArgs(['--Bank', 'x'])).toThrow('malformed option --Bank');
  });
});

describe('Options', () => {
  const opts = (argv: string[]) => {
    const { words, flags } = parseArgs(argv);
    return new Options(flags, words);
  };

  it('rejects flags the command does not know', () => {
    expect(() => opts(['--bank', 'x', '--colour', 'red']).only(['bank'])).toThrow('unknown option --colour');
    expect(opts(['--bank', 'x']).only(['bank']).string('bank')).toBe('x');
  });

  it('reads required flags, integers, dates and choices with clear messages', () => {
    const o = opts(['--rows', '12', '--from', '2025-03-01', '--format', 'csv', '--bad', '1e3', '--day', '1/3/2025']);
    expect(o.required('from')).toBe('2025-03-01');
    expect(() => o.required('to')).toThrow('--to is required');
    expect(o.integer('rows', { min: 0 })).toBe(12);
    expect(o.integer('missing', { fallback: 7 })).toBe(7);
    expect(() => o.integer('bad')).toThrow('--bad must be a whole number, not "1e3"');
    expect(() => opts(['--rows', '0']).integer('rows', { min: 1 })).toThrow('--rows must be at least 1');
    expect(o.date('from', true)).toBe('2025-03-01');
    expect(() => o.date('day')).toThrow('--day must be a date YYYY-MM-DD');
    // the shape of a date is not enough: the thirteenth month and 30 February are no dates
    expect(() => opts(['--from', '2025-13-01']).date('from', true)).toThrow('--from must be a date YYYY-MM-DD, not "2025-13-01"');
    expect(() => opts(['--to', '2025-02-30']).date('to')).toThrow('--to must be a date YYYY-MM-DD, not "2025-02-30"');
    expect(opts(['--to', '2024-02-29']).date('to')).toBe('2024-02-29');
    expect(o.choice('format', ['csv', 'jsonl'])).toBe('csv');
    expect(() => opts(['--format', 'xml']).choice('format', ['csv', 'jsonl'])).toThrow('--format must be one of csv, jsonl, not "xml"');
  });

  it('checks the number of positional words', () => {
    expect(opts(['a.csv']).positionals(1, 'FILE')).toEqual(['a.csv']);
    expect(() => opts([]).positionals(1, 'FILE')).toThrow('missing FILE');
    expect(() => opts(['a', 'b']).positionals(1, 'FILE')).toThrow('unexpected argument "b"');
  });
});
