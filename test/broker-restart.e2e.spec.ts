import { SERVICES, eventually } from '@g2g/testing';
import { usccCheckCharacter } from '@g2g/domain';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoProgrammeDocument } from '../libs/domain/src/programme/demo-programme.fixture';
import { PrivateKafka } from '../scripts/faults/infra';
import { DEMO_PARTICIPANTS, LOAN_FIELDS, TestPlatform, csv } from './support/platform';

// The broker goes away while the five services run (a SIGKILL, then a start after half a minute,
// longer than the clients' retries), and a batch is filed meanwhile. No service ends for it: the
// errors of the Kafka client are described in the log and retried, the batch filed during the
// outage is decided once the broker is back, and so is what is filed after. On a broker of its own.

jest.setTimeout(300_000);

const uscc = (n: number) => {
  const first17 = `91110105MB${String(n).padStart(7, '0')}`;
  return first17 + usccCheckCharacter(first17);
};
const loan = (id: string, n: number) => `${id},USCC,${uscc(n)},断线测试企业${n},small,C1311,110105,N,N,10000.00,CNY,4.50,0.80,2025-03-01,2026-03-01`;

describe('a broker restart while the services run', () => {
  let kafka: PrivateKafka;
  let platform: TestPlatform;
  const live = async () =>
    Promise.all(SERVICES.map((s) => fetch(`${platform.url(s)}/health/live`).then((r) => r.status, () => 0)));

  beforeAll(async () => {
    kafka = await PrivateKafka.create(join(__dirname, '..'), mkdtempSync(join(tmpdir(), 'g2g-e2e-broker-')));
    await kafka.start();
    platform = new TestPlatform({ KAFKA_BROKERS: kafka.brokers.join(',') });
    await platform.start();
    await platform.publish(DEMO_PARTICIPANTS, [{ ...demoProgrammeDocument, id: 'P1' }]);
  }, 300_000);
  afterAll(async () => {
    await platform?.stop();
    await kafka?.destroy();
  });

  it('ends no service, and every batch filed before, during and after it is decided', async () => {
    expect((await platform.file('ICBC', 'batches', 'before', csv(LOAN_FIELDS, [loan('BEFORE-1', 1)]), { programme: 'P1' })).status).toBe(202);
    expect(await platform.complete('ICBC', 'batches', 'before')).toMatchObject({ rows: 1, approved: 1 });

    await kafka.crash();
    expect((await platform.file('ICBC', 'batches', 'during', csv(LOAN_FIELDS, [loan('DURING-1', 2), loan('DURING-2', 3)]), { programme: 'P1' })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 30_000));
    expect(await live()).toEqual(SERVICES.map(() => 200));
    await kafka.start();

    expect(await platform.complete('ICBC', 'batches', 'during')).toMatchObject({ rows: 2, approved: 2 });
    expect((await platform.file('ICBC', 'batches', 'after', csv(LOAN_FIELDS, [loan('AFTER-1', 4)]), { programme: 'P1' })).status).toBe(202);
    expect(await platform.complete('ICBC', 'batches', 'after')).toMatchObject({ rows: 1, approved: 1 });
    await eventually(async () => (await platform.call('reporting', 'GET', '/figures?from=2025-01-01&to=2025-12-31', platform.keys.NFRA)).body?.new_guarantees?.count === 4, 60_000, 'reporting to count all four');
    expect(await live()).toEqual(SERVICES.map(() => 200));
  });

  it('writes no borrower identifier or name into any log line', async () => {
    expect(await platform.personalDataInLogs()).toEqual([]);
  });
});
