/**
 * The canonical JSON form of a document, the bytes a signature is made over: a document parsed back
 * from any JSON text (keys in any order, any whitespace) gives the same bytes again.
 *
 * It is RFC 8785 (JCS) for the values a certificate holds: object keys sorted by UTF-16 code
 * units, no whitespace, strings as JSON.stringify writes them (characters outside ASCII kept as
 * they are, so Chinese names are UTF-8 in the bytes). Numbers are limited to safe integers, whose
 * JCS form is their plain decimal form: amounts and rates are decimal strings, so that no float
 * formatting ever decides what was signed.
 */
export type CanonicalValue = null | boolean | number | string | readonly CanonicalValue[] | { readonly [key: string]: CanonicalValue | undefined };

/** Throws on a value that has no canonical form, naming where it is (`$.parties[0].sharePct`). */
export function canonicalJson(value: unknown): string {
  return write(value, '$', new Set());
}

function write(value: unknown, path: string, open: Set<object>): string {
  const refuse = (what: string): never => {
    throw new Error(`canonical JSON: ${path} ${what}`);
  };
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isSafeInteger(value)) refuse(`is ${value}, not a safe integer (write exact numbers as decimal strings)`);
      // -0 is written 0, as JCS does
      return String(value === 0 ? 0 : value);
    case 'bigint':
      return refuse('is a bigint (write it as a decimal string)');
    case 'undefined':
      return refuse('is undefined');
    case 'object':
      break;
    default:
      return refuse(`is a ${typeof value}`);
  }
  const object = value as object;
  if (open.has(object)) refuse('refers back to itself');
  open.add(object);
  let text: string;
  if (Array.isArray(object)) {
    text = `[${object.map((item, i) => write(item, `${path}[${i}]`, open)).join(',')}]`;
  } else {
    const prototype = Object.getPrototypeOf(object);
    if (prototype !== Object.prototype && prototype !== null) refuse(`is a ${object.constructor?.name ?? 'non-plain object'}, not a plain object`);
    const record = object as Record<string, unknown>;
    // the default sort compares UTF-16 code units, the order JCS prescribes
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    text = `{${keys.map((k) => `${JSON.stringify(k)}:${write(record[k], `${path}.${k}`, open)}`).join(',')}}`;
  }
  open.delete(object);
  return text;
}
