import { eventually } from '@g2g/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cessionService } from '../../cession/src/cession.module';
import { compensationService } from '../../compensation/src/compensation.module';
import { intakeService } from '../../intake/src/intake.module';
import { reportingService } from '../../reporting/src/reporting.module';
import { underwritingService } from '../../underwriting/src/underwriting.module';
import { readConfig, runServices } from '@g2g/platform';

// GET /health/backlog of the embedded platform: every consumer follows its producers' logs in the
// database, and says how far behind it is; what the benchmark waits on to call the pipeline quiet.

jest.setTimeout(90_000);

describe('GET /health/backlog of the embedded platform', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'g2g-backlog-data-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("lists every consumer's followers with what they read, and none behind once they have read what was written", async () => {
    const send = process.send;
    const key = process.env.G2G_OPERATOR_KEY;
    process.send = undefined; // no parent to tell that it is ready
    const operatorKey = 'backlog-test-operator-key';
    process.env.G2G_OPERATOR_KEY = operatorKey;
    const platform = await runServices(
      [intakeService, underwritingService, cessionService, compensationService, reportingService],
      readConfig({ G2G_MODE: 'embedded', G2G_DATA_DIR: dataDir, G2G_INBOX_DIR: '', PORT: '0', G2G_OPERATOR_KEY_FILE: join(dataDir, 'operator-key') }),
    );
    const backlog = async (): Promise<any> => (await fetch(`${platform.url}/health/backlog`)).json();
    try {
      const first = await backlog();
      expect(first.mode).toBe('embedded');
      expect(first.followers).toEqual(
        expect.arrayContaining([
          { follower: 'underwriting/underwriting.decide-loans<=intake', source: 'intake.events', topics: ['g2g.intake.loans-filed.v2'], behind: 0 },
          expect.objectContaining({ follower: 'intake/intake.reference-data<-underwriting', source: 'underwriting.outbox' }),
          expect.objectContaining({ follower: 'reporting/reporting.projections', source: 'reporting.events' }),
        ]),
      );
      expect(first.behind).toBe(first.followers.reduce((n: number, f: { behind: number }) => n + f.behind, 0));

      // a participant registered: every service's reference-data follower reads it
      const res = await fetch(`${platform.url}/participants`, {
        method: 'POST',
        headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ code: 'ICBC', kind: 'bank', name: 'Industrial and Commercial Bank of China' }),
      });
      expect(res.status).toBe(201);
      const referenceData = (b: any) => b.followers.filter((f: { follower: string }) => /\.reference-data<-underwriting$/.test(f.follower));
      expect(referenceData(await backlog())).toHaveLength(4); // intake, cession, compensation, reporting
      await eventually(async () => (await backlog()).behind === 0, 30_000, 'every follower to catch up');
    } finally {
      await platform.stop();
      process.send = send;
      if (key === undefined) delete process.env.G2G_OPERATOR_KEY;
      else process.env.G2G_OPERATOR_KEY = key;
    }
  });
});
