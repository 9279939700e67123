import { ensureDatabase } from '@g2g/platform';
import { DEMO_PARTICIPANTS, SERVICES, ServiceName, ServiceProcess, deleteKafkaNamespace, eventually, instanceEnv, kafkaBrokers, startPlatformProcess } from '@g2g/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

const ROOT = join(__dirname, '../..');

/**
 * The five services as processes over real Kafka and PostgreSQL, with a database and a Kafka
 * namespace of their own; `instances` processes of each (default 1), in the same consumer groups,
 * each on a port of its own. Calls go to a service's first process unless another is named.
 */
export class TestPlatform {
  readonly keys: Record<string, string> = {};
  readonly operatorKey = `op_${randomBytes(12).toString('hex')}`;
  private services = Object.fromEntries(SERVICES.map((s) => [s, []])) as unknown as Record<ServiceName, ServiceProcess[]>;
  readonly instances: number;
  private readonly run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  private readonly server = process.env.E2E_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
  /** every line each service process writes, kept whole for the personal-data scan */
  readonly logDir = mkdtempSync(join(tmpdir(), 'g2g-e2e-logs-'));
  /** borrower identifiers and names this suite uploaded: none may appear in a log line */
  readonly personalData = new Set<string>();

  constructor(
    private readonly extraEnv: NodeJS.ProcessEnv = {},
    options: { instances?: number } = {},
  ) {
    this.instances = options.instances ?? 1;
  }

  get database(): string {
    return `g2g_e2e_${this.run}`;
  }

  get databaseUrl(): string {
    return `${this.server}/${this.database}`;
  }

  /** The Kafka namespace: the prefix of its topics and consumer groups. */
  get namespace(): string {
    return `e2e-${this.run}.`;
  }

  private env(instance: number): NodeJS.ProcessEnv {
    return instanceEnv({ DATABASE_URL: this.databaseUrl, KAFKA_NAMESPACE: this.namespace, G2G_OPERATOR_KEY: this.operatorKey, ...this.extraEnv }, instance + 1, this.instances);
  }

  async start(): Promise<void> {
    await ensureDatabase(this.databaseUrl);
    await Promise.all(SERVICES.flatMap((s) => Array.from({ length: this.instances }, (_, i) => this.startService(s, i))));
  }

  /** Starts (or starts again, after a kill) one service process (its first unless `instance`, from 0, says). */
  async startService(service: ServiceName, instance = 0): Promise<void> {
    const log = join(this.logDir, `${service}${this.instances > 1 ? `-${instance + 1}` : ''}.log`);
    this.services[service][instance] = await startPlatformProcess(ROOT, service, this.env(instance), { logFile: log });
  }

  /** SIGKILL: the process gets no chance to finish anything. */
  async kill(service: ServiceName, instance = 0): Promise<void> {
    await this.services[service][instance].kill();
  }

  async restart(service: ServiceName, instance = 0): Promise<void> {
    await this.kill(service, instance);
    await this.startService(service, instance);
  }

  url(service: ServiceName, instance = 0): string {
    return this.services[service][instance].url;
  }

  async stop(): Promise<void> {
    await Promise.all(Object.values(this.services).flatMap((list) => list.map((s) => s.stop())));
    const admin = new Client({ connectionString: `${this.server}/postgres` });
    await admin.connect();
    await admin.query(`drop database if exists ${this.database} with (force)`).catch(() => undefined);
    await admin.end();
    await deleteKafkaNamespace(kafkaBrokers(), this.namespace).catch(() => undefined);
    rmSync(this.logDir, { recursive: true, force: true });
  }

  /**
   * Every line the services wrote that holds a borrower identifier or name this suite uploaded,
   * read once their output has stood still for half a second (it arrives through pipes).
   */
  async personalDataInLogs(): Promise<string[]> {
    const needles = [...this.personalData].filter((v) => v.length >= 2);
    return this.logLines((line) => needles.some((n) => line.includes(n)));
  }

  /**
   * Every line the services wrote that `matches`, as `file: line`, read once their output has
   * stood still for half a second (it arrives through pipes).
   */
  async logLines(matches: (line: string) => boolean): Promise<string[]> {
    const size = () => readdirSync(this.logDir).reduce((n, f) => n + statSync(join(this.logDir, f)).size, 0);
    for (let last = -1, now = size(); now !== last; last = now, now = size()) await new Promise((r) => setTimeout(r, 500));
    const found: string[] = [];
    for (const file of readdirSync(this.logDir)) {
      for (const line of readFileSync(join(this.logDir, file), 'utf8').split('\n')) if (matches(line)) found.push(`${file}: ${line.slice(0, 300)}`);
    }
    return found;
  }

