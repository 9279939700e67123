import { TestDatabase, eventually, testDatabases, uniqueSchema } from '@g2g/testing';
import { Database, Sql } from './database';
import { EventStore, WrongExpectedVersion } from './event-store';
import { START } from './log';
import { migrate } from './migrations';
import { storeMigrations } from './schema';
import { LogSubscription, StoppedPartWay, backlogOf } from './subscription';

/** One contract, run against the server PostgreSQL and the embedded one alike. */
describe.each(testDatabases)('event store on %s', (_name, open) => {
  let t: TestDatabase;
  let schema: string;
  let store: EventStore;

  beforeAll(async () => {
    t = await open();
  }, 60_000);
  afterAll(async () => t?.close());

  beforeEach(async () => {
    schema = uniqueSchema('es');
    await migrate(t.db, schema, storeMigrations);
    store = new EventStore(schema, {
      'test.amount-noted.v1': (e) => ({ type: 'test.amount-noted.v2', data: { ...e.data, currency: 'CNY' } }),
    });
  });

  // The fence is server-wide: a transaction open elsewhere on the server (another test file, an
  // e2e service) holds back what a reader may see until it ends. Tests that read right after
  // committing wait for that moment; they never expect to see a row early.
  const settled = () =>
    eventually(async () => {
      const [row] = await t.db.query<{ ok: boolean }>(`select pg_snapshot_xmin(pg_current_snapshot()) > (select coalesce(max(transaction_id), '0'::xid8) from ${schema}.events) as ok`);
      return row.ok;
    }, 30_000, 'transactions elsewhere on the server to end');

  const noted = (n: number) => ({ type: 'test.amount-noted.v2', data: { amountFen: String(n), currency: 'CNY' }, businessDate: '2025-03-01' });

  it('appends to a new stream and reads it back in order, with business date and recorded time', async () => {
    await t.db.transaction((tx) => store.append(tx, [{ streamId: 'loan-1', expected: 'no_stream', events: [noted(1), noted(2)] }]));
    await t.db.transaction((tx) => store.append(tx, [{ streamId: 'loan-1', expected: 2, events: [noted(3)] }]));
    const events = await store.readStream(t.db, 'loan-1');
    expect(events.map((e) => [e.streamPosition, e.data.amountFen])).toEqual([
      [1, '1'],
      [2, '2'],
      [3, '3'],
    ]);
    expect(events[0].businessDate).toBe('2025-03-01');
    expect(events[0].recordedAt).toBeInstanceOf(Date);
    expect(await store.version(t.db, 'loan-1')).toBe(3);
  });

  it('refuses a stale expected version, a second creation and a gap, and writes nothing of the batch', async () => {
    await t.db.transaction((tx) => store.append(tx, [{ streamId: 's', expected: 'no_stream', events: [noted(1)] }]));
    const attempts = [
      { streamId: 's', expected: 'no_stream' as const, events: [noted(2)] },
      { streamId: 's', expected: 0, events: [noted(2)] },
      { streamId: 's', expected: 3, events: [noted(2)] },
    ];
    for (const a of attempts) {
      await expect(
        t.db.transaction((tx) => store.append(tx, [{ streamId: 'other', expected: 'no_stream', events: [noted(9)] }, a]), 1),
      ).rejects.toBeInstanceOf(WrongExpectedVersion);
    }
    expect(await store.version(t.db, 's')).toBe(1);
    expect(await store.version(t.db, 'other')).toBe(0);
  });

  it('lets exactly one of many concurrent writers at one version win; the others retry on fresh state', async () => {
    const writers = t.kind === 'server' ? 12 : 4;
    await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        t.db.transaction(async (tx) => {
          const v = await store.version(tx, 'hot');
          await store.append(tx, [{ streamId: 'hot', expected: v === 0 ? 'no_stream' : v, events: [noted(i)] }]);
        }, 50),
      ),
    );
    const events = await store.readStream(t.db, 'hot');
    expect(events.map((e) => e.streamPosition)).toEqual(Array.from({ length: writers }, (_, i) => i + 1));
    expect(new Set(events.map((e) => e.data.amountFen)).size).toBe(writers);
  });

  it('upcasts old event versions on read and leaves the stored row as it was', async () => {
    await t.db.transaction((tx) =>
      store.append(tx, [{ streamId: 'old', expected: 'no_stream', events: [{ type: 'test.amount-noted.v1', data: { amountFen: '7' } }] }]),
    );
    const [event] = await store.readStream(t.db, 'old');
    expect(event).toMatchObject({ type: 'test.amount-noted.v2', data: { amountFen: '7', currency: 'CNY' } });
    const [raw] = await t.db.query(`select type, data from ${schema}.events where stream_id = 'old'`);
    expect(raw).toEqual({ type: 'test.amount-noted.v1', data: { amountFen: '7' } });
  });

  it('reads the global log in pages from a checkpoint', async () => {
    for (let i = 0; i < 5; i++) {
      await t.db.transaction((tx) => store.append(tx, [{ streamId: `p-${i}`, expected: 'no_stream', events: [noted(i), noted(i)] }]));
    }
    await settled();
    const first = await store.readAll(t.db, START, 4);
    const second = await store.readAll(t.db, first.next, 100);
    const all = [...first.events, ...second.events];
    expect(all).toHaveLength(10);
    expect(new Set(all.map((e) => e.globalPosition)).size).toBe(10);
    expect((await store.readAll(t.db, second.next, 100)).events).toHaveLength(0);
  });

  it('moves a subscription checkpoint only together with its handler effects', async () => {
    await t.db.query(`create table ${schema}.seen (stream_id text, position int)`);
    await t.db.transaction((tx) => store.append(tx, [{ streamId: 'a', expected: 'no_stream', events: [noted(1), noted(2)] }]));
    let fail = true;
    const sub = new LogSubscription(t.db, {
      name: 'seen',
      checkpointSchema: schema,
      source: { schema, table: 'events' },
      handle: async (rows, tx) => {
        for (const r of rows) await tx.query(`insert into ${schema}.seen values ($1, $2)`, [r.stream_id, r.stream_position]);
        if (fail) throw new Error('handler failed');
      },
    });
    await settled();
    await expect(sub.poll()).rejects.toThrow('handler failed');
    expect(await t.db.query(`select * from ${schema}.seen`)).toHaveLength(0);
    fail = false;
    expect(await sub.poll()).toBe(2);
    expect(await sub.poll()).toBe(0);
    expect(await t.db.query(`select * from ${schema}.seen`)).toHaveLength(2);
  });

  it('moves a subscription checkpoint past the rows a handler applied before it stopped part-way', async () => {
    await t.db.query(`create table ${schema}.seen (stream_id text, position int)`);
    await t.db.transaction((tx) => store.append(tx, [{ streamId: 'a', expected: 'no_stream', events: [noted(1), noted(2), noted(3)] }]));
    let stopAt: number | null = 2;
    const sub = new LogSubscription(t.db, {
      name: 'seen',
      checkpointSchema: schema,
      source: { schema, table: 'events' },
      handle: async (rows, tx) => {
        for (const [i, r] of rows.entries()) {
          if (r.stream_position === stopAt) throw new StoppedPartWay(i, new Error('broker refused it'));
          await tx.query(`insert into ${schema}.seen values ($1, $2)`, [r.stream_id, r.stream_position]);
        }
      },
    });
    await settled();
    await expect(sub.poll()).rejects.toThrow('broker refused it');
    await expect(sub.poll()).rejects.toThrow('broker refused it');
    expect(await t.db.query(`select position from ${schema}.seen`)).toEqual([{ position: 1 }]);
    stopAt = null;
    expect(await sub.poll()).toBe(2);
    expect((await t.db.query<{ position: number }>(`select position from ${schema}.seen order by position`)).map((r) => r.position)).toEqual([1, 2, 3]);
  });

  it('says how far behind a running follower is: the rows after its checkpoint that it reads, and none once it has them', async () => {
    await t.db.transaction((tx) =>
      store.append(tx, [{ streamId: 'b', expected: 'no_stream', events: [noted(1), { ...noted(2), publish: { topic: 'g2g.test.noted.v1', key: 'b' } }, noted(3)] }]),
    );
    // the first follower's handler fails until it is let go (it is not held inside its transaction:
    // the embedded PostgreSQL is one session, and a held transaction would hold up the backlog's reads)
    let failing = true;
    const release = () => (failing = false);
    const handled: number[] = [];
    const all = new LogSubscription(t.db, {
      name: 'all-of-it',
      checkpointSchema: schema,
      source: { schema, table: 'events' },
      batchSize: 1,
      idleMs: 5,
      handle: async (rows) => {
        if (failing) throw new Error('not yet');
        handled.push(...rows.map((r) => r.stream_position));
      },
    });
    const published = new LogSubscription(t.db, { name: 'published-only', checkpointSchema: schema, source: { schema, table: 'events', published: true }, handle: async () => undefined });
    const ours = async () => (await backlogOf(t.db)).filter((f) => f.follower.startsWith(`${schema}/`));
    expect(await ours()).toEqual([]); // not started: not listed
    all.start();
    published.start();
    try {
      await settled();
      // the first follower has applied nothing yet: all three rows are still after its checkpoint
      await eventually(async () => (await ours()).find((f) => f.follower === `${schema}/published-only`)?.behind === 0, 30_000, 'the published-only follower to catch up');
      expect(await ours()).toEqual([
        { follower: `${schema}/all-of-it`, source: `${schema}.events`, behind: 3 },
        { follower: `${schema}/published-only`, source: `${schema}.events`, behind: 0 },
      ]);
      release();
      await eventually(async () => (await ours())[0].behind === 0, 30_000, 'the follower to catch up');
      expect(handled).toEqual([1, 2, 3]);
    } finally {
      release();
      await Promise.all([all.stop(), published.stop()]);
    }
    expect(await ours()).toEqual([]); // stopped: gone
  });

  it('runs statements without JIT compilation on a server (it cost seconds a statement on chunk-sized writes)', async () => {
    if (t.kind !== 'server') return; // the embedded PostgreSQL has no JIT
    const sessions = await Promise.all([1, 2, 3].map(() => t.db.transaction((tx) => tx.query<{ jit: string }>('show jit'))));
    expect(sessions.map(([r]) => r.jit)).toEqual(['off', 'off', 'off']);
  });

  it('runs migrations once, however often it is asked', async () => {
    expect(await migrate(t.db, schema, storeMigrations)).toEqual([]);
  });

  const serverOnly = _name.startsWith('server') ? it : it.skip;

  // The embedded PostgreSQL is one session: it cannot hold two transactions open at once, so
  // there is no late commit to miss there. On the server this is the case that matters.
  serverOnly('delivers an event whose transaction took a lower position but committed after a higher one', async () => {
    const other = await t.connectAnother(2);
    try {
      let releaseSlow!: () => void;
      const slowMayCommit = new Promise<void>((r) => (releaseSlow = r));
      let slowAppended!: () => void;
      const slowHasAppended = new Promise<void>((r) => (slowAppended = r));
      const slow = other.transaction(async (tx) => {
        await store.append(tx, [{ streamId: 'slow', expected: 'no_stream', events: [noted(1)] }]);
        slowAppended();
        await slowMayCommit;
      });
      await slowHasAppended;
      await t.db.transaction((tx) => store.append(tx, [{ streamId: 'fast', expected: 'no_stream', events: [noted(2)] }]));

      const [slowRow] = await other.query(`select 1`); // the other pool still answers
      expect(slowRow).toBeDefined();
      const [{ fast }] = await t.db.query<{ fast: string }>(`select global_position::text as fast from ${schema}.events where stream_id = 'fast'`);

      // While the slow transaction is open, a reader sees neither: the fast one is behind the fence.
      const during = await store.readAll(t.db, START, 100);
      expect(during.events).toHaveLength(0);

      releaseSlow();
      await slow;
      await settled();
      const after = await store.readAll(t.db, during.next, 100);
      expect(after.events.map((e) => e.streamId)).toEqual(['slow', 'fast']);
      expect(after.events[0].globalPosition).toBeLessThan(BigInt(fast));
    } finally {
      await other.close();
    }
  });

  serverOnly('hands every event to a subscriber exactly once under many concurrent appenders', async () => {
    const writers = await t.connectAnother(8);
    const got: string[] = [];
    const sub = new LogSubscription(t.db, {
      name: 'collector',
      checkpointSchema: schema,
      source: { schema, table: 'events' },
      batchSize: 37,
      idleMs: 5,
      handle: async (rows) => {
        for (const r of rows) got.push(`${r.stream_id}#${r.stream_position}`);
      },
    });
    sub.start();
    try {
      const appenders = 8;
      const perAppender = 60;
      await Promise.all(
        Array.from({ length: appenders }, async (_, w) => {
          for (let i = 0; i < perAppender; i++) {
            await writers.transaction(async (tx: Sql) => {
              await tx.query('select pg_current_xact_id()'); // take an id early, as a long transaction would
              if ((i + w) % 3 === 0) await new Promise((r) => setTimeout(r, Math.random() * 8));
              const stream = `w${w}-${i % 5}`;
              const v = await store.version(tx, stream);
              await store.append(tx, [{ streamId: stream, expected: v === 0 ? 'no_stream' : v, events: [noted(i)] }]);
            }, 50);
          }
        }),
      );
      const total = appenders * perAppender;
      await eventually(() => got.length >= total, 30_000, `${total} events`);
      await sub.stop();
      expect(got).toHaveLength(total);
      expect(new Set(got).size).toBe(total);
      // and each stream arrived in its own order
      const last = new Map<string, number>();
      for (const key of got) {
        const [stream, pos] = key.split('#');
        expect(Number(pos)).toBe((last.get(stream) ?? 0) + 1);
        last.set(stream, Number(pos));
      }
    } finally {
      await sub.stop();
      await writers.close();
    }
  }, 60_000);
});

// keep the type import used when run alone
export type { Database };
