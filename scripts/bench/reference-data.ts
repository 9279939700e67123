import { DEMO_PARTICIPANTS, ServiceName } from '@g2g/testing';
import { demoProgrammeDocument } from '../../libs/domain/src/programme/demo-programme.fixture';
import { call, expectStatus, waitFor } from './http';

/** The benchmark's programme: the demo programme with a quota large enough for every generated row. */
export const BENCH_PROGRAMME = { ...demoProgrammeDocument, programme_quota: '100000000000000.00' };

/** The API keys issued: the bank that files, the regulator that reads figures, the re-guarantor that reads its feed. */
export interface BenchKeys {
  ICBC: string;
  NFRA: string;
  'BJ-REG': string;
}

/**
 * Publishes the participants and the benchmark's programme as the operator, issues a key for ICBC,
 * NFRA and BJ-REG, and waits until the keys have reached every service that checks them and the
 * programme has reached intake (both travel over Kafka).
 */
export async function publishReferenceData(
  url: (service: ServiceName) => string,
  operatorKey: string,
  sql: { query(text: string, values: unknown[]): Promise<{ rowCount: number | null }> },
): Promise<BenchKeys> {
  await expectStatus(201, url('underwriting'), 'POST', '/participants', operatorKey, DEMO_PARTICIPANTS);
  await expectStatus(201, url('underwriting'), 'POST', '/programmes', operatorKey, BENCH_PROGRAMME);
  const keys: Record<string, string> = {};
  for (const code of ['ICBC', 'NFRA', 'BJ-REG']) {
    keys[code] = (await expectStatus<{ key: string }>(201, url('underwriting'), 'POST', `/participants/${code}/api-keys`, operatorKey)).key;
  }
  const probes: [ServiceName, string, string][] = [
    ['intake', '/banks/ICBC/batches/none', keys.ICBC],
    ['reporting', '/figures?from=2025-01-01&to=2025-01-01', keys.NFRA],
    ['reporting', '/feed?limit=1', keys['BJ-REG']],
    ['cession', '/statements/BJ-REG/2025-01', keys['BJ-REG']],
  ];
  for (const [service, path, key] of probes) {
    await waitFor(async () => (await call(url(service), 'GET', path, key)).status !== 401, 60_000, `keys in ${service}`);
  }
  await waitFor(
    async () => ((await sql.query(`select 1 from intake.ref_programmes where id = $1`, [BENCH_PROGRAMME.id])).rowCount ?? 0) > 0,
    60_000,
    'the programme in intake',
  );
  return keys as unknown as BenchKeys;
}
