import { readConfig, runServices } from '@g2g/platform';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cessionService } from '../../../cession/src/cession.module';
import { compensationService } from '../../../compensation/src/compensation.module';
import { reportingService } from '../../../reporting/src/reporting.module';
import { underwritingService } from '../../../underwriting/src/underwriting.module';
import { intakeService } from '../intake.module';
import { FileConnector } from './file-connector';

// Intake runs one file connector, and it scans the inbox in one loop: two loops in one process
// look at the same folders at once, take each other's files out of processing/ and move a file
// they did not file to done/. The platform starts the connector from a Nest lifecycle hook, which
// Nest calls once for the HTTP application and once more for its microservice.

jest.setTimeout(60_000);

describe('the platform with a file connector', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'g2g-lifecycle-data-'));
  const inbox = mkdtempSync(join(tmpdir(), 'g2g-lifecycle-inbox-'));
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(inbox, { recursive: true, force: true });
  });

  it('scans its inbox in one loop, never two at once', async () => {
    let running = 0;
    let most = 0;
    let scans = 0;
    const scan = jest.spyOn(FileConnector.prototype, 'scan').mockImplementation(async () => {
      running++;
      scans++;
      most = Math.max(most, running);
      try {
        await new Promise((r) => setTimeout(r, 1_500)); // a scan that files a large batch
      } finally {
        running--;
      }
    });
    const send = process.send;
    const key = process.env.G2G_OPERATOR_KEY;
    process.send = undefined; // no parent to tell that it is ready
    process.env.G2G_OPERATOR_KEY = 'lifecycle-test-operator-key';
    const platform = await runServices(
      [intakeService, underwritingService, cessionService, compensationService, reportingService],
      readConfig({ G2G_MODE: 'embedded', G2G_DATA_DIR: dataDir, G2G_INBOX_DIR: inbox, PORT: '0', G2G_OPERATOR_KEY_FILE: join(dataDir, 'operator-key') }),
    );
    try {
      await new Promise((r) => setTimeout(r, 2_000));
      expect(scans).toBeGreaterThan(0);
      expect(most).toBe(1);
    } finally {
      await platform.stop();
      scan.mockRestore();
      process.send = send;
      if (key === undefined) delete process.env.G2G_OPERATOR_KEY;
      else process.env.G2G_OPERATOR_KEY = key;
    }
  });
});
