import { EventStore, WrongExpectedVersion, enqueue, migrate, storeMigrations } from '@g2g/event-store';
import { TestDatabase, eventually, testDatabases, uniqueSchema } from '@g2g/testing';
import { deliver } from './deliver';
import { EmbeddedTransport } from './embedded-transport';
import { ConsumerSpec, IncomingMessage, deadLetterTopic } from './message';

describe.each(testDatabases)('delivery on %s', (_name, open) => {
  let t: TestDatabase;
  let consumerSchema: string;
  let spec: ConsumerSpec;

  beforeAll(async () => {
    t = await open();
  }, 60_000);
  afterAll(async () => t?.close());

  beforeEach(async () => {
    consumerSchema = uniqueSchema('dc');
    await migrate(t.db, consumerSchema, storeMigrations);
    await t.db.query(`create table ${consumerSchema}.effects (id bigserial, key text, seq int)`);
    spec = {
      consumer: `${consumerSchema}.effects`,
      schema: consumerSchema,
      topics: ['g2g.test.tick.v1'],
      maxAttempts: 2,
      handle: async (messages, tx) => {
        for (const m of messages) {
          if (m.value.poison) throw new Error(`poison ${m.value.seq}`);
          await tx.query(`insert into ${consumerSchema}.effects (key, seq) values ($1, $2)`, [m.key, m.value.seq]);
        }
      },
    };
  });

  const tick = (seq: number, extra: object = {}): IncomingMessage => ({
    id: `test:${seq}`,
    topic: 'g2g.test.tick.v1',
    key: `k${seq % 3}`,
    value: { seq, ...extra },
    headers: {},
  });
  const effects = () => t.db.query<{ seq: number }>(`select seq from ${consumerSchema}.effects order by id`);

  it('applies a redelivered batch once', async () => {
    const batch = [tick(1), tick(2), tick(2), tick(3)];
    const first = await t.db.transaction((tx) => deliver(tx, spec, batch));
    const again = await t.db.transaction((tx) => deliver(tx, spec, batch));
    expect(first).toEqual({ handled: 3, duplicates: 1, deadLettered: 0 });
    expect(again).toEqual({ handled: 0, duplicates: 4, deadLettered: 0 });
    expect((await effects()).map((r) => r.seq)).toEqual([1, 2, 3]);
  });

  it('parks a poison message with its error on the dead-letter topic and applies the rest', async () => {
    const batch = [tick(1), tick(2), tick(3, { poison: true }), tick(4)];
    const report = await t.db.transaction((tx) => deliver(tx, spec, batch));
    expect(report).toEqual({ handled: 3, duplicates: 0, deadLettered: 1 });
    expect((await effects()).map((r) => r.seq)).toEqual([1, 2, 4]);
    const parked = await t.db.query(`select topic, key, value, headers from ${consumerSchema}.outbox`);
    expect(parked).toEqual([
      {
        topic: deadLetterTopic(consumerSchema),
        key: 'k0',
        value: { seq: 3, poison: true },
        headers: expect.objectContaining({
          'g2g-dlq-error': 'poison 3',
          'g2g-dlq-original-id': 'test:3',
          'g2g-dlq-original-topic': 'g2g.test.tick.v1',
          'g2g-dlq-consumer': spec.consumer,
          'g2g-dlq-attempts': '2',
        }),
      },
    ]);
    const [inbox] = await t.db.query(`select outcome from ${consumerSchema}.inbox where message_id = 'test:3'`);
    expect(inbox.outcome).toBe('dead-lettered');
    // redelivered, it is neither applied nor parked again
    await t.db.transaction((tx) => deliver(tx, spec, batch));
    expect(await t.db.query(`select 1 from ${consumerSchema}.outbox`)).toHaveLength(1);
  });

  it('lets a consumer that answers poison record a final outcome for the message it parks', async () => {
    const answering: ConsumerSpec = {
      ...spec,
      answersPoison: true,
      handle: async (messages, tx, poisoned) => {
        if (poisoned === undefined) return spec.handle(messages, tx);
        for (const m of messages) await tx.query(`insert into ${consumerSchema}.effects (key, seq) values ('unprocessable', $1)`, [m.value.seq]);
      },
    };
    const report = await t.db.transaction((tx) => deliver(tx, answering, [tick(1), tick(2, { poison: true }), tick(3)]));
    expect(report).toEqual({ handled: 2, duplicates: 0, deadLettered: 1 });
    expect(await t.db.query(`select key, seq from ${consumerSchema}.effects order by seq`)).toEqual([
      { key: 'k1', seq: 1 },
      { key: 'unprocessable', seq: 2 },
      { key: 'k0', seq: 3 },
    ]);
    const [parked] = await t.db.query(`select headers from ${consumerSchema}.outbox`);
    expect(parked.headers).toMatchObject({ 'g2g-dlq-error': 'poison 2', 'g2g-dlq-answered': 'true' });
    // an answer that fails too leaves the message parked, unanswered, and the rest applied
    const failing: ConsumerSpec = { ...answering, handle: async (m, tx, poisoned) => (poisoned === undefined ? spec.handle(m, tx) : Promise.reject(new Error('no answer'))) };
    await t.db.transaction((tx) => deliver(tx, failing, [tick(4, { poison: true }), tick(5)]));
    const headers = (await t.db.query(`select headers from ${consumerSchema}.outbox order by position`)).map((r) => r.headers['g2g-dlq-answered']);
    expect(headers).toEqual(['true', 'false']);
    expect((await effects()).map((r) => r.seq)).toEqual([1, 2, 3, 5]);
  });

  it('hands a concurrency conflict back to the transaction instead of parking the message', async () => {
    let conflicts = 1;
    const racing: ConsumerSpec = {
      ...spec,
      handle: async (messages, tx) => {
        if (conflicts-- > 0) throw new WrongExpectedVersion(['guarantee:X']);
        await spec.handle(messages, tx);
      },
    };
    await expect(t.db.transaction((tx) => deliver(tx, racing, [tick(1)]), 1)).rejects.toBeInstanceOf(WrongExpectedVersion);
    expect(await t.db.query(`select 1 from ${consumerSchema}.outbox`)).toHaveLength(0);
    expect(await t.db.query(`select 1 from ${consumerSchema}.inbox`)).toHaveLength(0);
    // rerun, as Database.transaction does, it applies the message
    expect(await t.db.transaction((tx) => deliver(tx, racing, [tick(1)]))).toEqual({ handled: 1, duplicates: 0, deadLettered: 0 });
    expect((await effects()).map((r) => r.seq)).toEqual([1]);
  });

  it('parks a message that is not JSON without calling the handler', async () => {
    const bad: IncomingMessage = { ...tick(5), value: undefined, malformed: '{"seq": 5,' };
    const report = await t.db.transaction((tx) => deliver(tx, spec, [bad, tick(6)]));
    expect(report.deadLettered).toBe(1);
    expect((await effects()).map((r) => r.seq)).toEqual([6]);
    const [row] = await t.db.query(`select headers from ${consumerSchema}.outbox`);
    expect(row.headers['g2g-dlq-raw']).toBe('{"seq": 5,');
  });

  it('carries outbox messages between two schemas exactly once, in key order, past a poison message', async () => {
    const producer = uniqueSchema('dp');
    await migrate(t.db, producer, storeMigrations);
    const topic = `g2g.${producer.replaceAll('_', '-')}.tick.v1`;
    const transport = new EmbeddedTransport(t.db, { idleMs: 20, batchSize: 100 });
    transport.subscribe({ ...spec, topics: [topic] });
    await transport.start();
    try {
      const total = 1000;
      for (let start = 0; start < total; start += 250) {
        await t.db.transaction((tx) =>
          enqueue(
            tx,
            producer,
            Array.from({ length: 250 }, (_, i) => ({
              topic,
              key: `k${(start + i) % 7}`,
              value: { seq: start + i, ...(start + i === 500 ? { poison: true } : {}) },
            })),
          ),
        );
      }
      await eventually(async () => (await effects()).length >= total - 1, 30_000, 'all effects');
      const rows = await t.db.query<{ key: string; seq: number }>(`select key, seq from ${consumerSchema}.effects order by id`);
      expect(rows).toHaveLength(total - 1);
      expect(new Set(rows.map((r) => r.seq)).size).toBe(total - 1);
      const last = new Map<string, number>();
      for (const r of rows) {
        expect(r.seq).toBeGreaterThan(last.get(r.key) ?? -1);
        last.set(r.key, r.seq);
      }
      const parked = await t.db.query(`select value from ${consumerSchema}.outbox where topic = $1`, [deadLetterTopic(consumerSchema)]);
      expect(parked).toEqual([{ value: { seq: 500, poison: true } }]);
    } finally {
      await transport.stop();
    }
  }, 60_000);

  it('carries events published from a log between two schemas exactly once, in order, as they were stored', async () => {
    const producer = uniqueSchema('dp');
    await migrate(t.db, producer, storeMigrations);
    const topic = `g2g.${producer.replaceAll('_', '-')}.tick.v2`;
    const store = new EventStore(producer);
    const transport = new EmbeddedTransport(t.db, { idleMs: 20 });
    transport.subscribe({ ...spec, topics: [topic] });
    await transport.start();
    try {
      for (let seq = 0; seq < 40; seq++) {
        await t.db.transaction((tx) =>
          store.append(tx, [
            {
              streamId: `chunk-${seq}`,
              expected: 'no_stream',
              events: [
                { type: 'test.unpublished.v1', data: { seq: -1 } },
                seq % 2 === 0 ? { type: 'test.tick.v2', data: { seq }, publish: { topic, key: `k${seq % 3}` } } : { type: 'test.tick.v2', json: `{"seq":${seq}}`, publish: { topic, key: `k${seq % 3}` } },
              ],
            },
          ]),
        );
      }
      await eventually(async () => (await effects()).length >= 40, 30_000, 'all effects');
      expect((await effects()).map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      const ids = await t.db.query<{ message_id: string }>(`select message_id from ${consumerSchema}.inbox order by handled_at`);
      expect(ids.every((r) => r.message_id.startsWith(`${producer}:e`))).toBe(true);
    } finally {
      await transport.stop();
    }
  }, 60_000);
});
