import { Platform, PlatformMetrics, sharedRead } from '@g2g/platform';

const OUTCOMES = ['invalid', 'pending', 'approved', 'accepted', 'rejected'] as const;

type Row = { kind: string; state: string; batches: string } & Record<(typeof OUTCOMES)[number], string>;

/**
 * Batch progress as intake's projection holds it, read when scraped: rows filed per kind and
 * outcome (every outcome but pending is decided), and batches by where they stand, as the batch
 * API says (an upload whose lease lapsed is incomplete). Totals since the platform began, the same
 * from every replica. One query a scrape serves both gauges; it reads the chunks (a row per 1,000
 * filed), not the rows.
 */
export function watchIntake(platform: Platform, metrics: PlatformMetrics): void {
  const { db } = platform;
  const read = sharedRead(() =>
    db.query<Row>(
      `with per_batch as (
         select b.kind,
                case when b.status = 'receiving' and b.lease_until < now() then 'incomplete' else b.status end as status,
                coalesce(sum(c.last_row - c.first_row + 1), 0) as rows,
                coalesce(sum(c.invalid), 0) as invalid, coalesce(sum(c.approved), 0) as approved,
                coalesce(sum(c.accepted), 0) as accepted, coalesce(sum(c.rejected), 0) as rejected
           from intake.batches b
           left join intake.batch_chunks c on (c.bank, c.kind, c.batch_ref) = (b.bank, b.kind, b.batch_ref)
          group by b.bank, b.kind, b.batch_ref, 2)
       select kind,
              case when status <> 'filed' then status when rows > invalid + approved + accepted + rejected then 'deciding' else 'done' end as state,
              count(*)::text as batches, sum(invalid)::text as invalid, sum(rows - invalid - approved - accepted - rejected)::text as pending,
              sum(approved)::text as approved, sum(accepted)::text as accepted, sum(rejected)::text as rejected
         from per_batch
        group by 1, 2`,
    ),
  );
  metrics.gauge(
    'g2g_intake_rows',
    'Rows of the batches filed, by kind and outcome: pending until underwriting (loans) or compensation (repayments, claims, recoveries) decides them',
    ['kind', 'outcome'],
    async () => {
      const sums = new Map<string, number>();
      for (const r of await read()) for (const outcome of OUTCOMES) sums.set(`${r.kind}\t${outcome}`, (sums.get(`${r.kind}\t${outcome}`) ?? 0) + Number(r[outcome]));
      return [...sums].map(([key, value]) => ({ labels: { kind: key.split('\t')[0], outcome: key.split('\t')[1] }, value }));
    },
  );
  metrics.gauge(
    'g2g_intake_batches',
    'Batches by kind and state: receiving (an upload under way), incomplete (an upload that stopped part way), deciding (filed, rows pending) or done',
    ['kind', 'state'],
    async () => (await read()).map((r) => ({ labels: { kind: r.kind, state: r.state }, value: Number(r.batches) })),
  );
}