  /** Notes the borrower identifiers and names of an uploaded CSV or JSON Lines body. */
  notePersonalData(body: string | Buffer): void {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    const lines = text.split(/\r?\n/);
    const header = lines[0]?.split(',') ?? [];
    const idCol = header.indexOf('borrower_id');
    const nameCol = header.indexOf('borrower_name');
    for (const line of lines.slice(idCol >= 0 ? 1 : 0)) {
      if (line.startsWith('{')) {
        try {
          const v = JSON.parse(line);
          for (const f of ['borrower_id', 'borrower_name']) if (typeof v?.[f] === 'string') this.notePrintable(v[f]);
        } catch {
          // not a row: nothing to note
        }
      } else if (idCol >= 0) {
        const cells = line.split(',');
        for (const c of [idCol, nameCol]) if (c >= 0 && cells[c] !== undefined) this.notePrintable(cells[c].replace(/^"|"$/g, ''));
      }
    }
  }

  /** The printable runs of a value (a name with a NUL in it is still searched for by its letters). */
  private notePrintable(value: string): void {
    for (const run of value.trim().split(/[\u0000-\u001f\u007f-\u009f\ud800-\udfff\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]+/)) {
      if (run.length >= 2) this.personalData.add(run);
    }
  }

  async call(service: ServiceName, method: string, path: string, key: string | undefined, body?: unknown, contentType = 'application/json', instance = 0) {
    if (typeof body === 'string' && method === 'PUT') this.notePersonalData(body);
    const res = await fetch(`${this.url(service, instance)}${path}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': contentType } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  /** Registers participants and programmes and issues a key for each participant; waits until every service knows the keys. */
  async publish(participants: { code: string; kind: string; name: string; net_assets?: string }[], programmes: object[]): Promise<void> {
    expect((await this.call('underwriting', 'POST', '/participants', this.operatorKey, participants)).status).toBe(201);
    for (const p of programmes) expect((await this.call('underwriting', 'POST', '/programmes', this.operatorKey, p)).status).toBe(201);
    for (const p of participants) this.keys[p.code] = (await this.call('underwriting', 'POST', `/participants/${p.code}/api-keys`, this.operatorKey)).body.key;
    const bank = participants.find((p) => p.kind === 'bank')!.code;
    const regulator = participants.find((p) => p.kind === 'regulator')!.code;
    await eventually(async () => (await this.call('intake', 'GET', `/banks/${bank}/batches/none`, this.keys[bank])).status !== 401, 60_000, 'keys in intake');
    await eventually(async () => (await this.call('reporting', 'GET', '/figures?from=2025-01-01&to=2025-01-01', this.keys[regulator])).status !== 401, 60_000, 'keys in reporting');
  }

  /** Files a batch (`segment`: batches, repayments, claims or recoveries), retrying while intake has not heard of the programme yet. */
  async file(bank: string, segment: string, ref: string, body: string, options: { programme?: string; format?: 'csv' | 'jsonl'; key?: string; instance?: number } = {}) {
    const path = `/banks/${bank}/${segment}/${ref}${options.programme ? `?programme=${options.programme}` : ''}`;
    const type = (options.format ?? 'csv') === 'csv' ? 'text/csv' : 'application/x-ndjson';
    const key = options.key ?? this.keys[bank];
    let answer = await this.call('intake', 'PUT', path, key, body, type, options.instance);
    const deadline = Date.now() + 60_000;
    while (answer.status === 404 && answer.body?.code === 'UNKNOWN_PROGRAMME' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      answer = await this.call('intake', 'PUT', path, key, body, type, options.instance);
    }
    return answer;
  }

  async complete(bank: string, segment: string, ref: string) {
    let summary: any;
    await eventually(async () => {
      summary = (await this.call('intake', 'GET', `/banks/${bank}/${segment}/${ref}`, this.keys[bank])).body;
      return summary?.complete === true;
    }, 90_000, `${segment} ${bank}/${ref} to complete`);
    return summary;
  }

  /** [row, loan_id, outcome, codes] of every row */
  async outcomes(bank: string, segment: string, ref: string): Promise<[number, string | null, string, string[]][]> {
    const { body } = await this.call('intake', 'GET', `/banks/${bank}/${segment}/${ref}/rows?limit=1000`, this.keys[bank]);
    return body.rows.map((r: any) => [r.row, r.loan_id, r.outcome, r.codes]);
  }
}

export { DEMO_PARTICIPANTS };

export const LOAN_FIELDS = 'loan_id,borrower_id_type,borrower_id,borrower_name,borrower_type,industry_code,region_code,sci_tech,agri_related,principal,currency,interest_rate_pct,guarantee_fee_rate_pct,disbursed_on,matures_on';
export const csv = (header: string, rows: string[]) => [header, ...rows].join('\r\n') + '\r\n';
