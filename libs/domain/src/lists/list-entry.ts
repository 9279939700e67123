import { BorrowerIdType, checkResidentId, checkUscc, isBorrowerIdType, residentIdCheckCharacter, usccCheckCharacter } from '../identifiers';
import { businessDateProblem } from '../dates';
import { shown, textProblem } from '../text';

/**
 * A recommended list's entries and the borrowers a bank checks against the lists: one enterprise
 * (or individual) per row, named as in a loan batch (domain.md 4), so that a batch file can be
 * checked as it is.
 */
export const LIST_ENTRY_FIELDS = ['borrower_id_type', 'borrower_id'] as const;

/** What a row of a check file may say besides: the date to check it on (a loan batch's own). */
export const CHECK_DATE_FIELD = 'disbursed_on';

export interface ListEntry {
  idType: BorrowerIdType;
  id: string;
}

export interface EntryProblem {
  code: string;
  field: string;
  message: string;
}

// a field is trimmed of spaces and tabs, as in a loan batch; nothing else is normalised
const trim = (v: string | undefined) => v?.replace(/^[ \t]+|[ \t]+$/g, '');

/**
 * Reads one entry: the identifier checked with the check-character rules of domain.md 3. A
 * resident ID's birth date must be a real date; there is no disbursement to compare it with.
 */
export function readListEntry(fields: Readonly<Record<string, string | undefined>>): { ok: true; entry: ListEntry } | { ok: false; problem: EntryProblem } {
  const idType = trim(fields.borrower_id_type);
  const id = trim(fields.borrower_id);
  const refuse = (code: string, field: string, message: string) => ({ ok: false as const, problem: { code, field, message } });
  if (idType === undefined || idType === '') return refuse('MISSING_FIELD', 'borrower_id_type', 'borrower_id_type is missing');
  if (id === undefined || id === '') return refuse('MISSING_FIELD', 'borrower_id', 'borrower_id is missing');
  if (!isBorrowerIdType(idType)) return refuse('UNKNOWN_ID_TYPE', 'borrower_id_type', `borrower_id_type ${shown(idType)}: must be USCC or RID`);
  const text = textProblem(id, 'identifier');
  if (text) return refuse(text, 'borrower_id', `borrower_id holds a character no identifier has (${text})`);
  const check = idType === 'USCC' ? checkUscc(id) : checkResidentId(id, '9999-12-31');
  if (!check.ok) {
    const expected = id.length === 18 ? (idType === 'USCC' ? usccCheckCharacter(id.slice(0, 17)) : residentIdCheckCharacter(id.slice(0, 17))) : null;
    const why = check.reason === 'BAD_CHECK_CHARACTER' && expected ? `check character should be ${expected}` : check.reason;
    return refuse(check.reason, 'borrower_id', `borrower_id ${shown(id)}: not a valid ${idType === 'USCC' ? 'USCC' : 'resident ID'} (${why})`);
  }
  return { ok: true, entry: { idType, id } };
}

/** A check row's own date (`disbursed_on`), when it has one: a business date, or a problem. */
export function readCheckDate(fields: Readonly<Record<string, string | undefined>>): { ok: true; date: string | undefined } | { ok: false; problem: EntryProblem } {
  const date = trim(fields[CHECK_DATE_FIELD]);
  if (date === undefined || date === '') return { ok: true, date: undefined };
  const problem = businessDateProblem(date);
  if (problem) return { ok: false, problem: { code: problem, field: CHECK_DATE_FIELD, message: `${CHECK_DATE_FIELD} ${shown(date)}: a date YYYY-MM-DD from 1900-01-01 to 2199-12-31` } };
  return { ok: true, date };
}
