import { DEAD_LETTERS, MESSAGE_HEADERS, loansFiledV2 } from '@g2g/contracts';
import { migrate, storeMigrations } from '@g2g/event-store';
import { TestDatabase, deleteKafkaNamespace, eventually, kafkaBrokers, serverDatabase, uniqueSchema } from '@g2g/testing';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaTransport } from './kafka-transport';
import { MESSAGE_ID_HEADER, RECORDED_AT_HEADER, deadLetterTopic } from './message';
import { FIXTURE_BORROWER_ID, FIXTURE_BORROWER_NAME, loansFiledChunk } from './loans-filed-chunk.fixture';

// A consumer of the platform's loans-filed topic over the real broker, in a namespace of its own:
// a chunk that does not match its contract, produced as any client could, is parked on the
// consumer's dead-letter topic with the reason, and the chunk after it is handled.

jest.setTimeout(120_000);

const brokers = kafkaBrokers();
const BORROWER_ID = FIXTURE_BORROWER_ID;
const BORROWER_NAME = FIXTURE_BORROWER_NAME;

const chunk = (firstRow: number, principalFen: string[]) => loansFiledChunk('K', firstRow, principalFen);

describe('a consumer over Kafka, given a message that does not match its contract', () => {
  let t: TestDatabase;
  let transport: KafkaTransport | undefined;
  const schema = uniqueSchema('cck');
  const namespace = `${schema}.`;
  const kafka = new Kafka({ brokers, clientId: 'contract-check-test', logLevel: logLevel.NOTHING });
  const lines: string[] = [];

  beforeAll(async () => {
    t = await serverDatabase(4);
    await migrate(t.db, schema, storeMigrations);
    await t.db.query(`create table ${schema}.decided (first_row int, loans int)`);
    await t.db.query(`create table ${schema}.kept (first_row int)`);
  });
  afterAll(async () => {
    await transport?.stop();
    await deleteKafkaNamespace(brokers, namespace).catch(() => undefined);
    await t.db.query(`drop schema ${schema} cascade`).catch(() => undefined);
    await t?.close();
  });

  it('parks it on the dead-letter topic with the reason and handles the message after it', async () => {
    transport = new KafkaTransport(t.db, { brokers, clientId: 'contract-check-test', relaySchemas: [schema], namespace, partitions: 1, log: (line) => lines.push(line) });
    transport.subscribe({
      consumer: `${schema}.decide-loans`,
      schema,
      topics: [loansFiledV2.topic],
      batchSize: 1,
      handle: async (messages, tx) => {
        for (const m of messages) await tx.query(`insert into ${schema}.decided values ($1, $2)`, [m.value.firstRow, m.value.loans.row.length]);
      },
    });
    // keeps chunks as their text, unread, as reporting does
    transport.subscribe({
      consumer: `${schema}.keep`,
      schema,
      topics: [loansFiledV2.topic],
      raw: true,
      handle: async (messages, tx) => {
        for (const m of messages) await tx.query(`insert into ${schema}.kept values ($1)`, [JSON.parse(m.raw!).firstRow]);
      },
    });
    await transport.start();

    const producer = kafka.producer();
    await producer.connect();
    const send = (id: string, value: unknown) =>
      producer.send({
        topic: namespace + loansFiledV2.topic,
        messages: [{ key: 'P1', value: typeof value === 'string' ? value : JSON.stringify(value), headers: { [MESSAGE_ID_HEADER]: id, [RECORDED_AT_HEADER]: '2026-01-05T08:00:00.000Z' } }],
      });
    // yuan where fen belong, in the second row; bytes that are not JSON; then a good chunk on the same key
    await send('intake:e101', chunk(1, ['100000000', '1500.00']));
    await send('intake:e102', '{"bank": "ICBC", "loans": ');
    await send('intake:e103', chunk(3, ['100000000', '150000']));
    await producer.disconnect();

    await eventually(async () => (await t.db.query(`select 1 from ${schema}.decided`)).length > 0 && (await t.db.query(`select 1 from ${schema}.kept`)).length > 0, 60_000, 'the good chunk');
    expect(await t.db.query(`select first_row, loans from ${schema}.decided`)).toEqual([{ first_row: 3, loans: 2 }]);
    expect(await t.db.query(`select first_row from ${schema}.kept`)).toEqual([{ first_row: 3 }]);

    const letters = await readTopic(namespace + deadLetterTopic(schema), 4);
    const letterOf = (consumer: string, id: string) => letters.find((l) => l.headers['g2g-dlq-consumer'] === `${schema}.${consumer}` && l.headers['g2g-dlq-original-id'] === id)!;
    // the bytes that were not JSON are kept as text, for both consumers, the one that keeps messages unread included
    for (const consumer of ['decide-loans', 'keep']) {
      const unreadable = letterOf(consumer, 'intake:e102');
      expect([unreadable.value, unreadable.headers['g2g-dlq-raw']]).toEqual(['null', '{"bank": "ICBC", "loans": ']);
    }
    const dead = letterOf('decide-loans', 'intake:e101');
    expect(dead.key).toBe('P1');
    expect(JSON.parse(dead.value)).toEqual(chunk(1, ['100000000', '1500.00']));
    expect(dead.headers).toMatchObject({
      'g2g-dlq-original-id': 'intake:e101',
      'g2g-dlq-original-topic': loansFiledV2.topic,
      'g2g-dlq-consumer': `${schema}.decide-loans`,
      'g2g-dlq-error-name': 'ContractViolation',
      'g2g-dlq-error': `does not match its contract (${loansFiledV2.topic}, version 2): /loans/principalFen/1: must match pattern "^(0|[1-9][0-9]*)$"`,
      'g2g-dlq-attempts': '0',
    });
    // every header it carries is one docs/asyncapi.yaml names for a dead letter
    const documented = new Set([...DEAD_LETTERS.headers, ...MESSAGE_HEADERS].map((h) => h.name));
    expect(Object.keys(dead.headers).filter((h) => !documented.has(h))).toEqual([]);

    const [inbox] = await t.db.query(`select outcome from ${schema}.inbox where message_id = 'intake:e101'`);
    expect(inbox.outcome).toBe('dead-lettered');
    const said = lines.filter((l) => l.includes('intake:e101') && l.startsWith(`${schema}.decide-loans:`));
    expect(said).toEqual([expect.stringContaining(`${schema}.decide-loans: parked intake:e101 on dead letters: ContractViolation: does not match its contract`)]);
    // the reason names where, never what: no borrower, and not the amount, reaches the log or the headers
    for (const text of [...lines, dead.headers['g2g-dlq-error']]) for (const value of [BORROWER_ID, BORROWER_NAME, '1500.00']) expect(text).not.toContain(value);
  });

  async function readTopic(topic: string, want: number): Promise<{ key: string; value: string; headers: Record<string, string> }[]> {
    const got: { key: string; value: string; headers: Record<string, string> }[] = [];
    const reader = kafka.consumer({ groupId: `${namespace}reader`, maxWaitTimeInMs: 200 });
    await reader.connect();
    await reader.subscribe({ topic, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        got.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', headers });
      },
    });
    try {
      await eventually(() => got.length >= want, 60_000, `${want} messages on ${topic}`);
      return got;
    } finally {
      await reader.disconnect();
    }
  }
});
