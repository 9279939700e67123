/** JSON for the database and the wire: bigint travels as a decimal string, never as a float. */
export function toJson(value: unknown): string {
  // The fast path: most values hold no bigint (chunk messages carry fen as strings already), and
  // a replacer called on every value of a thousand-row chunk costs more than the rest of the work.
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v));
  }
}
