import { DEAD_LETTERS, MESSAGE_HEADERS, loansFiledV2, programmeResumedV1 } from '@g2g/contracts';
import { EventStore, enqueue, migrate, storeMigrations } from '@g2g/event-store';
import { TestDatabase, embeddedDatabase, eventually, freshServerDatabase } from '@g2g/testing';
import { EmbeddedTransport } from './embedded-transport';
import { ConsumerSpec, IncomingMessage, deadLetterTopic } from './message';
import { loansFiledChunk } from './loans-filed-chunk.fixture';

// The embedded transport against the producers' own tables, on the platform's real topics (so
// in a database of its own: the producers' schemas are named intake and underwriting).

const chunk = (firstRow: number, principalFen: string[]) => loansFiledChunk('CC', firstRow, principalFen);

describe.each([
  ['server PostgreSQL', () => freshServerDatabase('g2g_cc', 4)],
  ['embedded PostgreSQL (PGlite)', embeddedDatabase],
] as const)('the embedded transport on %s: messages that do not match their contract', (_name, open) => {
  let t: TestDatabase;
  const consumerSchema = 'checker';

  beforeAll(async () => {
    t = await open();
    for (const s of ['intake', 'underwriting', consumerSchema]) await migrate(t.db, s, storeMigrations);
    await t.db.query(`create table ${consumerSchema}.seen (consumer text, topic text, first_row int, poisoned text)`);
  }, 60_000);
  afterAll(async () => t?.close());

  const seen = (consumer: string) => t.db.query<{ topic: string; first_row: number | null; poisoned: string | null }>(`select topic, first_row, poisoned from ${consumerSchema}.seen where consumer = $1 order by first_row`, [consumer]);
  const parked = () =>
    t.db.query<{ key: string; value: unknown; headers: Record<string, string> }>(`select key, value, headers from ${consumerSchema}.outbox where topic = $1 order by position`, [deadLetterTopic(consumerSchema)]);

  it('parks them with the reason, lets a consumer that answers poison answer them, and applies the rest, from the outbox and from a log', async () => {
    const decider: ConsumerSpec = {
      consumer: `${consumerSchema}.decide`,
      schema: consumerSchema,
      topics: [loansFiledV2.topic, programmeResumedV1.topic],
      answersPoison: true,
      // what its answers copy: a message wrong in one of these is parked unanswered
      answerCopies: { [loansFiledV2.topic]: ['/bank', '/batchRef', '/firstRow', '/loans/row'], [programmeResumedV1.topic]: ['/programme'] },
      batchSize: 1,
      handle: async (messages: IncomingMessage[], tx, poisoned) => {
        for (const m of messages) {
          await tx.query(`insert into ${consumerSchema}.seen values ($1, $2, $3, $4)`, [`${consumerSchema}.decide`, m.topic, m.value?.firstRow ?? null, poisoned === undefined ? null : (poisoned as Error).name]);
        }
      },
    };
    // keeps chunks as their text, unread, as reporting does
    const keeper: ConsumerSpec = {
      consumer: `${consumerSchema}.keep`,
      schema: consumerSchema,
      topics: [loansFiledV2.topic],
      raw: true,
      handle: async (messages, tx) => {
        for (const m of messages) await tx.query(`insert into ${consumerSchema}.seen values ($1, $2, $3, null)`, [`${consumerSchema}.keep`, m.topic, JSON.parse(m.raw!).firstRow]);
      },
    };
    const lines: string[] = [];
    const transport = new EmbeddedTransport(t.db, { idleMs: 20, log: (l) => lines.push(l) });
    transport.subscribe(decider);
    transport.subscribe(keeper);
    await transport.start();
    try {
      const intake = new EventStore('intake');
      const publish = (c: unknown, n: number) => ({ streamId: `chunk-${n}`, expected: 'no_stream' as const, events: [{ type: 'intake.loans-filed.v2', data: c, publish: { topic: loansFiledV2.topic, key: 'P1' } }] });
      await t.db.transaction(async (tx) => {
        await intake.append(tx, [publish(chunk(1, ['100', '200']), 1)]);
        await intake.append(tx, [publish(chunk(3, ['300', '4.00']), 2)]); // yuan where fen belong
        await intake.append(tx, [publish(chunk(5, ['500']), 3)]);
        const badRow = chunk(7, ['700']);
        (badRow.loans.row as unknown[])[0] = 'seven'; // a field an answer would copy
        await intake.append(tx, [publish(badRow, 4)]);
        await enqueue(tx, 'underwriting', [
          { topic: programmeResumedV1.topic, key: 'P1', value: { programme: 'P1', resumedOn: '2025-13-01', recordedAt: '2026-01-05T08:00:00.000Z' } },
          { topic: programmeResumedV1.topic, key: 'P1', value: { programme: 'P1', resumedOn: '2025-12-01', recordedAt: '2026-01-05T08:00:00.000Z' } },
        ]);
      });
      await eventually(async () => (await seen(decider.consumer)).length === 5 && (await seen(keeper.consumer)).length === 2 && (await parked()).length === 5, 30_000, 'every message handled or answered').catch((e) => {
        throw new Error(`${e.message}; the transport said: ${lines.join(' | ')}`);
      });

      expect(await seen(decider.consumer)).toEqual([
        { topic: loansFiledV2.topic, first_row: 1, poisoned: null },
        { topic: loansFiledV2.topic, first_row: 3, poisoned: 'ContractViolation' },
        { topic: loansFiledV2.topic, first_row: 5, poisoned: null },
        { topic: programmeResumedV1.topic, first_row: null, poisoned: 'ContractViolation' },
        { topic: programmeResumedV1.topic, first_row: null, poisoned: null },
      ]);
      expect((await seen(keeper.consumer)).map((r) => r.first_row)).toEqual([1, 5]);

      const dead = await parked();
      const reason = (consumer: string, topic: string) => dead.find((d) => d.headers['g2g-dlq-consumer'] === consumer && d.headers['g2g-dlq-original-topic'] === topic && (d.value as { firstRow?: number }).firstRow !== 7)!.headers;
      expect(dead).toHaveLength(5);
      const wrongKey = dead.filter((d) => d.headers['g2g-dlq-consumer'] === decider.consumer && (d.value as { firstRow?: number }).firstRow === 7);
      expect(wrongKey.map((d) => [d.headers['g2g-dlq-error'], d.headers['g2g-dlq-answered']])).toEqual([
        [`does not match its contract (${loansFiledV2.topic}, version 2): /loans/row/0: must be integer`, 'false'],
      ]);
      expect(reason(decider.consumer, loansFiledV2.topic)).toMatchObject({
        'g2g-dlq-error-name': 'ContractViolation',
        'g2g-dlq-error': `does not match its contract (${loansFiledV2.topic}, version 2): /loans/principalFen/1: must match pattern "^(0|[1-9][0-9]*)$"`,
        'g2g-dlq-attempts': '0',
        'g2g-dlq-answered': 'true',
      });
      expect(reason(keeper.consumer, loansFiledV2.topic)).toMatchObject({ 'g2g-dlq-error-name': 'ContractViolation', 'g2g-dlq-answered': 'false' });
      expect(reason(decider.consumer, programmeResumedV1.topic)).toMatchObject({
        'g2g-dlq-error': `does not match its contract (${programmeResumedV1.topic}, version 1): /resumedOn: must match pattern "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"`,
      });
      // the dead letter keeps the value for operators (the text of one its consumer kept unread, read),
      // and carries the headers docs/asyncapi.yaml says it does
      const valueOf = (consumer: string, topic: string) => dead.find((d) => d.headers['g2g-dlq-consumer'] === consumer && d.headers['g2g-dlq-original-topic'] === topic && (d.value as { firstRow?: number }).firstRow !== 7)!.value;
      expect(valueOf(decider.consumer, loansFiledV2.topic)).toEqual(chunk(3, ['300', '4.00']));
      expect(valueOf(keeper.consumer, loansFiledV2.topic)).toEqual(chunk(3, ['300', '4.00']));
      expect(valueOf(decider.consumer, programmeResumedV1.topic)).toMatchObject({ resumedOn: '2025-13-01' });
      const documented = new Set([...DEAD_LETTERS.headers, ...MESSAGE_HEADERS].map((h) => h.name));
      for (const d of dead) {
        expect(Object.keys(d.headers).filter((h) => !documented.has(h))).toEqual([]);
        expect(DEAD_LETTERS.headers.filter((h) => h.required && !(h.name in d.headers)).map((h) => h.name)).toEqual([]);
      }
      const outcomes = await t.db.query(`select consumer, outcome, count(*)::int as n from ${consumerSchema}.inbox group by consumer, outcome order by consumer, outcome`);
      expect(outcomes).toEqual([
        { consumer: decider.consumer, outcome: 'dead-lettered', n: 3 },
        { consumer: decider.consumer, outcome: 'handled', n: 3 },
        { consumer: keeper.consumer, outcome: 'dead-lettered', n: 2 },
        { consumer: keeper.consumer, outcome: 'handled', n: 2 },
      ]);
    } finally {
      await transport.stop();
    }
  }, 60_000);
});
