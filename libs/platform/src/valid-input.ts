import { HttpException, PipeTransform, Type } from '@nestjs/common';
import { ValidateNested, ValidationError, ValidationOptions, getMetadataStorage, registerDecorator, validateSync } from 'class-validator';

/**
 * Input checked at the HTTP edge: a query, a path or a JSON document read into an instance of its
 * class (a DTO), its fields checked with class-validator, and refused in the platform's error shape.
 *
 * The instance is built here rather than by class-transformer's plainToInstance, which throws a
 * TypeError on any nested object holding a "constructor" key (`{"bank_quotas": {"constructor":
 * "1.00"}}` would be a 500): every own key of the input is copied as it came, a nested document
 * (@Nested) becomes an instance of its class, a field with a parser (@Parse) is parsed first.
 */

/** One problem of an input: where (`term_months.min`, `[2].kind`), what is wrong, and its code if the check names one. */
export interface InputProblem {
  field: string;
  message: string;
  code?: string;
}

/**
 * How a document whose checks fail is refused. Without one, an input is refused 400 with the code
 * and message of its first problem (the codes of query parameters: BAD_PERIOD, BAD_LIMIT, ...).
 */
export interface Refusal {
  status: 400 | 422;
  code: string;
  /** absent: the message of the first problem */
  message?: string;
  /** every problem listed as `errors: [{field, message}]` (the documents refused with 422) */
  listed?: boolean;
}

const REFUSAL = 'g2g:refusal';
const PARSE = 'g2g:parse';

/** A DTO's refusal (class decorator). */
export function RefusedAs(refusal: Refusal): ClassDecorator {
  return (target) => Reflect.defineMetadata(REFUSAL, refusal, target);
}

export function refusalOf(type: Type<unknown>): Refusal | undefined {
  return Reflect.getMetadata(REFUSAL, type);
}

/** The options of a check: its message, and the code a refusal names when it is the first problem. */
export function problem(code: string, message: string): ValidationOptions {
  return { message, context: { code } };
}

/** Parses a field's raw value (a query's text) before it is checked; undefined leaves the field's default. */
export function Parse(parse: (raw: unknown) => unknown): PropertyDecorator {
  return (target, key) => Reflect.defineMetadata(PARSE, parse, target, key);
}

