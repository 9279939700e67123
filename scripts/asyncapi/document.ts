import { CONSUMING_SCHEMAS, CONTRACTS, Contract, DEAD_LETTERS, HeaderContract, MESSAGE_HEADERS } from '@g2g/contracts';
import { stringify } from 'yaml';
import { TOPIC_MAX_MESSAGE_BYTES } from '../../libs/messaging/src/produce-requests';

/**
 * docs/asyncapi.yaml, built from the contract registry of libs/contracts: every topic a channel
 * with its message (payload schema, key, headers, contract version), who sends and who receives
 * it, and the dead-letter topics. test/asyncapi.unit.spec.ts fails when the committed document is
 * not what this builds.
 */

const KAFKA_BINDING = '0.5.0';
const id = (c: { name: string; version: number }) => `${c.name}.v${c.version}`;
/** A schema as JSON: TypeBox's own (symbol) keys left out, no object shared between two places. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value));

function headersSchema(headers: readonly HeaderContract[], description: string) {
  return {
    type: 'object',
    description,
    properties: Object.fromEntries(headers.map((h) => [h.name, { ...h.schema, description: h.description }])),
    required: headers.filter((h) => h.required).map((h) => h.name),
  };
}

/** `{service}` and `{schema}` in an address: the services it may be, each a topic of its own. */
function parameters(address: string, c?: Contract) {
  const names = [...address.matchAll(/\{([a-z]+)\}/g)].map((m) => m[1]);
  if (names.length === 0) return {};
  const of: Record<string, { enum: string[]; description: string }> = {
    service: { enum: [...(c?.owners ?? [])], description: 'the service that owns the topic (its operators acted there)' },
    schema: { enum: [...CONSUMING_SCHEMAS], description: 'the consuming service whose dead letters these are' },
  };
  return { parameters: Object.fromEntries(names.map((n) => [n, of[n]])) };
}

export function asyncApiDocument(version: string): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {
    'message-headers': headersSchema(MESSAGE_HEADERS, 'the headers of every message, on Kafka and in the embedded transport'),
  };
  const topicConfiguration = { 'max.message.bytes': TOPIC_MAX_MESSAGE_BYTES };

  for (const c of CONTRACTS) {
    const name = id(c);
    if (!c.published) {
      schemas[name] = {
        ...plain(c.schema),
        description: `${c.summary}. On no topic: the shape of the ${c.name} messages of GET /feed and GET /loans/{bank}/{loan_id}/history (reporting), contract version ${c.version}`,
      };
      continue;
    }
    schemas[name] = plain(c.schema);
    messages[name] = {
      name: c.name,
      title: `${c.name} v${c.version}`,
      summary: c.summary,
      contentType: 'application/json',
      headers: { $ref: '#/components/schemas/message-headers' },
      payload: { $ref: `#/components/schemas/${name}` },
      bindings: { kafka: { key: { type: 'string', description: c.key }, bindingVersion: KAFKA_BINDING } },
      'x-contract-version': c.version,
    };
    channels[name] = {
      address: c.address,
      title: `${c.name} v${c.version}`,
      description: `${c.summary}. Written by ${c.owners.join(', ')}; the Kafka key is ${c.key}.`,
      ...parameters(c.address, c),
      messages: { [name]: { $ref: `#/components/messages/${name}` } },
      bindings: { kafka: { topicConfiguration, bindingVersion: KAFKA_BINDING } },
    };
    const message = { $ref: `#/channels/${name}/messages/${name}` };
    for (const owner of c.owners) {
      operations[`${owner}.send.${name}`] = { action: 'send', channel: { $ref: `#/channels/${name}` }, summary: `${owner} publishes ${c.name} v${c.version} (from its outbox)`, messages: [message] };
    }
    for (const consumer of c.consumers) {
      operations[`${consumer}.receive.${name}`] = {
        action: 'receive',
        channel: { $ref: `#/channels/${name}` },
        summary: `the consumer group ${consumer} applies it once (its inbox), after checking it against the payload schema; a value that does not match is parked on its dead letters`,
        messages: [message],
        bindings: { kafka: { groupId: { type: 'string', enum: [consumer] }, bindingVersion: KAFKA_BINDING } },
      };
    }
  }

  const deadLetter = id(DEAD_LETTERS);
  schemas[`${deadLetter}-headers`] = {
    ...headersSchema([...MESSAGE_HEADERS, ...DEAD_LETTERS.headers], 'the parked message\'s own headers, with these beside them'),
  };
  messages[deadLetter] = {
    name: DEAD_LETTERS.name,
    title: `${DEAD_LETTERS.name} v${DEAD_LETTERS.version}`,
    summary: DEAD_LETTERS.summary,
    contentType: 'application/json',
    headers: { $ref: `#/components/schemas/${deadLetter}-headers` },
    payload: { description: 'the parked message\'s value, as it came; null when its bytes were not JSON' },
    bindings: { kafka: { key: { type: 'string', description: DEAD_LETTERS.key }, bindingVersion: KAFKA_BINDING } },
    'x-contract-version': DEAD_LETTERS.version,
  };
  channels[deadLetter] = {
    address: DEAD_LETTERS.address,
    title: 'dead letters',
    description: `${DEAD_LETTERS.summary}: its handler failed every attempt, its bytes were not JSON, or its value does not match its contract. Each consuming service parks on its own topic, for operators.`,
    ...parameters(DEAD_LETTERS.address),
    messages: { [deadLetter]: { $ref: `#/components/messages/${deadLetter}` } },
    bindings: { kafka: { topicConfiguration, bindingVersion: KAFKA_BINDING } },
  };
  operations[`consumers.send.${deadLetter}`] = {
    action: 'send',
    channel: { $ref: `#/channels/${deadLetter}` },
    summary: 'a consumer parks a message it could not apply (from its outbox, in the transaction that records it as dead-lettered)',
    messages: [{ $ref: `#/channels/${deadLetter}/messages/${deadLetter}` }],
  };

  return plain({
    asyncapi: '3.0.0',
    info: {
      title: 'g2g integration events',
      version,
      description:
        'The messages the services of the g2g platform (intake, underwriting, cession, compensation, reporting) send each other. docs/contracts.md explains them; libs/contracts holds their types and schemas, from which this document is generated (npm run asyncapi). Values are JSON; money is integer fen as a decimal string, dates are YYYY-MM-DD business dates, times ISO 8601. Every consumer checks each message against its payload schema before applying it.',
    },
    defaultContentType: 'application/json',
    servers: {
      kafka: {
        host: '{brokers}',
        protocol: 'kafka',
        description: 'The brokers of KAFKA_BROKERS. With KAFKA_NAMESPACE set, every topic and consumer group name is prefixed with it. In embedded mode the same messages go through the database (each consumer reads the producers\' outboxes), with the same headers and the same checks.',
        variables: { brokers: { default: '127.0.0.1:9092', description: 'host:port of a broker' } },
      },
    },
    channels,
    operations,
    components: { messages, schemas },
  });
}

/** The document as YAML, as committed in docs/asyncapi.yaml. */
export function asyncApiYaml(version: string): string {
  const header = '# Generated from libs/contracts (src/registry.ts) by `npm run asyncapi`: edit the contracts, not this file.\n';
  return header + stringify(asyncApiDocument(version), { lineWidth: 0, aliasDuplicateObjects: false });
}
