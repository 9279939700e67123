import { BadRequestException } from '@nestjs/common';

/**
 * A whole-number query parameter (a paging cursor or a page size): absent means `fallback`;
 * anything but plain decimal digits within [min, max] is the client's mistake, 400 with a code
 * naming it (BAD_AFTER, BAD_LIMIT), never a number the database would refuse.
 */
export function cursorParam(name: string, text: string | undefined, fallback: number, max: number, min = 0): number {
  if (text === undefined || text === '') return fallback;
  const n = /^\d{1,16}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new BadRequestException({ code: `BAD_${name.toUpperCase()}`, message: `${name}: a whole number from ${min} to ${max}` });
  }
  return n;
}

/** A bigint cursor (a log sequence number): plain digits up to PostgreSQL's bigint. */
export function sequenceParam(name: string, text: string | undefined): bigint {
  if (text === undefined || text === '') return 0n;
  const n = /^\d{1,19}$/.test(text) ? BigInt(text) : -1n;
  if (n < 0n || n > 9_223_372_036_854_775_807n) {
    throw new BadRequestException({ code: `BAD_${name.toUpperCase()}`, message: `${name}: a whole number from 0 to 9223372036854775807` });
  }
  return n;
}