/** A check of a field's (parsed) value, with the whole input at hand for checks across fields. */
export function Check(test: (value: any, input: any) => boolean, options: ValidationOptions): PropertyDecorator {
  return (target, key) =>
    registerDecorator({
      name: 'check',
      target: target.constructor,
      propertyName: String(key),
      options,
      validator: { validate: (value, args) => test(value, args?.object) },
    });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A document nested in another (an object, or a list of them with `each`): read into an instance
 * of its class and checked with it, its problems named by their path (`parties[1].share_pct`).
 */
export function Nested(type: () => Type<object>, { each, ...options }: ValidationOptions & { each?: boolean }): PropertyDecorator {
  return (target, key) => {
    Parse((raw) => (each && Array.isArray(raw) ? raw.map((v) => (isObject(v) ? instanceOf(type(), v) : v)) : isObject(raw) ? instanceOf(type(), raw) : raw))(target, key);
    // the shape first (a list of documents, or a document); only then each document's own problems
    Check((v) => (each ? Array.isArray(v) && v.every(isObject) : isObject(v)), options)(target, key);
    // class-validator's own nested validation walks the instances made above
    ValidateNested({ ...options, each })(target, key);
  };
}

function instanceOf<T extends object>(type: Type<T>, input: unknown): T {
  const instance = new type();
  if (!isObject(input)) return instance;
  for (const key of Object.keys(input)) {
    // a key naming a member of the class or of every object (`constructor`, `__proto__`, `slice`,
    // `toString`) is no field: as an own property it would hide the member from the route and the checks
    if (key in type.prototype) continue;
    const parse: ((raw: unknown) => unknown) | undefined = Reflect.getMetadata(PARSE, type.prototype, key);
    const value = parse ? parse(input[key]) : input[key];
    if (value !== undefined) Object.defineProperty(instance, key, { value, writable: true, enumerable: true, configurable: true });
  }
  return instance;
}

function problemsOf(errors: readonly ValidationError[], path: string, out: InputProblem[]): InputProblem[] {
  for (const e of errors) {
    const field = path === '' ? e.property : /^\d+$/.test(e.property) ? `${path}[${e.property}]` : `${path}.${e.property}`;
    const [name] = Object.keys(e.constraints ?? {});
    if (name !== undefined) out.push({ field, message: e.constraints![name], ...(e.contexts?.[name]?.code ? { code: e.contexts[name].code } : {}) });
    problemsOf(e.children ?? [], field, out);
  }
  return out;
}

/** Reads an input into its class and checks it: the instance, or every problem in the order of the class's fields. */
export function readInput<T extends object>(type: Type<T>, input: unknown, path = ''): { ok: true; value: T } | { ok: false; problems: InputProblem[] } {
  const value = instanceOf(type, input);
  // one problem a field: the first of its checks that fails
  const errors = validateSync(value, { stopAtFirstError: true, forbidUnknownValues: false, validationError: { target: false, value: false } });
  if (errors.length === 0) return { ok: true, value };
  const order = inputFields(type);
  errors.sort((a, b) => order.indexOf(a.property) - order.indexOf(b.property));
  return { ok: false, problems: problemsOf(errors, path, []) };
}

/** The answer to an input with problems, as its class's refusal says. */
export function refusal(type: Type<unknown>, problems: readonly InputProblem[]): HttpException {
  const r = refusalOf(type);
  const first = problems[0];
  const body = {
    code: r?.code ?? first.code ?? 'BAD_REQUEST',
    message: r?.message ?? first.message,
    ...(r?.listed ? { errors: problems.map(({ field, message }) => ({ field, message })) } : {}),
  };
  return new HttpException(body, r?.status ?? 400);
}

/**
 * The names of an input's fields: the properties its class checks (a query's parameters, a
 * document's fields), a parent class's first (the period of a read before its own parameters).
 */
export function inputFields(type: Type<unknown>): string[] {
  const chain: Function[] = [];
  for (let t: Function = type; t !== Function.prototype && t !== Object; t = Object.getPrototypeOf(t)) chain.unshift(t);
  const storage = getMetadataStorage();
  return [...new Set(chain.flatMap((t) => storage.getTargetValidationMetadatas(t, '', true, false).filter((m) => m.target === t).map((m) => m.propertyName)))];
}

/**
 * The pipe that reads a route's query, path or body into its DTO: `@Query(validated(FiguresParams))`.
 * Bound to the parameter, so the route says which class judges its input (and the check of
 * docs/openapi.yaml against the routes reads the parameters from it).
 */
export class ValidInput<T extends object, R = T> implements PipeTransform<unknown, R> {
  constructor(
    readonly type: Type<T>,
    /** a list of documents or one alone (a list of none is refused with this message) */
    readonly list?: { empty: string },
  ) {}

  transform(input: unknown): R {
    if (!this.list) {
      const read = readInput(this.type, input);
      if (!read.ok) throw refusal(this.type, read.problems);
      return read.value as unknown as R;
    }
    const items = Array.isArray(input) ? input : [input ?? {}];
    if (items.length === 0) throw refusal(this.type, [{ field: 'body', message: this.list.empty }]);
    const values: T[] = [];
    const problems: InputProblem[] = [];
    items.forEach((item, i) => {
      // one document alone names its fields as they are; in a list, with its place (`[2].kind`)
      const read = readInput(this.type, item, items.length > 1 ? `[${i}]` : '');
      if (read.ok) values.push(read.value);
      else problems.push(...read.problems);
    });
    if (problems.length > 0) throw refusal(this.type, problems);
    return values as unknown as R;
  }
}

export function validated<T extends object>(type: Type<T>): ValidInput<T> {
  return new ValidInput(type);
}

/** One document or a list of them, each read into `type`; all or none. */
export function validatedList<T extends object>(type: Type<T>, empty: string): ValidInput<T, T[]> {
  return new ValidInput<T, T[]>(type, { empty });
}
