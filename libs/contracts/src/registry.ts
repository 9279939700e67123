import { TSchema } from '@sinclair/typebox';
import { apiKeyIssuedV1 } from './api-key-issued/api-key-issued.v1';
import { apiKeyRevokedV1 } from './api-key-revoked/api-key-revoked.v1';
import { breakerApproachedV1 } from './breaker-approached/breaker-approached.v1';
import { claimPaidV1 } from './claim-paid/claim-paid.v1';
import { guaranteeCededV1 } from './guarantee-ceded/guarantee-ceded.v1';
import { guaranteeIssuedV1 } from './guarantee-issued/guarantee-issued.v1';
import { guaranteeRepaidV1 } from './guarantee-repaid/guarantee-repaid.v1';
import { guaranteesCededV2 } from './guarantees-ceded/guarantees-ceded.v2';
import { loanFiledV1 } from './loan-filed/loan-filed.v1';
import { loanOutcomesV2 } from './loan-outcomes/loan-outcomes.v2';
import { loanRejectedV1 } from './loan-rejected/loan-rejected.v1';
import { loansDecidedV2 } from './loans-decided/loans-decided.v2';
import { loansFiledV2 } from './loans-filed/loans-filed.v2';
import { operatorActionRecordedV1 } from './operator-action-recorded/operator-action-recorded.v1';
import { participantRegisteredV1 } from './participant-registered/participant-registered.v1';
import { programmePublishedV1 } from './programme-published/programme-published.v1';
import { programmeResumedV1 } from './programme-resumed/programme-resumed.v1';
import { programmeSuspendedV1 } from './programme-suspended/programme-suspended.v1';
import { recoverySharedV1 } from './recovery-shared/recovery-shared.v1';
import { riskLabelledV1 } from './risk-labelled/risk-labelled.v1';
import { risksLabelledV1 } from './risks-labelled/risks-labelled.v1';
import { releaseReminderV1 } from './release-reminder/release-reminder.v1';
import { releaseRemindersV1 } from './release-reminders/release-reminders.v1';
import { Time } from './schema';
import { servicingDecidedV1 } from './servicing-decided/servicing-decided.v1';
import { servicingDecidedV2 } from './servicing-decided/servicing-decided.v2';
import { servicingFiledV1 } from './servicing-filed/servicing-filed.v1';
import { servicingFiledV2 } from './servicing-filed/servicing-filed.v2';

/**
 * Every contract of the platform in one list: what consumers check messages against
 * (libs/messaging/src/contract-check.ts) and what docs/asyncapi.yaml is generated from
 * (scripts/asyncapi). docs/contracts.md tells the same in prose.
 */
export interface Contract {
  /** the message's name: its folder in libs/contracts */
  name: string;
  version: number;
  /** the topic; `{service}` stands for the owner where each service has a topic of its own */
  address: string;
  /** the services that write it (for a shape read over HTTP: whose facts it tells) */
  owners: readonly string[];
  /** what the Kafka key is (order holds per key) */
  key: string;
  summary: string;
  schema: TSchema;
  /**
   * true: sent between services on its topic. false: no longer on any topic, the shape in which
   * the feeds and loan histories answer over HTTP.
   */
  published: boolean;
  /** the consumer groups that read it, `{schema}.{purpose}` */
  consumers: readonly string[];
  /** whether messages of a (logical, un-namespaced) topic are this contract's */
  carries(topic: string): boolean;
}

/** A header every message carries (or may carry), on Kafka and in the embedded transport alike. */
export interface HeaderContract {
  name: string;
  description: string;
  required: boolean;
  schema: Record<string, unknown>;
}

