import fc from 'fast-check';
import { decimalDigits } from './decimal';
import { checkIndustryCode, checkRegionCode, checkUscc, INDUSTRY_SECTIONS, PROVINCE_PREFIXES, USCC_ALPHABET, usccCheckCharacter } from './identifiers';
import { compareDates, formatDate, fromDayNumber, toDayNumber } from './dates';
import { trimSpacesAndTabs } from './loan-row';
import { readRate } from './rate';
import { keptText, textProblem, visibleText } from './text';
import { fail, OK } from './check';

// The row checks read characters by code where they once used regular expressions and string
// iteration (they run on every field of every row). Each reading is pinned here to the one it
// replaced, over strings rich in what the rules are about: digits, points, ASCII letters,
// controls, surrogates (paired and lone), bidirectional and zero-width characters, BOM, NUL.

const units = fc.constantFrom(
  ...'0123456789.,+-eE XIOSVZaxAYT\t'.split(''),
  '\u0000', '\u001f', '\u007f', '\u0080', '\u009f', '\u00a0', '\u00ad', '\u034f', '\u061c', '\u115f', '\u17b4', '\u180e', '\u200b', '\u200d',
  '\u200e', '\u202a', '\u202e', '\u2060', '\u2066', '\u206f', '\u3164', '\ufe0f', '\ufeff', '\uffa0', '\ufffb', '\ufffc', '\ud800', '\udbff', '\udc00', '\udfff',
  '😀', '张', '"', '\r', '\n', '~', '!', '\u007e',
);
const text = fc.oneof(
  fc.array(units, { maxLength: 24 }).map((a) => a.join('')),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: 1, maxLength: 22 }).chain((d) =>
    fc.constantFrom(d, `${d}.`, `.${d}`, `${d}.${d.slice(0, 2)}`, `${d}.${d.slice(0, 5)}`, `0${d}`, `${d}\n`, ` ${d}`, `${d.slice(0, 3)}.${d.slice(3)}`),
  ),
  fc.string({ unit: fc.constantFrom(...USCC_ALPHABET.split(''), 'I', 'O', 'a', '😀'), minLength: 16, maxLength: 19 }),
  fc.string({ unit: fc.constantFrom(...'ABCJKTZa0123456789'.split('')), minLength: 4, maxLength: 7 }),
);
const params = { numRuns: 20_000 };

