import { Database } from '@g2g/event-store';
import { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { once } from 'node:events';
import { BatchKindName, FileBatch, SCHEMA } from '../file-batch/file-batch';

const SERVICING_FOLDERS: BatchKindName[] = ['repayments', 'claims', 'recoveries'];

/**
 * The file connector: a bank drops a loan batch as `{inbox}/{bank}/{programme}/{batch_ref}.csv` (or
 * `.jsonl`), and repayments, claims and recoveries as `{inbox}/{bank}/repayments/{batch_ref}.csv`
 * (likewise `claims/`, `recoveries/`);
 * the file is claimed by an atomic rename (so two intake processes never file it twice), filed
 * like an upload, and moved to `done/`; once every row has its outcome the results are written
 * to `results/{batch_ref}.jsonl` (one `{row, loan_id, outcome, codes, errors?}` per line). A
 * refused file goes to `failed/` with `{batch_ref}.error.json` beside it. Write files under
 * another name (e.g. `.part`) and rename them when complete: only .csv and .jsonl are read.
 * Access to a bank's folder is its authentication.
 */
export class FileConnector implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly filing: FileBatch;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly awaitingResults = new Map<string, { bank: string; kind: BatchKindName; batchRef: string; dir: string }>();

  constructor(
    private readonly db: Database,
    readonly inbox: string,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.filing = new FileBatch(db);
  }

  start(intervalMs = 1000): void {
    mkdirSync(this.inbox, { recursive: true });
    const tick = () => {
      this.running = this.scan()
        .catch((error) => this.log(`file connector: ${(error as Error).message}`))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** One pass: file what was dropped, write the results of what has completed. */
  async scan(): Promise<void> {
    for (const bank of dirs(this.inbox)) {
      for (const programme of dirs(join(this.inbox, bank))) {
        const dir = join(this.inbox, bank, programme);
        for (const name of readdirSync(dir)) {
          const m = /^(.+)\.(csv|jsonl)$/.exec(name);
          if (!m || !statSync(join(dir, name)).isFile()) continue;
          await this.fileOne(bank, programme, dir, name, m[1], m[2] as 'csv' | 'jsonl');
        }
      }
    }
    for (const [key, pending] of this.awaitingResults) {
      if (await this.writeResults(pending.bank, pending.kind, pending.batchRef, pending.dir)) this.awaitingResults.delete(key);
    }
  }

  private async fileOne(bank: string, programme: string, dir: string, name: string, batchRef: string, format: 'csv' | 'jsonl'): Promise<void> {
    const processing = join(dir, 'processing');
    mkdirSync(processing, { recursive: true });
    const claimed = join(processing, name);
    try {
      renameSync(join(dir, name), claimed);
    } catch {
      return; // another process claimed it
    }
    const kind: BatchKindName = SERVICING_FOLDERS.includes(programme as BatchKindName) ? (programme as BatchKindName) : 'loans';
    const header = { bank, kind, batchRef, programme: kind === 'loans' ? programme : null, format };
    const result = await this.filing.file(header, createReadStream(claimed), () => new Date());
    if (result.kind === 'refused') {
      mkdirSync(join(dir, 'failed'), { recursive: true });
      renameSync(claimed, join(dir, 'failed', name));
      writeFileSync(join(dir, 'failed', `${batchRef}.error.json`), JSON.stringify({ code: result.code, message: result.message }, null, 2) + '\n');
      this.log(`file connector: ${bank}/${programme}/${name} refused: ${result.code}`);
      return;
    }
    mkdirSync(join(dir, 'done'), { recursive: true });
    renameSync(claimed, join(dir, 'done', basename(name)));
    this.log(`file connector: ${bank}/${programme}/${name} filed (${result.summary.rows} rows)`);
    this.awaitingResults.set(`${bank}/${kind}/${batchRef}`, { bank, kind, batchRef, dir });
  }

  /** Writes the results file once every row has its outcome; false while some are pending. */
  private async writeResults(bank: string, kind: BatchKindName, batchRef: string, dir: string): Promise<boolean> {
    const summary = await this.filing.summary(this.db, bank, kind, batchRef);
    if (!summary?.complete) return false;
    mkdirSync(join(dir, 'results'), { recursive: true });
    const target = join(dir, 'results', `${batchRef}.jsonl`);
    const out = createWriteStream(`${target}.part`);
    let after = 0;
    for (;;) {
      const rows = await this.db.query<{ row: number; loan_id: string | null; outcome: string; codes: string[]; errors: unknown }>(
        `select row, loan_id, outcome, codes, errors from ${SCHEMA}.batch_rows where bank = $1 and kind = $2 and batch_ref = $3 and row > $4 order by row limit 5000`,
        [bank, kind, batchRef, after],
      );
      if (rows.length === 0) break;
      for (const r of rows) {
        const line = JSON.stringify({ row: r.row, loan_id: r.loan_id, outcome: r.outcome, codes: r.codes, ...(r.errors ? { errors: r.errors } : {}) });
        if (!out.write(`${line}\n`)) await once(out, 'drain');
      }
      after = rows[rows.length - 1].row;
    }
    out.end();
    await once(out, 'finish');
    renameSync(`${target}.part`, target);
    return true;
  }
}

function dirs(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !['processing', 'done', 'failed', 'results'].includes(d.name))
      .map((d) => d.name);
  } catch {
    return [];
  }
}
