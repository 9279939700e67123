import { Check, Parse, problem } from './valid-input';

/**
 * A whole-number query parameter of a DTO (a paging cursor or a page size): absent or empty, the
 * field keeps its default; anything but plain decimal digits within [min, max] is the client's
 * mistake, 400 with a code naming it (BAD_AFTER, BAD_LIMIT), never a number the database would refuse.
 */
export function WholeNumber(min: number, max: number): PropertyDecorator {
  return (target, key) => {
    const name = String(key);
    Parse((text) => (text === undefined || text === '' ? undefined : typeof text === 'string' && /^\d{1,16}$/.test(text) ? Number(text) : NaN))(target, key);
    Check((n) => Number.isSafeInteger(n) && n >= min && n <= max, problem(`BAD_${name.toUpperCase()}`, `${name}: a whole number from ${min} to ${max}`))(target, key);
  };
}

const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** A bigint cursor of a DTO (a log sequence number): plain digits up to PostgreSQL's bigint; absent or empty, the field's default. */
export function SequenceNumber(): PropertyDecorator {
  return (target, key) => {
    const name = String(key);
    Parse((text) => (text === undefined || text === '' ? undefined : typeof text === 'string' && /^\d{1,19}$/.test(text) ? BigInt(text) : -1n))(target, key);
    Check((n) => typeof n === 'bigint' && n >= 0n && n <= MAX_BIGINT, problem(`BAD_${name.toUpperCase()}`, `${name}: a whole number from 0 to ${MAX_BIGINT}`))(target, key);
  };
}
