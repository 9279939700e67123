/** JSON for the database and the wire: bigint travels as a decimal string, never as a float. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v));
}
