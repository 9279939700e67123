import { Contract, contractOf } from '@g2g/contracts';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { IncomingMessage } from './message';

/**
 * Every consumed message is checked against its topic's contract (libs/contracts) before any
 * handler sees it, in both transports (deliver calls this): a value that does not match is parked
 * on the consumer's dead letters with the mismatches, as a message that is not JSON is, and the
 * messages after it go on. A topic without a contract (tests' own topics) is not checked.
 */

/** How many mismatches the reason names; a chunk wrong in every row would otherwise name a thousand. */
const MAX_PROBLEMS = 10;

/** A consumed value that does not match its contract. The message names paths and rules, never a value. */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';

  constructor(
    readonly topic: string,
    readonly version: number,
    readonly problems: readonly string[],
    /** mismatches beyond those named */
    readonly more = 0,
  ) {
    super(`does not match its contract (${topic}, version ${version}): ${problems.join('; ')}${more > 0 ? `; and ${more} more` : ''}`);
  }
}

// strict, but for `required` of fields declared elsewhere: a kind's columns are declared once, at the top
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
// a real calendar date, as the deciders read one (the pattern has checked the shape)
ajv.addFormat('date', { type: 'string', validate: isCalendarDate });
ajv.addFormat('date-time', { type: 'string', validate: (text: string) => !Number.isNaN(Date.parse(text)) });

/** Compiled once per contract, when its first message arrives. */
const compiled = new Map<Contract, ValidateFunction>();
/** The contract of each topic seen, undefined for a topic that has none. */
const byTopic = new Map<string, Contract | undefined>();

function validatorOf(topic: string): { contract: Contract; validate: ValidateFunction } | undefined {
  if (!byTopic.has(topic)) byTopic.set(topic, contractOf(topic));
  const contract = byTopic.get(topic);
  if (!contract) return undefined;
  let validate = compiled.get(contract);
  if (!validate) compiled.set(contract, (validate = ajv.compile(contract.schema)));
  return { contract, validate };
}

/** What in `value` does not match the contract of `topic`, as `/path: rule`; none when it matches or the topic has no contract. */
export function contractProblems(topic: string, value: unknown): { problems: string[]; more: number; contract?: Contract } {
  const v = validatorOf(topic);
  if (!v || v.validate(value)) return { problems: [], more: 0, contract: v?.contract };
  const all = shown(v.validate.errors ?? []).map(describe);
  return { problems: all.slice(0, MAX_PROBLEMS), more: Math.max(0, all.length - MAX_PROBLEMS), contract: v.contract };
}

/** The violation of a consumed message, or undefined when it matches its contract (or its topic has none). */
export function contractViolation(m: IncomingMessage): ContractViolation | undefined {
  if (!validatorOf(m.topic)) return undefined;
  let value = m.value;
  // a consumer that keeps messages unread gets their text: read it here, for the check only
  if (value === undefined && m.raw !== undefined) {
    try {
      value = JSON.parse(m.raw);
    } catch {
      const { contract } = validatorOf(m.topic)!;
      return new ContractViolation(m.topic, contract.version, ['/: not JSON']);
    }
  }
  const { problems, more, contract } = contractProblems(m.topic, value);
  return problems.length > 0 ? new ContractViolation(m.topic, contract!.version, problems, more) : undefined;
}

/**
 * The mismatches worth reading: ajv also reports each `if` whose `then` failed (the failure under
 * it says more), under an `anyOf` every branch's failure (the `anyOf` itself says it all), and a
 * date's format where its pattern failed already.
 */
function shown(errors: readonly ErrorObject[]): ErrorObject[] {
  const alternatives = errors.filter((e) => e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  const badShape = new Set(errors.filter((e) => e.keyword === 'pattern').map((e) => e.instancePath));
  return errors.filter((e) => e.keyword !== 'if' && !alternatives.some((a) => e.schemaPath.startsWith(a)) && !(e.keyword === 'format' && badShape.has(e.instancePath)));
}

function describe(e: ErrorObject): string {
  const path = e.instancePath === '' ? '/' : e.instancePath;
  // the name of a field no producer writes is the message's, not a value of it: said, and cut short
  const extra = e.keyword === 'additionalProperties' ? ` (${JSON.stringify(String((e.params as { additionalProperty?: unknown }).additionalProperty)).slice(0, 42)})` : '';
  const message = e.keyword === 'false schema' ? 'must not be there' : (e.message ?? e.keyword);
  return `${path}: ${message}${extra}`;
}

function isCalendarDate(text: string): boolean {
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  if (text.length !== 10 || !(month >= 1 && month <= 12) || !(day >= 1)) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days;
}

/**
 * Whether a violation leaves alone every field an answer copies from the message (JSON pointers,
 * e.g. `/bank`, `/loans/row`): a mismatch at such a field, at one of its parents (a required field
 * missing from `/loans`) or beyond the mismatches named would go into the answer and make it
 * break its own contract downstream.
 */
export function spares(violation: ContractViolation, copied: readonly string[]): boolean {
  if (violation.more > 0) return false;
  return violation.problems.every((problem) => {
    const path = problem.slice(0, problem.indexOf(': '));
    return copied.every((c) => !(path === '/' || path === c || c.startsWith(`${path}/`) || path.startsWith(`${c}/`)));
  });
}
