import { residentIdCheckCharacter, usccCheckCharacter } from '../identifiers';
import { readCheckDate, readListEntry } from './list-entry';

const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
const rid = (first17: string) => first17 + residentIdCheckCharacter(first17);

describe('an entry of a recommended list', () => {
  it('is a USCC or a resident ID with its check character right, trimmed of spaces and tabs', () => {
    expect(readListEntry({ borrower_id_type: 'USCC', borrower_id: ` ${uscc('91350100M000100Y4')}\t` })).toEqual({ ok: true, entry: { idType: 'USCC', id: '91350100M000100Y43' } });
    expect(readListEntry({ borrower_id_type: 'RID', borrower_id: rid('11010519491231002') })).toEqual({ ok: true, entry: { idType: 'RID', id: '11010519491231002X' } });
  });

  it('is refused with the reason of the identifier rules: a wrong check character, a USCC letter outside the alphabet, an unknown kind', () => {
    const problem = (fields: Record<string, string>) => {
      const read = readListEntry(fields);
      return read.ok ? null : read.problem.code;
    };
    expect(problem({ borrower_id_type: 'USCC', borrower_id: '91350100M000100Y44' })).toBe('BAD_CHECK_CHARACTER');
    expect(problem({ borrower_id_type: 'USCC', borrower_id: '91350100M000100YO3' })).toBe('BAD_ALPHABET');
    expect(problem({ borrower_id_type: 'RID', borrower_id: '110105194913310021' })).not.toBeNull();
    expect(problem({ borrower_id_type: 'usc', borrower_id: '91350100M000100Y43' })).toBe('UNKNOWN_ID_TYPE');
    expect(problem({ borrower_id_type: 'USCC' })).toBe('MISSING_FIELD');
    expect(problem({ borrower_id_type: 'USCC', borrower_id: '91350100M000\u200b100Y43' })).toBe('INVISIBLE_CHARACTER');
  });

  it('a check row may carry its own date, the disbursement date of a loan batch', () => {
    expect(readCheckDate({})).toEqual({ ok: true, date: undefined });
    expect(readCheckDate({ disbursed_on: '2025-03-01' })).toEqual({ ok: true, date: '2025-03-01' });
    expect(readCheckDate({ disbursed_on: '2025-02-30' })).toMatchObject({ ok: false, problem: { code: 'MALFORMED_DATE' } });
  });
});