/** The headers of every message (libs/messaging/src/message.ts names the first two). */
export const MESSAGE_HEADERS: readonly HeaderContract[] = [
  {
    name: 'g2g-message-id',
    required: true,
    description:
      'the message id, `{producer schema}:{outbox position}` (`{schema}:e{log position}` for an event shipped from its log): stable across redelivery and republishing, so that a consumer applies each message once (its inbox)',
    schema: { type: 'string', pattern: '^[a-z_][a-z0-9_]*:e?[0-9]+$' },
  },
  {
    name: 'g2g-recorded-at',
    required: true,
    description: 'when the producer recorded the message (its outbox row or event), ISO 8601: the recorded time of a value that has no time of its own',
    schema: JSON.parse(JSON.stringify(Time())),
  },
  {
    name: 'traceparent',
    required: false,
    description: 'W3C Trace Context of the span that produced the message (OpenTelemetry), when tracing is on; a consumer continues the trace',
    schema: { type: 'string', pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' },
  },
];

/** The services that consume, each parking what it cannot apply on its own dead-letter topic. */
export const CONSUMING_SCHEMAS = ['intake', 'underwriting', 'cession', 'compensation', 'reporting'] as const;

/**
 * The dead letters: a message a consumer could not apply (its handler failed every attempt, its
 * bytes were not JSON, or its value does not match its contract), parked with the original key
 * and value and the original headers, plus these.
 */
export const DEAD_LETTERS = {
  name: 'dead-letter',
  version: 1,
  address: 'g2g.{schema}.dead-letters.v1',
  key: 'the original key',
  summary: 'a message its consumer could not apply, with the error in headers',
  headers: [
    { name: 'g2g-dlq-original-id', required: true, description: 'the parked message\'s g2g-message-id', schema: { type: 'string' } },
    { name: 'g2g-dlq-original-topic', required: true, description: 'the topic it came on', schema: { type: 'string' } },
    { name: 'g2g-dlq-consumer', required: true, description: 'the consumer group that parked it', schema: { type: 'string' } },
    {
      name: 'g2g-dlq-error',
      required: true,
      description: 'why, at most 2,000 characters; for a value that does not match its contract, each mismatch as `/path: message` (never a value)',
      schema: { type: 'string', maxLength: 2000 },
    },
    { name: 'g2g-dlq-error-name', required: true, description: 'the error\'s name: `ContractViolation` for a value that does not match its contract', schema: { type: 'string' } },
    { name: 'g2g-dlq-attempts', required: true, description: 'how often the handler was tried (0: never, the message could not be read)', schema: { type: 'string', pattern: '^[0-9]+$' } },
    { name: 'g2g-dlq-answered', required: true, description: 'whether the consumer recorded a final outcome for it (UNPROCESSABLE rows) before parking it', schema: { type: 'string', enum: ['true', 'false'] } },
    { name: 'g2g-dlq-raw', required: false, description: 'the bytes as text, at most 10,000 characters, when they were not JSON (the value is then null)', schema: { type: 'string', maxLength: 10000 } },
  ] satisfies readonly HeaderContract[],
} as const;

type Topical = { topic: string; version: number; schema: TSchema };

/** A contract on a topic of its own, written by the service the topic is named after (`g2g.{owner}.{message}.v{N}`). */
function contract(c: Topical, entry: Omit<Contract, 'address' | 'version' | 'schema' | 'carries' | 'owners'>): Contract {
  return { ...entry, version: c.version, address: c.topic, schema: c.schema, owners: [c.topic.split('.')[1]], carries: (topic) => topic === c.topic };
}

const httpShape = { published: false, consumers: [] } as const;
const referenceDataConsumers = ['intake.reference-data', 'cession.reference-data', 'compensation.reference-data', 'reporting.reference-data'];

export const CONTRACTS: readonly Contract[] = [
  contract(loansFiledV2, { name: 'loans-filed', key: 'the programme id', summary: 'a chunk of valid loan rows a bank filed (up to 1,000, columnar)', published: true, consumers: ['underwriting.decide-loans'] }),
  contract(loansDecidedV2, {
    name: 'loans-decided',
   
    key: 'the programme id',
    summary: 'every loan of a filed chunk decided: codes per loan, and the approved ones\' guarantees with the terms they were issued under',
    published: true,
    consumers: ['cession.cede-guarantees', 'compensation.servicing', 'reporting.chunks'],
  }),
  contract(loanOutcomesV2, { name: 'loan-outcomes', key: 'the bank', summary: 'the codes per row of a decided chunk and nothing else: what intake answers the bank with', published: true, consumers: ['intake.outcomes'] }),
  contract(guaranteesCededV2, {
    name: 'guarantees-ceded',
   
    key: 'the programme id',
    summary: 'the re-guarantors\' and the Fund\'s parts of a decided chunk\'s guarantees, with re-guarantee fees',
    published: true,
    consumers: ['reporting.chunks'],
  }),
  contract(servicingFiledV2, {
    name: 'servicing-filed',
   
    key: 'the bank',
    summary: 'a chunk of valid repayment, claim or recovery rows (one kind per chunk) for loans the bank filed',
    published: true,
    consumers: ['compensation.servicing'],
  }),
  contract(servicingDecidedV2, {
    name: 'servicing-decided',
   
    key: 'the bank',
    summary: 'every row of a servicing chunk decided, with the facts of the accepted ones: repayments, claims paid, recoveries shared',
    published: true,
    consumers: ['intake.outcomes', 'underwriting.loan-lifecycle', 'reporting.chunks'],
  }),
  contract(programmeSuspendedV1, {
    name: 'programme-suspended',
   
    key: 'the programme id',
    summary: 'a claim left the loss ratio above the breaker: the programme approves no loan',
    published: true,
    consumers: ['underwriting.loan-lifecycle', 'reporting.log'],
  }),
  contract(breakerApproachedV1, {
    name: 'breaker-approached',
    key: 'the programme id',
    summary: 'early warning: a claim brought the loss ratio to within 8/10 of the breaker (on or above the warning line), once per crossing',
    published: true,
    consumers: ['reporting.log'],
  }),
  contract(releaseRemindersV1, {
    name: 'release-reminders',
    key: 'the bank',
    summary: 'release reminders of the day for a bank\'s guarantees past maturity with principal outstanding and no claim (up to 1,000)',
    published: true,
    consumers: ['reporting.log'],
  }),
  contract(programmeResumedV1, { name: 'programme-resumed', key: 'the programme id', summary: 'an operator resumed a suspended programme', published: true, consumers: ['reporting.log'] }),
  contract(risksLabelledV1, {
    name: 'risks-labelled',
    key: 'the programme id',
    summary: 'a decided chunk\'s guarantees scored and labelled by a versioned risk model, with each label\'s reason and every feature\'s contribution: they inform, never decide',
    published: true,
    consumers: ['reporting.chunks'],
  }),
  contract(participantRegisteredV1, { name: 'participant-registered', key: 'the participant code', summary: 'reference data: a participant (or a new version of it)', published: true, consumers: referenceDataConsumers }),
  contract(programmePublishedV1, { name: 'programme-published', key: 'the programme id', summary: 'reference data: a programme version, effective from its date', published: true, consumers: referenceDataConsumers }),
  contract(apiKeyIssuedV1, { name: 'api-key-issued', key: 'the participant code', summary: 'reference data: the SHA-256 of a new API key (never the key)', published: true, consumers: referenceDataConsumers }),
  contract(apiKeyRevokedV1, { name: 'api-key-revoked', key: 'the participant code', summary: 'reference data: the SHA-256 of each API key an operator revoked', published: true, consumers: referenceDataConsumers }),
  {
    name: 'operator-action-recorded',
    version: operatorActionRecordedV1.version,
    address: operatorActionRecordedV1.topic('{service}'),
    // every service may publish its operators' actions on its own topic; reporting records its own in its log
    owners: ['intake', 'underwriting', 'cession', 'compensation'],
    key: 'the service',
    summary: 'an operator did something there: who, what, to what, when',
    schema: operatorActionRecordedV1.schema,
    published: true,
    consumers: ['reporting.log'],
    carries: operatorActionRecordedV1.carries,
  },
  contract(loanFiledV1, { name: 'loan-filed', key: 'the programme id', summary: 'a bank filed a valid loan row', ...httpShape }),
  contract(guaranteeIssuedV1, { name: 'guarantee-issued', key: 'the guarantee id', summary: 'approved: the guarantee is issued, with its parties, risk amounts and fee', ...httpShape }),
  contract(loanRejectedV1, { name: 'loan-rejected', key: 'the guarantee id', summary: 'refused under the programme\'s rules, with every reason code', ...httpShape }),
  contract(guaranteeCededV1, { name: 'guarantee-ceded', key: 'the guarantee id', summary: 're-guarantors\' and the Fund\'s parts booked, with re-guarantee fees', ...httpShape }),
  contract(servicingFiledV1, { name: 'servicing-filed', key: 'the guarantee id', summary: 'a bank filed a valid repayment, claim or recovery row for a loan it filed', ...httpShape }),
  contract(servicingDecidedV1, { name: 'servicing-decided', key: 'the guarantee id', summary: 'the row\'s outcome: accepted, or rejected with one code', ...httpShape }),
  contract(guaranteeRepaidV1, { name: 'guarantee-repaid', key: 'the guarantee id', summary: 'a repayment booked; released when it brought the outstanding principal to zero', ...httpShape }),
  contract(claimPaidV1, { name: 'claim-paid', key: 'the guarantee id', summary: 'a claim paid: compensation, support, losses; the guarantee released by compensation', ...httpShape }),
  contract(recoverySharedV1, { name: 'recovery-shared', key: 'the guarantee id', summary: 'a recovery shared among the parties by the loss each bore', ...httpShape }),
  contract(riskLabelledV1, { name: 'risk-labelled', key: 'the guarantee id', summary: 'one guarantee\'s risk score and labels with their reasons', ...httpShape }),
  contract(releaseReminderV1, { name: 'release-reminder', key: 'the guarantee id', summary: 'a release reminder of one guarantee, as its bank\'s and guarantor\'s feeds answer', ...httpShape }),
];

/** The contract whose messages a topic carries, if it has one (only published contracts are on topics). */
export function contractOf(topic: string): Contract | undefined {
  return CONTRACTS.find((c) => c.published && c.carries(topic));
}
