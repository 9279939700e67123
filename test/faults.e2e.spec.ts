import { SERVICES } from '@g2g/testing';
import { join } from 'node:path';
import { Campaign, CampaignSummary } from '../scripts/faults/campaign';
import { compareRuns } from '../scripts/faults/compare';
import { redact } from '../scripts/faults/errors';
import { humanReport } from '../scripts/faults/report';

// The fault campaign of docs/reliability.md, small: 10,000 rows, five SIGKILLs (one per service),
// a broker restart and a PostgreSQL restart, on a server and a broker of the campaign's own. It
// must end exactly as the clean run of the same file did. About three minutes on two cores.

const ROWS = 10_000;

describe('the fault campaign', () => {
  let summary: CampaignSummary;
  const lines: string[] = [];

  beforeAll(async () => {
    const campaign = new Campaign({
      root: join(__dirname, '..'),
      rows: ROWS,
      seed: 11,
      kills: 5,
      timeoutSeconds: 600,
      stuckSeconds: 180,
      broker: true,
      postgres: true,
      invalidEvery: 50,
      log: (line) => lines.push(redact(line)),
    });
    summary = await campaign.run();
    if (summary.verdict !== 'PASS') process.stderr.write(`${lines.join('\n')}\n${humanReport(summary)}`);
  }, 20 * 60_000);

  it('passes: every row, count, fee, statement, feed message and figure as in the clean run', () => {
    expect({ verdict: summary.verdict, failed: summary.checks.filter((c) => !c.ok) }).toEqual({ verdict: 'PASS', failed: [] });
    expect(summary.exitCode).toBe(0);
  });

  it('injected what it was asked to: a kill of each service, the broker and the database restarted', () => {
    const planned = summary.faults.filter((f) => f.kind === 'planned');
    expect(planned.map((f) => f.target).sort()).toEqual([...SERVICES, 'kafka', 'postgres'].sort());
    expect(planned.every((f) => f.recoverySeconds !== null)).toBe(true);
    // the intake kill lands while the PUT is in flight, and the bank's resend gets the batch filed
    expect(planned.find((f) => f.target === 'intake')!.phases).toContain('upload');
    expect(summary.fault!.upload.attempts.length).toBeGreaterThan(1);
    expect([200, 202]).toContain(summary.fault!.upload.status);
  });

  it('compared something real: every row, and the same two runs with one outcome changed differ', () => {
    const { clean, fault } = summary.collected!;
    expect(clean!.rows.listed).toBe(ROWS);
    expect(new Set(clean!.rows.outcome)).toEqual(new Set(['approved', 'rejected', 'invalid']));
    const tampered = structuredClone(fault!);
    const row = tampered.rows.outcome.indexOf('approved');
    tampered.rows.outcome[row] = 'rejected';
    const differing = compareRuns(clean!, tampered, ROWS).filter((c) => !c.ok);
    expect(differing.map((c) => c.check)).toContain('rows equal to the clean run (outcome, codes)');
    expect(differing.find((c) => c.check.startsWith('rows equal'))!.detail).toContain(`row ${row + 1} `);
  });
});