describe('the character-code readings of the row checks, beside the readings they replaced', () => {
  it('textProblem', () => {
    const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
    const UNPAIRED_SURROGATE = /[\ud800-\udfff]/u;
    const IN_IDENTIFIERS = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb]/;
    const IN_NAMES = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/;
    const before = (t: string, kind: 'identifier' | 'name') =>
      CONTROL.test(t) ? 'CONTROL_CHARACTER' : UNPAIRED_SURROGATE.test(t) ? 'MALFORMED_TEXT' : (kind === 'identifier' ? IN_IDENTIFIERS : IN_NAMES).test(t) ? 'INVISIBLE_CHARACTER' : null;
    fc.assert(
      fc.property(text, (t) => {
        expect(textProblem(t, 'identifier')).toBe(before(t, 'identifier'));
        expect(textProblem(t, 'name')).toBe(before(t, 'name'));
      }),
      params,
    );
  });

  it('visibleText and keptText', () => {
    const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb]|[\ud800-\udfff]/gu;
    const before = (t: string) => t.replace(UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 30 }), (t, max) => {
        expect(visibleText(t)).toBe(before(t));
        const kept = keptText(t, max);
        const cut = [...t].slice(0, max).join('');
        expect(kept).toBe(cut.length < t.length ? `${before(cut)}…` : before(t));
      }),
      params,
    );
  });

  it('decimalDigits', () => {
    const before = (t: string, places: number) => {
      const m = new RegExp(`^(\\d+)(?:\\.(\\d{1,${places}}))?$`).exec(t);
      if (!m) return null;
      let start = 0;
      while (start < m[1].length - 1 && m[1].charCodeAt(start) === 0x30) start++;
      return { whole: m[1].slice(start), fraction: m[2] ?? '' };
    };
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 4 }), (t, places) => {
        expect(decimalDigits(t, places)).toEqual(before(t, places));
      }),
      params,
    );
  });

  it('readRate', () => {
    fc.assert(
      fc.property(text, (t) => {
        const m = /^(\d+)(?:\.(\d{1,4}))?$/.exec(t);
        const whole = m ? m[1].replace(/^0+(?=\d)/, '') : '';
        const expected = !m
          ? { ok: false, reason: 'MALFORMED' }
          : whole.length > 4
            ? { ok: false, reason: 'TOO_LARGE' }
            : { ok: true, rate: BigInt(whole) * 10_000n + BigInt((m[2] ?? '').padEnd(4, '0')) };
        expect(readRate(t)).toEqual(expected);
      }),
      params,
    );
  });

  it('checkUscc and usccCheckCharacter', () => {
    const checkCharacter = (first17: string) => {
      if (first17.length !== 17) return null;
      let sum = 0;
      const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
      for (let i = 0; i < 17; i++) {
        const value = USCC_ALPHABET.indexOf(first17[i]);
        if (value < 0) return null;
        sum += value * weights[i];
      }
      return USCC_ALPHABET[(31 - (sum % 31)) % 31];
    };
    const before = (code: string) => {
      if (code.length !== 18) return fail('BAD_LENGTH');
      for (const ch of code) if (!USCC_ALPHABET.includes(ch)) return fail('BAD_ALPHABET');
      return checkCharacter(code.slice(0, 17)) === code[17] ? OK : fail('BAD_CHECK_CHARACTER');
    };
    // a valid code for every 17 characters that can start one
    const valid = fc.string({ unit: fc.constantFrom(...USCC_ALPHABET.split('')), minLength: 17, maxLength: 17 }).map((s) => s + checkCharacter(s));
    fc.assert(
      fc.property(fc.oneof(text, valid), (t) => {
        expect(checkUscc(t)).toEqual(before(t));
        expect(usccCheckCharacter(t.slice(0, 17))).toBe(checkCharacter(t.slice(0, 17)));
        expect(usccCheckCharacter(t)).toBe(checkCharacter(t));
      }),
      params,
    );
  });

  it('checkRegionCode and checkIndustryCode', () => {
    const region = (code: string) => {
      if (code.length !== 6) return fail('BAD_LENGTH');
      if (!/^\d{6}$/.test(code)) return fail('BAD_ALPHABET');
      return PROVINCE_PREFIXES.includes(code.slice(0, 2)) ? OK : fail('UNKNOWN_PROVINCE');
    };
    const industry = (code: string) => {
      if (code.length !== 5) return fail('BAD_LENGTH');
      if (!/^[A-Z]\d{4}$/.test(code)) return fail('BAD_ALPHABET');
      const range = INDUSTRY_SECTIONS[code[0]];
      if (!range) return fail('UNKNOWN_SECTION');
      const division = Number(code.slice(1, 3));
      return division >= range[0] && division <= range[1] ? OK : fail('INDUSTRY_SECTION_MISMATCH');
    };
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: 4, maxLength: 6 });
    const codes = fc.oneof(text, digits, fc.tuple(fc.constantFrom(...'ABCDJKPTUZa'.split('')), digits).map(([l, d]) => l + d.slice(0, 4)));
    fc.assert(
      fc.property(codes, (t) => {
        expect(checkRegionCode(t)).toEqual(region(t));
        expect(checkIndustryCode(t)).toEqual(industry(t));
      }),
      params,
    );
  });

  it('trimSpacesAndTabs', () => {
    const before = (t: string) => t.replace(/^[ \t]+/, '').replace(/[ \t]+$/, '');
    fc.assert(fc.property(fc.oneof(text, fc.string({ unit: fc.constantFrom(' ', '\t', 'a', '\u00a0', '\n') })), (t) => expect(trimSpacesAndTabs(t)).toBe(before(t))), params);
  });

  it('real dates YYYY-MM-DD compare as strings as compareDates compares them (maturity after disbursement)', () => {
    const day = fc.integer({ min: toDayNumber('1900-01-01'), max: toDayNumber('2199-12-31') }).map(fromDayNumber);
    fc.assert(
      fc.property(day, day, (a, b) => {
        expect(a <= b).toBe(compareDates(a, b) <= 0);
        expect(formatDate({ year: Number(a.slice(0, 4)), month: Number(a.slice(5, 7)), day: Number(a.slice(8)) })).toBe(a);
      }),
      params,
    );
  });
});
