import { enqueue, migrate, storeMigrations } from '@g2g/event-store';
import { TestDatabase, embeddedDatabase, eventually, uniqueSchema } from '@g2g/testing';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import { EmbeddedTransport } from './embedded-transport';
import { IncomingMessage } from './message';
import { Consume, G2gContext, G2gServer, PassErrorsToTransport } from './nest-transport';

const producer = uniqueSchema('np');
const first = uniqueSchema('na');
const second = uniqueSchema('nb');
const topic = `g2g.${producer.replaceAll('_', '-')}.thing-happened.v1`;

@Controller()
class FirstConsumer {
  @Consume(topic, { consumer: `${first}.things` })
  async on(@Payload() messages: IncomingMessage<{ n: number }>[], @Ctx() ctx: G2gContext) {
    for (const m of messages) await ctx.tx.query(`insert into ${first}.seen (n) values ($1)`, [m.value.n]);
  }
}

@Controller()
class SecondConsumer {
  @Consume(topic, { consumer: `${second}.things` })
  async on(@Payload() messages: IncomingMessage<{ n: number }>[], @Ctx() ctx: G2gContext) {
    for (const m of messages) {
      if (m.value.n === 13) throw new Error('thirteen is unlucky here');
      await ctx.tx.query(`insert into ${second}.seen (n) values ($1)`, [m.value.n]);
    }
  }
}

@Module({ controllers: [FirstConsumer, SecondConsumer] })
class BothModule {}

describe('Nest handlers of one topic in one process', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await embeddedDatabase();
    for (const s of [producer, first, second]) await migrate(t.db, s, storeMigrations);
    for (const s of [first, second]) await t.db.query(`create table ${s}.seen (n int)`);
  }, 60_000);
  afterAll(async () => t?.close());

  it('are separate consumers: each applies every message once in its own transaction, and one failing does not undo the other', async () => {
    const transport = new EmbeddedTransport(t.db, { idleMs: 20 });
    const app = await NestFactory.createMicroservice(BothModule, { strategy: new G2gServer(transport), logger: false });
    app.useGlobalFilters(new PassErrorsToTransport());
    await app.listen();
    try {
      await t.db.transaction((tx) => enqueue(tx, producer, [1, 13, 2].map((n) => ({ topic, key: `k${n}`, value: { n } }))));
      const seen = async (s: string) => (await t.db.query<{ n: number }>(`select n from ${s}.seen order by n`)).map((r) => r.n);
      await eventually(async () => (await seen(first)).length === 3 && (await seen(second)).length === 2, 20_000, 'both consumers');
      expect(await seen(first)).toEqual([1, 2, 13]);
      expect(await seen(second)).toEqual([1, 2]);
      expect(await t.db.query(`select outcome from ${first}.inbox order by message_id`)).toEqual([{ outcome: 'handled' }, { outcome: 'handled' }, { outcome: 'handled' }]);
      const parked = await t.db.query(`select headers->>'g2g-dlq-error' as error from ${second}.outbox`);
      expect(parked).toEqual([{ error: 'thirteen is unlucky here' }]);
    } finally {
      await app.close();
    }
  }, 60_000);
});

const otherProducer = uniqueSchema('nq');
const otherTopic = `g2g.${otherProducer.replaceAll('_', '-')}.thing-happened.v1`;
const both = uniqueSchema('nc');

@Controller()
class OneHandlerForTwoTopics {
  @Consume([topic, otherTopic], { consumer: `${both}.things` })
  async on(@Payload() messages: IncomingMessage<{ n: number }>[], @Ctx() ctx: G2gContext) {
    for (const m of messages) await ctx.tx.query(`insert into ${both}.seen (topic, n) values ($1, $2)`, [m.topic, m.value.n]);
  }
}

@Module({ controllers: [OneHandlerForTwoTopics] })
class TwoTopicsModule {}

describe('one Nest handler for the same message from two producers', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await embeddedDatabase();
    for (const s of [producer, otherProducer, both]) await migrate(t.db, s, storeMigrations);
    await t.db.query(`create table ${both}.seen (topic text, n int)`);
  }, 60_000);
  afterAll(async () => t?.close());

  it('receives the messages of every topic it names', async () => {
    const transport = new EmbeddedTransport(t.db, { idleMs: 20 });
    const app = await NestFactory.createMicroservice(TwoTopicsModule, { strategy: new G2gServer(transport), logger: false });
    app.useGlobalFilters(new PassErrorsToTransport());
    await app.listen();
    try {
      await t.db.transaction(async (tx) => {
        await enqueue(tx, producer, [{ topic, key: 'a', value: { n: 1 } }]);
        await enqueue(tx, otherProducer, [{ topic: otherTopic, key: 'b', value: { n: 2 } }]);
      });
      const seen = async () => t.db.query<{ topic: string; n: number }>(`select topic, n from ${both}.seen order by n`);
      await eventually(async () => (await seen()).length === 2, 20_000, 'both topics');
      expect(await seen()).toEqual([
        { topic, n: 1 },
        { topic: otherTopic, n: 2 },
      ]);
    } finally {
      await app.close();
    }
  }, 60_000);
});
