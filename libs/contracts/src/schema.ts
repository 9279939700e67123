import { TUnsafe, Type } from '@sinclair/typebox';

/**
 * The pieces every contract's JSON Schema is built of. A schema is a value (ajv compiles it where
 * the message is consumed; docs/asyncapi.yaml is generated from it) and, through TypeBox's
 * `Static`, a type that tsc holds equal to the contract's interface (`SameType` below).
 */

/**
 * `A` and `B` are the same type, written out field by field: an intersection and the object it
 * makes compare equal, an optional field on one side only or a `| null` on one side only do not.
 * (Mutual assignability alone would take `{ a: string }` and `{ a: string; b?: string }` for one
 * type: each is assignable to the other.)
 */
export type Equal<A, B> = (<X>() => X extends Flat<A> ? 1 : 2) extends <X>() => X extends Flat<B> ? 1 : 2 ? true : false;

type Flat<T> = T extends readonly (infer E)[] ? Flat<E>[] : T extends object ? { [K in keyof T]: Flat<T[K]> } : T;

/** Fails to compile unless given `true`: `type _ = SameType<Equal<Static<typeof S>, I>>`. */
export type SameType<T extends true> = T;

/** Integer fen as a decimal string, no sign, no leading zero: `"150000000"` is 1,500,000.00 yuan. */
export const FEN_PATTERN = '^(0|[1-9][0-9]*)$';
export const Fen = (description?: string) => Type.String({ pattern: FEN_PATTERN, ...(description ? { description } : {}) });
/** Fen, or '' where a column has no value for that row (a party that is not one of that loan's). */
export const FenOrEmpty = (description?: string) => Type.String({ pattern: '^(|0|[1-9][0-9]*)$', ...(description ? { description } : {}) });

/** A business date YYYY-MM-DD (a real calendar date: format `date`, which the consumers check). */
export const Day = (description?: string) =>
  Type.String({ format: 'date', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$', ...(description ? { description } : {}) });
/** YYYY-MM: a monthly statement. */
export const Month = (description?: string) => Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', ...(description ? { description } : {}) });
/** An ISO 8601 time with its offset, as `Date#toISOString` writes it. */
export const Time = (description?: string) =>
  Type.String({
    format: 'date-time',
    pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$',
    ...(description ? { description } : {}),
  });

/** An exact decimal as the platform writes it (rates in percent, shares, fee percents): `"4.47"`, `"8"`, `"0.0001"`. */
export const Decimal = (description?: string) => Type.String({ pattern: '^(0|[1-9][0-9]*)(\\.[0-9]+)?$', ...(description ? { description } : {}) });
/** A rate of a row, as a bank wrote it but for leading zeros: at most four decimals. */
export const FiledRate = (description?: string) => Type.String({ pattern: '^(0|[1-9][0-9]*)(\\.[0-9]{1,4})?$', ...(description ? { description } : {}) });
/** One character per row, Y or N. */
export const Flags = (description?: string) => Type.String({ pattern: '^[YN]*$', ...(description ? { description } : {}) });
/** A reason code (`QUOTA`, `GRACE_PERIOD`, `UNPROCESSABLE`): its list is the deciders', in docs/contracts.md. */
export const Code = () => Type.String({ pattern: '^[A-Z][A-Z0-9_]*$' });
/** hex SHA-256 */
export const Sha256 = (description?: string) => Type.String({ pattern: '^[0-9a-f]{64}$', ...(description ? { description } : {}) });
/** A row number in the bank's file (data rows from 1). */
export const RowNumber = (description?: string) => Type.Integer({ minimum: 1, ...(description ? { description } : {}) });
/** An index into a column of the same message. */
export const Index = (description?: string) => Type.Integer({ minimum: 0, ...(description ? { description } : {}) });

/**
 * One of a closed list of strings, as JSON Schema's `enum` (TypeBox's union of literals would be
 * an `anyOf` of `const`s, which reads worse in the document and in ajv's errors).
 */
export function Enum<const V extends readonly string[]>(values: V, description?: string): TUnsafe<V[number]> {
  return Type.Unsafe<V[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
}

/**
 * A string of an open list: the type the interface gives it (a union of the names known today),
 * checked at run time only for its shape, so that a name a newer producer adds still passes.
 */
export function OpenName<T extends string>(pattern: string, known: readonly string[], description?: string): TUnsafe<T> {
  return Type.Unsafe<T>({ type: 'string', pattern, examples: [...known], ...(description ? { description } : {}) });
}

/** An object that carries exactly these fields: a field no producer writes is refused. */
export const Exact = <T extends Parameters<typeof Type.Object>[0]>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });

