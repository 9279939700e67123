/**
 * Two kinds of failure, kept apart so that a run never blames the platform for what the tool
 * could not do, nor the other way round.
 */

/** The platform did something wrong: refused the upload, never got quiet, never came back up. */
export class PlatformFailure extends Error {
  override readonly name = 'PlatformFailure';
}

/** The campaign itself could not do something (start PostgreSQL or the broker, write a file, ...). */
export class ToolError extends Error {
  override readonly name = 'ToolError';
}

/**
 * Platform text (error bodies, messages) may quote a row: borrower identifiers (USCC and resident
 * ID numbers) and names are masked before the tool prints any of it.
 */
export function redact(text: string): string {
  return text
    .replace(/(?<![0-9A-Z.])[0-9A-HJ-NPQRTUWXY]{18}(?![0-9A-Z.])/g, '[id]')
    .replace(/(?<![0-9.])\d{17}[\dX](?![0-9A-Z.])/g, '[id]')
    .replace(/\p{Script=Han}+/gu, '[name]');
}

/** JSON replacer for what the tool prints: platform text masked (string values only), seconds to the millisecond. */
export function forPrinting(_key: string, value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (typeof value === 'number' && !Number.isInteger(value)) return Math.round(value * 1000) / 1000;
  return value;
}
