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
