import { Platform, PlatformMetrics, Sample } from '@g2g/platform';

const OUTCOMES = ['invalid', 'pending', 'approved', 'accepted', 'rejected'] as const;

/**
 * Batch progress as intake's projection holds it, read when scraped: rows filed per kind and
 * outcome (every outcome but pending is decided), and batches by where they stand. Totals since
 * the platform began, the same from every replica: rates come from the series (`rate()`), not
 * from a counter of this process.
 */
export function watchIntake(platform: Platform, metrics: PlatformMetrics): void {
  const { db } = platform;
  const perBatch = async () =>
    db.query<{ kind: string; status: string; rows: string; invalid: string; approved: string; accepted: string; rejected: string }>(
      `select b.kind, b.status,
              coalesce(sum(c.last_row - c.first_row + 1), 0)::text as rows,
              coalesce(sum(c.invalid), 0)::text as invalid, coalesce(sum(c.approved), 0)::text as approved,
              coalesce(sum(c.accepted), 0)::text as accepted, coalesce(sum(c.rejected), 0)::text as rejected
         from intake.batches b
         left join intake.batch_chunks c on (c.bank, c.kind, c.batch_ref) = (b.bank, b.kind, b.batch_ref)
        group by b.bank, b.kind, b.batch_ref, b.status`,
    );
  const batches = async () =>
    (await perBatch()).map((b) => {
      const counts = { invalid: Number(b.invalid), pending: 0, approved: Number(b.approved), accepted: Number(b.accepted), rejected: Number(b.rejected) };
      counts.pending = Number(b.rows) - counts.invalid - counts.approved - counts.accepted - counts.rejected;
      return { kind: b.kind, state: b.status !== 'filed' ? b.status : counts.pending > 0 ? 'deciding' : 'done', counts };
    });
  metrics.gauge(
    'g2g_intake_rows',
    'Rows of the batches filed, by kind and outcome: pending until underwriting (loans) or servicing (repayments, claims, recoveries) decides them',
    ['kind', 'outcome'],
    async () => summed((await batches()).flatMap((b) => OUTCOMES.map((outcome) => ({ labels: { kind: b.kind, outcome }, value: b.counts[outcome] })))),
  );
  metrics.gauge(
    'g2g_intake_batches',
    'Batches by kind and state: receiving (an upload under way), incomplete (an upload that stopped part way), deciding (filed, rows pending) or done',
    ['kind', 'state'],
    async () => summed((await batches()).map((b) => ({ labels: { kind: b.kind, state: b.state }, value: 1 }))),
  );
}

/** The samples added up per label set. */
function summed(samples: Sample[]): Sample[] {
  const sums = new Map<string, Sample>();
  for (const s of samples) {
    const key = JSON.stringify(s.labels);
    const sum = sums.get(key);
    if (sum) sum.value += s.value;
    else sums.set(key, { labels: s.labels, value: s.value });
  }
  return [...sums.values()];
}
