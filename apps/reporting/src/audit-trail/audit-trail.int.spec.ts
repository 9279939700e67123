import { OperatorActionRecordedV1, operatorActionRecordedV1 } from '@g2g/contracts';
import { Caller, operatorAction, readInput } from '@g2g/platform';
import { TestDatabase, embeddedDatabase, eventually, freshServerDatabase } from '@g2g/testing';
import { openReporting } from '../reporting-database.fixture';
import { ProjectionRunner } from '../projections/projection.runner';
import { SCHEMA, record } from '../record-log/record-log.consumer';
import { rebuildProjections } from '../rebuild/rebuild';
import { auditTrail } from './audit-trail';
import { AuditTrailParams } from './audit-trail-params';

const databases = [
  ['server PostgreSQL', () => freshServerDatabase('g2g_int_trail')],
  ['embedded PostgreSQL (PGlite)', embeddedDatabase],
] as const;

const bootstrap: Caller = { code: 'OPERATOR', kind: 'operator', keyId: '00000000000000aa' };
const ops: Caller = { code: 'OPS-1', kind: 'operator', keyId: '00000000000000bb' };

/** Reporting keeps the audit trail: the operator actions it hears, in its log, projected and read page by page. */
describe.each(databases)('the audit trail, on %s', (_name, open) => {
  let t: TestDatabase;
  let runner: ProjectionRunner;
  let heard = 0;

  const hear = (actions: OperatorActionRecordedV1[], ids?: string[]) =>
    t.db.transaction((tx) =>
      record(
        { tx },
        actions.map((a, i) => ({ id: ids?.[i] ?? `${a.service}:${++heard}`, topic: operatorActionRecordedV1.topic(a.service), key: a.service, value: a, headers: {} })),
      ),
    );
  /** the live projection, one page at a time, until the trail holds `count` entries */
  const projected = (count: number) =>
    eventually(
      async () => {
        await runner.subscription.poll();
        const [{ n }] = await t.db.query<{ n: number }>(`select count(*)::int as n from ${SCHEMA}.r_audit_trail`);
        return n === count;
      },
      30_000,
      `${count} entries in the trail`,
    );
  const page = async (q: Record<string, string>) => {
    const read = readInput(AuditTrailParams, q);
    if (!read.ok) throw new Error(read.problems[0].code);
    return auditTrail(t.db, read.value.query());
  };
  const subjects = (p: { entries: { subject: string }[] }) => p.entries.map((e) => e.subject);

  // five actions on five China days (the fourth one late in the evening of Jan 4, UTC: Jan 5 in China)
  const five = () => [
    operatorAction('underwriting', bootstrap, 'participant-registered', 'ICBC', { kind: 'bank', effectiveFrom: '2025-01-01' }, new Date('2026-01-01T02:00:00Z'), 'a1'),
    operatorAction('underwriting', bootstrap, 'api-key-issued', 'OPS-1', { keyId: ops.keyId }, new Date('2026-01-02T02:00:00Z'), 'a2'),
    operatorAction('underwriting', ops, 'api-key-issued', 'ICBC', { keyId: '00000000000000cc' }, new Date('2026-01-03T02:00:00Z'), 'a3'),
    operatorAction('underwriting', bootstrap, 'api-key-revoked', 'ICBC', { keyIds: ['00000000000000cc'], all: false }, new Date('2026-01-04T16:30:00Z'), 'a4'),
    operatorAction('intake', ops, 'projections-rebuilt', 'projections', { events: 3, ms: 1 }, new Date('2026-01-06T02:00:00Z'), 'a5'),
  ];

  beforeAll(async () => {
    ({ t, runner } = await openReporting(open));
  }, 60_000);
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await t.db.query(`truncate ${SCHEMA}.events, ${SCHEMA}.r_audit_trail`);
    await t.db.query(`delete from ${SCHEMA}.checkpoints`);
    // the five actions of a test take positions 96 to 100: ordered as numbers, not as text
    await t.db.query(`select setval(pg_get_serial_sequence('${SCHEMA}.events', 'global_position'), 95)`);
  });

  it('lists every action heard with who and when, newest first, page by page', async () => {
    const actions = five();
    await hear(actions.slice(0, 2));
    await hear(actions.slice(2));
    await projected(5);

    const first = await page({ limit: '2' });
    expect(first.entries[0]).toMatchObject({
      action_id: 'a5',
      service: 'intake',
      action: 'projections-rebuilt',
      actor: 'OPS-1',
      actor_key_id: ops.keyId,
      subject: 'projections',
      details: { events: 3, ms: 1 },
      recorded_at: '2026-01-06T02:00:00.000Z',
    });
    expect(subjects(first)).toEqual(['projections', 'ICBC']);
    const second = await page({ limit: '2', after: String(first.next) });
    expect(second.entries.map((e) => e.action_id)).toEqual(['a3', 'a2']);
    const third = await page({ limit: '2', after: String(second.next) });
    expect(third.entries.map((e) => e.action_id)).toEqual(['a1']);
    expect(third.next).toBeNull();

    const oldest = await page({ order: 'oldest', limit: '3' });
    expect(oldest.entries.map((e) => e.action_id)).toEqual(['a1', 'a2', 'a3']);
    const rest = await page({ order: 'oldest', limit: '3', after: String(oldest.next) });
    expect(rest.entries.map((e) => e.action_id)).toEqual(['a4', 'a5']);
    expect(rest.next).toBeNull();
  });

  it('filters by action and by period of China days', async () => {
    await hear(five());
    await projected(5);
    expect((await page({ action: 'api-key-issued,api-key-revoked' })).entries.map((e) => e.action_id)).toEqual(['a4', 'a3', 'a2']);
    // a4 was recorded at 00:30 on Jan 5, China time
    expect((await page({ from: '2026-01-05' })).entries.map((e) => e.action_id)).toEqual(['a5', 'a4']);
    expect((await page({ to: '2026-01-04' })).entries.map((e) => e.action_id)).toEqual(['a3', 'a2', 'a1']);
    expect((await page({ from: '2026-01-02', to: '2026-01-03', action: 'api-key-issued' })).entries.map((e) => e.action_id)).toEqual(['a3', 'a2']);
    expect((await page({ from: '2026-01-07' })).entries).toEqual([]);
  });

  it('an action heard twice, even under another message id, is one entry', async () => {
    const [a] = five();
    await hear([a], ['underwriting:1']);
    await hear([a], ['underwriting:99']);
    await projected(1);
    expect((await page({})).entries.map((e) => e.action_id)).toEqual(['a1']);
  });

  it('a rebuild is recorded by whoever asked for it, and the trail is the same after it but for that entry', async () => {
    await hear(five());
    await projected(5);
    const before = (await page({ order: 'oldest' })).entries;
    const rebuilt = await rebuildProjections(t.db, ops, new Date('2026-01-07T02:00:00Z'));
    expect(rebuilt.events).toBe(5);
    await projected(6);
    const after = (await page({ order: 'oldest' })).entries;
    expect(after.slice(0, 5)).toEqual(before);
    expect(after[5]).toMatchObject({
      service: 'reporting',
      action: 'projections-rebuilt',
      actor: 'OPS-1',
      actor_key_id: ops.keyId,
      subject: 'projections',
      details: { events: 5 },
      recorded_at: '2026-01-07T02:00:00.000Z',
    });
    // the rebuild's own entry comes from reporting's log: a second rebuild keeps it and adds its own
    await rebuildProjections(t.db, bootstrap, new Date('2026-01-08T02:00:00Z'));
    await projected(7);
    expect((await page({ limit: '2' })).entries.map((e) => [e.actor, e.details.events])).toEqual([
      ['OPERATOR', 6],
      ['OPS-1', 5],
    ]);
  });
});
