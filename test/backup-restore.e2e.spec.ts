import { usccCheckCharacter } from '@g2g/domain';
import { SERVICES, ServiceProcess, eventually, parsePrometheusText, samplesOf, startServiceProcess } from '@g2g/testing';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { demoProgrammeDocument } from '../libs/domain/src/programme/demo-programme.fixture';
import { DEMO_PARTICIPANTS, LOAN_FIELDS, TestPlatform, csv } from './support/platform';

// Backup and proof of restore, across the two modes: a distributed platform with loans,
// repayments, a claim and a recovery is backed up while it runs; the backup is restored into a
// fresh embedded platform, which is backed up in turn and restored into a fresh distributed one.
// Each restored platform passes the audit, its states are what its events say, its figures equal
// the original's, and the messages its relays send again on start add nothing.

const ROOT = join(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'g2g-e2e-backup-'));
const original = new TestPlatform();
const P = 'PB';
const programme = { ...demoProgrammeDocument, id: P, banks: ['ICBC'] };
const uscc = (n: number) => {
  const first17 = `91110105MA${String(n).padStart(7, '0')}`;
  return first17 + usccCheckCharacter(first17);
};
// maturing after the day the suite runs: no release reminder falls due on either side of the backup
const loan = (id: string, n: number, principal: string) => `${id},USCC,${uscc(n)},借款企业${n},small,C1311,110105,N,N,${principal},CNY,4.50,0.80,2026-01-10,2028-06-10`;

function g2g(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'dist/apps/cli/src/main.js'), ...args], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, G2G_CREDENTIALS: join(dir, 'credentials.json'), ...env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Every follower and every Kafka consumer of a distributed platform has nothing left to read. */
async function drained(p: TestPlatform): Promise<boolean> {
  for (const service of SERVICES) {
    const { followers } = (await (await fetch(`${p.url(service)}/health/backlog`)).json()) as { followers: { behind: number }[] };
    if (followers.some((f) => f.behind > 0)) return false;
    const lag = samplesOf(parsePrometheusText(await (await fetch(`${p.url(service)}/metrics`)).text()), 'g2g_kafka_consumer_lag');
    if (lag.some((s) => s.value > 0)) return false;
  }
  return true;
}

async function eventCounts(url: string): Promise<Record<string, number>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const out: Record<string, number> = {};
    for (const schema of ['intake', 'underwriting', 'cession', 'compensation', 'reporting']) {
      out[schema] = Number((await client.query(`select count(*) as n from ${schema}.events`)).rows[0].n);
    }
    return out;
  } finally {
    await client.end();
  }
}

