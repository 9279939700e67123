/**
 * What text a bank may put in a field (domain.md 4 and docs/domain-readings.md, "Text"). Every
 * field is judged before its own grammar, so that nothing reaches a decider, a log or the
 * database that PostgreSQL cannot store or a person cannot see:
 * - CONTROL_CHARACTER: a C0 or C1 control (NUL, line feed, bell, DEL, ...) anywhere in a field;
 * - MALFORMED_TEXT: an unpaired UTF-16 surrogate (possible from a JSON escape like "\ud800"): not
 *   Unicode, it would be silently altered on its way to UTF-8 storage;
 * - INVISIBLE_CHARACTER: in identifiers and codes, any zero-width or bidirectional formatting
 *   character (two loan ids that look the same must be the same); in a name, the bidirectional
 *   controls and the zero-width space, word joiner and byte order mark (a name that reads
 *   differently from what it holds). Zero-width joiners stay allowed in names: some scripts need them.
 */
export type TextProblem = 'CONTROL_CHARACTER' | 'MALFORMED_TEXT' | 'INVISIBLE_CHARACTER';

/** 'identifier': ids, codes, amounts, dates, flags; 'name': free text such as borrower_name. */
export type TextKind = 'identifier' | 'name';

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** With the `u` flag a surrogate pair is one code point, so this matches only an unpaired surrogate. */
const UNPAIRED_SURROGATE = /[\ud800-\udfff]/u;
const INVISIBLE_IN_IDENTIFIERS = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb]/;
const INVISIBLE_IN_NAMES = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/;

/** The first problem of a field's text, or null when it may be stored and shown as it is. */
export function textProblem(text: string, kind: TextKind): TextProblem | null {
  // Nearly every field is printable ASCII, which holds none of the characters below: one pass of
  // character codes then answers for the three patterns.
  if (isPrintableAscii(text)) return null;
  if (CONTROL.test(text)) return 'CONTROL_CHARACTER';
  if (UNPAIRED_SURROGATE.test(text)) return 'MALFORMED_TEXT';
  if ((kind === 'identifier' ? INVISIBLE_IN_IDENTIFIERS : INVISIBLE_IN_NAMES).test(text)) return 'INVISIBLE_CHARACTER';
  return null;
}

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb]|[\ud800-\udfff]/gu;

/**
 * The text with every character textProblem() objects to written as a `\uXXXX` escape: safe to
 * store, to log and to show (used for the loan id of an invalid row, so the bank can find it).
 */
export function visibleText(text: string): string {
  if (isPrintableAscii(text)) return text; // nothing to escape (the common case: skip the pattern)
  return text.replace(UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The first `max` code points of the text, each character textProblem() objects to written as a
 * `\uXXXX` escape, and an ellipsis where it was cut: what is kept of a value so that a person can
 * find the row it came from (the loan id of an invalid row) without keeping a field as long as a
 * row. Reads no further into the text than it keeps.
 */
export function keptText(text: string, max: number): string {
  const end = codePointsEnd(text, max);
  return end < text.length ? `${visibleText(text.slice(0, end))}…` : visibleText(text);
}

export const TEXT_PROBLEM_MESSAGES: Record<TextProblem, string> = {
  CONTROL_CHARACTER: 'holds a control character (such as NUL, a line break or DEL)',
  MALFORMED_TEXT: 'holds an unpaired UTF-16 surrogate: not Unicode text',
  INVISIBLE_CHARACTER: 'holds an invisible formatting character (zero-width or bidirectional)',
};

/** A value for a message: plain when it is short printable ASCII, else quoted and cut to 40 code points. */
export function shown(text: string): string {
  if (/^[\x21-\x7E]{1,40}$/.test(text)) return text;
  const end = codePointsEnd(text, 40);
  return JSON.stringify(end < text.length ? `${text.slice(0, end)}…` : text);
}

/** Every character is U+0020 to U+007E (true for ''). */
function isPrintableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** Where the first `max` code points of the text end (a UTF-16 index), found without reading further. */
function codePointsEnd(text: string, max: number): number {
  let end = 0;
  for (let points = 0; points < max && end < text.length; points++) {
    const unit = text.charCodeAt(end);
    const pair = unit >= 0xd800 && unit <= 0xdbff && end + 1 < text.length && (text.charCodeAt(end + 1) & 0xfc00) === 0xdc00;
    end += pair ? 2 : 1;
  }
  return end;
}