describe('backup and restore, from the distributed mode into the embedded one and back', () => {
  let embedded: ServiceProcess | undefined;
  let restored: TestPlatform | undefined;
  const embeddedKey = `op_${randomBytes(12).toString('hex')}`;
  const figuresPath = `/figures?from=2026-01-01&to=2026-12-31&programme=${P}`;

  beforeAll(async () => {
    await original.start();
    await original.publish(DEMO_PARTICIPANTS, [programme]);
    const k = original.keys;
    const loans = csv(LOAN_FIELDS, [loan('L1', 1, '1000000.00'), loan('L2', 2, '1000000.00'), loan('L3', 3, '2000000.00'), loan('L4', 4, '3000000.00')]);
    expect((await original.file('ICBC', 'batches', 'B1', loans, { programme: P })).status).toBe(202);
    expect(await original.complete('ICBC', 'batches', 'B1')).toMatchObject({ approved: 4 });
    expect((await original.file('ICBC', 'repayments', 'R1', csv('loan_id,amount,repaid_on', ['L1,1000000.00,2026-03-01', 'L3,500000.00,2026-03-01']))).status).toBe(202);
    await original.complete('ICBC', 'repayments', 'R1');
    expect((await original.file('ICBC', 'claims', 'C1', csv('loan_id,overdue_since,claimed_on,unpaid_principal,unpaid_interest', ['L2,2026-02-01,2026-05-05,1000000.00,0']))).status).toBe(202);
    await original.complete('ICBC', 'claims', 'C1');
    expect(await original.outcomes('ICBC', 'claims', 'C1')).toEqual([[1, 'L2', 'accepted', []]]);
    await eventually(async () => (await original.call('reporting', 'GET', figuresPath, k.NFRA)).body?.compensation?.count === 1, 60_000, 'the claim in the figures');
    expect((await original.file('ICBC', 'recoveries', 'V1', csv('loan_id,amount,recovered_on', ['L2,400000.00,2026-07-01']))).status).toBe(202);
    await original.complete('ICBC', 'recoveries', 'V1');
    await eventually(() => drained(original), 60_000, 'the original platform to settle');
  }, 300_000);

  afterAll(async () => {
    await embedded?.stop();
    await restored?.stop();
    await original.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores into a fresh embedded platform, and from it into a fresh distributed one: audit clean, figures equal, nothing delivered twice', async () => {
    const k = original.keys;
    const figures = (await original.call('reporting', 'GET', figuresPath, k.NFRA)).body;
    expect(figures.compensation.count).toBe(1);
    const history = (await original.call('reporting', 'GET', '/loans/ICBC/L2/history', k.ICBC)).body;

    // 1. the backup, while the original runs
    const first = await g2g(['backup', 'first.jsonl.gz', '--json'], { G2G_URL: original.url('reporting'), G2G_API_KEY: original.operatorKey });
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    const taken = JSON.parse(first.stdout) as { mode: string; manifest: { sections: { schema: string; table: string; rows: number }[] } };
    expect(taken.mode).toBe('distributed');
    const logged = Object.fromEntries(taken.manifest.sections.filter((s) => s.table === 'events').map((s) => [s.schema, s.rows]));
    expect(logged).toEqual(await eventCounts(original.databaseUrl));

    // 2. into a fresh embedded platform
    embedded = await startServiceProcess(
      join(ROOT, 'dist/apps/embedded/src/main.js'),
      [],
      { G2G_MODE: 'embedded', G2G_DATA_DIR: join(dir, 'data'), G2G_INBOX_DIR: '', G2G_OPERATOR_KEY: embeddedKey, PORT: '0' },
      { timeoutMs: 120_000 },
    );
    const onEmbedded = { G2G_URL: embedded.url, G2G_API_KEY: embeddedKey };
    const restore = await g2g(['restore', 'first.jsonl.gz'], onEmbedded);
    expect({ code: restore.code, stderr: restore.stderr }).toEqual({ code: 0, stderr: '' });
    expect(restore.stdout).toMatch(/^restored the backup of the distributed platform as of \S+: [\d,]+ rows in/);
    // a backup never replaces a file; a file altered by one byte is refused before anything else
    expect(await g2g(['backup', 'first.jsonl.gz'], { G2G_URL: original.url('reporting'), G2G_API_KEY: original.operatorKey })).toMatchObject({ code: 2, stderr: expect.stringContaining('first.jsonl.gz exists already') });
    writeFileSync(join(dir, 'altered.jsonl.gz'), gzipSync(gunzipSync(readFileSync(join(dir, 'first.jsonl.gz'))).toString('utf8').replace('借款企业2', '借款企业3')));
    expect(await g2g(['restore', 'altered.jsonl.gz'], onEmbedded)).toMatchObject({ code: 1, stderr: expect.stringMatching(/BAD_BACKUP: section \w+\.events: .* a different hash: the file was altered/) });
    const again = await g2g(['restore', 'first.jsonl.gz'], onEmbedded);
    expect(again).toMatchObject({ code: 1, stderr: expect.stringContaining('RESTORE_REFUSED: intake has events or messages already') });

    const audit = await g2g(['audit'], onEmbedded);
    expect({ code: audit.code, out: audit.stdout.split('\n')[0] }).toEqual({ code: 0, out: 'audit passed: every invariant holds and the projections agree with the events' });
    expect(audit.stdout.match(/: the same as before/g)).toHaveLength(5);
    const call = async (base: string, path: string, key: string) => (await (await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } })).json()) as unknown;
    // the banks' and regulators' keys came with the backup
    expect(await call(embedded.url, figuresPath, k.NFRA)).toEqual(figures);
    expect(await call(embedded.url, '/loans/ICBC/L2/history', k.ICBC)).toEqual(history);

    // 3. the embedded platform's backup, straight into the database of a distributed one not started yet
    const second = await g2g(['backup', 'second.jsonl.gz', '--json'], onEmbedded);
    expect({ code: second.code, stderr: second.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(second.stdout)).toMatchObject({ mode: 'embedded' });
    restored = new TestPlatform();
    const intoDatabase = await g2g(['restore', 'second.jsonl.gz', '--database', restored.databaseUrl, '--json'], {});
    expect({ code: intoDatabase.code, stderr: intoDatabase.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(intoDatabase.stdout)).toMatchObject({ from: 'embedded' });
    await restored.start();
    // its relays send every message again, to a Kafka namespace of its own: every consumer's inbox skips them
    await eventually(() => drained(restored!), 120_000, 'the restored platform to deliver what its relays send again');
    expect(await eventCounts(restored.databaseUrl)).toEqual(logged);
    // the audit also replays every service's state and compares it (g2g rebuild --verify)
    const onRestored = Object.fromEntries([['G2G_API_KEY', restored.operatorKey], ...SERVICES.map((s) => [`G2G_${s.toUpperCase()}_URL`, restored!.url(s)])]);
    const audit2 = await g2g(['audit'], onRestored);
    expect({ code: audit2.code, out: audit2.stdout }).toEqual({ code: 0, out: expect.stringMatching(/^audit passed: every invariant holds and the projections agree with the events\n(.*\n)+(reporting: verified .*: the same as before\n)/) });
    expect(audit2.stdout.match(/: the same as before/g)).toHaveLength(5);
    expect((await restored.call('reporting', 'GET', figuresPath, k.NFRA)).body).toEqual(figures);
    expect((await restored.call('reporting', 'GET', '/loans/ICBC/L2/history', k.ICBC)).body).toEqual(history);

    // and it goes on, with the bank's key of before: the breaker the claim tripped (800,000 of
    // 7,000,000 is above 3 %) holds; resumed by the new platform's operator, a loan is approved
    Object.assign(restored.keys, k);
    expect((await restored.file('ICBC', 'batches', 'B2', csv(LOAN_FIELDS, [loan('L5', 5, '1000000.00')]), { programme: P })).status).toBe(202);
    await restored.complete('ICBC', 'batches', 'B2');
    expect(await restored.outcomes('ICBC', 'batches', 'B2')).toEqual([[1, 'L5', 'rejected', ['PROGRAMME_SUSPENDED']]]);
    expect((await restored.call('underwriting', 'POST', `/programmes/${P}/resume`, restored.operatorKey, { resumed_on: '2026-08-01' })).body).toMatchObject({ changed: true });
    expect((await restored.file('ICBC', 'batches', 'B3', csv(LOAN_FIELDS, [loan('L6', 6, '1000000.00')]), { programme: P })).status).toBe(202);
    expect(await restored.complete('ICBC', 'batches', 'B3')).toMatchObject({ approved: 1 });
    await eventually(async () => (await restored!.call('reporting', 'GET', figuresPath, k.NFRA)).body.new_guarantees.count === figures.new_guarantees.count + 1, 60_000, 'the new loan in the figures');
  }, 600_000);
});
