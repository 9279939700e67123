import { Database, describeError } from '@g2g/event-store';
import { participantOn } from '@g2g/platform';
import { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Dirent, constants, createWriteStream, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { BATCH_REF, BATCH_REF_RULE } from '../file-batch/batch-kinds';
import { batchRows } from '../batch-results/batch-rows';
import { BatchHeader, BatchKindName, FileBatch, SCHEMA } from '../file-batch/file-batch';

const SERVICING_FOLDERS: readonly BatchKindName[] = ['repayments', 'claims', 'recoveries'];
const OWN_FOLDERS = ['processing', 'done', 'failed', 'results'];
const PARTICIPANT_CODE = /^[A-Z0-9][A-Z0-9-]{0,31}$/;

export interface FileConnectorOptions {
  /** a file is picked up once its size and modification time have stood still this long */
  settleMs?: number;
  log?: (line: string) => void;
  now?: () => number;
}

type Refusal = { code: string; message: string };

/**
 * The file connector: a bank drops a loan batch as `{inbox}/{bank}/{programme}/{batch_ref}.csv` (or
 * `.jsonl`), and repayments, claims and recoveries as `{inbox}/{bank}/repayments/{batch_ref}.csv`
 * (likewise `claims/`, `recoveries/`). It is as strict as the HTTP API (docs/reliability.md):
 * - only real folders and regular files are read: a symbolic link (to a file or a folder) is never
 *   followed, a file with other hard links is refused, so nothing outside the bank's own folder
 *   is ever opened;
 * - the bank folder must be a registered bank, the file name a valid batch ref;
 * - a file is picked up once its size and time stood still for `settleMs` (write it under another
 *   name, such as `.part`, and rename it when complete, to be sure): only .csv and .jsonl are read;
 * - it is claimed by an atomic rename into `processing/` (two intake processes never file it
 *   twice), filed like an upload, and moved to `done/`; once every row has its outcome the results
 *   are written to `results/{batch_ref}.jsonl` (one `{row, loan_id, outcome, codes, errors?}` per line);
 * - a refused file goes to `failed/` with `{batch_ref}.error.json` beside it;
 * - after a crash, files left in `processing/` are filed again (the batch resumes after the rows
 *   already filed), and every file in `done/` without results gets them once its batch completes.
 * Access to a bank's folder is its authentication.
 */
export class FileConnector implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly settleMs: number;
  private readonly log: (line: string) => void;
  private readonly now: () => number;
  /** size and time of files seen but not yet settled */
  private readonly seen = new Map<string, { size: number; mtimeMs: number; since: number }>();
  /** things said once, not at every scan */
  private readonly said = new Set<string>();

  constructor(
    private readonly db: Database,
    private readonly filing: FileBatch,
    readonly inbox: string,
    options: FileConnectorOptions = {},
  ) {
    this.settleMs = options.settleMs ?? 2_000;
    this.log = options.log ?? (() => undefined);
    this.now = options.now ?? Date.now;
  }

  start(intervalMs = 1000): void {
    mkdirSync(this.inbox, { recursive: true });
    const tick = () => {
      this.running = this.scan()
        .catch((error) => this.log(`file connector: ${describeError(error)}`))
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

  /** One pass: resume what a crash left in processing/, file what was dropped, write the results of what has completed. */
  async scan(): Promise<void> {
    for (const bankEntry of this.folders(this.inbox)) {
      const bank = bankEntry.name;
      const known = PARTICIPANT_CODE.test(bank) && (await participantOn(this.db, SCHEMA, bank))?.kind === 'bank';
      for (const folder of this.folders(join(this.inbox, bank))) {
        const dir = join(this.inbox, bank, folder.name);
        const kind: BatchKindName = SERVICING_FOLDERS.includes(folder.name as BatchKindName) ? (folder.name as BatchKindName) : 'loans';
        const programme = kind === 'loans' ? folder.name : null;
        for (const entry of entries(join(dir, 'processing'))) await this.resume(dir, entry, bank, kind, programme);
        for (const entry of entries(dir)) {
          const m = /^(.+)\.(csv|jsonl)$/.exec(entry.name);
          if (!m) continue;
          const refusal = !entry.isFile()
            ? { code: 'NOT_A_REGULAR_FILE', message: `${entry.name} is not a regular file (a symbolic link, a folder or a device): not read` }
            : !known
              ? { code: 'UNKNOWN_BANK', message: `${bank} is not a registered bank` }
              : !BATCH_REF.test(m[1])
                ? { code: 'BAD_BATCH_REF', message: `${BATCH_REF_RULE}; the file name ${JSON.stringify(m[1])} is not one` }
                : null;
          if (refusal) {
            this.refuse(dir, entry.name, m[1], refusal);
            continue;
          }
          if (!this.settled(join(dir, entry.name))) continue;
          await this.fileOne(dir, entry.name, { bank, kind, batchRef: m[1], programme, format: m[2] as 'csv' | 'jsonl' }, false);
        }
        for (const entry of entries(join(dir, 'done'))) {
          const m = /^(.+)\.(csv|jsonl)$/.exec(entry.name);
          if (m && BATCH_REF.test(m[1]) && !existsSync(join(dir, 'results', `${m[1]}.jsonl`))) await this.writeResults(bank, kind, m[1], dir);
        }
      }
    }
  }

  /** The real sub-folders of a folder; links to folders are not entered (and said so once). */
  private folders(path: string): Dirent[] {
    return entries(path).filter((d) => {
      if (OWN_FOLDERS.includes(d.name)) return false;
      if (d.isSymbolicLink()) this.sayOnce(`file connector: ${join(path, d.name)} is a symbolic link: not entered`);
      return d.isDirectory();
    });
  }

  /** True once the file's size and time have stood still for settleMs. */
  private settled(path: string): boolean {
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      return false;
    }
    const now = this.now();
    const last = this.seen.get(path);
    if (!last || last.size !== stat.size || last.mtimeMs !== stat.mtimeMs) {
      // a file already old when first seen (dropped while the platform was down) has settled
      const since = now - stat.mtimeMs >= this.settleMs ? now - this.settleMs : now;
      this.seen.set(path, { size: stat.size, mtimeMs: stat.mtimeMs, since });
      return since <= now - this.settleMs;
    }
    return now - last.since >= this.settleMs;
  }

  /** A file a crash left in processing/: filed again unless an upload of it is live elsewhere. */
  private async resume(dir: string, entry: Dirent, bank: string, kind: BatchKindName, programme: string | null): Promise<void> {
    const m = /^(.+)\.(csv|jsonl)$/.exec(entry.name);
    if (!m || !BATCH_REF.test(m[1]) || !entry.isFile()) {
      this.refuse(join(dir, 'processing'), entry.name, m?.[1] ?? entry.name, { code: 'NOT_A_REGULAR_FILE', message: `${entry.name} cannot be resumed` }, dir);
      return;
    }
    const header: BatchHeader = { bank, kind, batchRef: m[1], programme, format: m[2] as 'csv' | 'jsonl' };
    if (await this.filing.inProgress(header)) return; // another process is filing it, or its lease has not lapsed yet
    await this.fileOne(dir, entry.name, header, true);
  }

  private async fileOne(dir: string, name: string, header: BatchHeader, claimed: boolean): Promise<void> {
    const processing = join(dir, 'processing');
    const path = join(processing, name);
    if (!claimed) {
      mkdirSync(processing, { recursive: true });
      try {
        renameSync(join(dir, name), path);
      } catch {
        return; // another process claimed it
      }
      this.seen.delete(join(dir, name));
    }
    // O_NOFOLLOW: if the name was swapped for a link after it was listed, the open fails
    let handle;
    try {
      handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch {
      this.refuse(processing, name, header.batchRef, { code: 'NOT_A_REGULAR_FILE', message: `${name} could not be opened as a regular file` }, dir);
      return;
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile() || stat.nlink > 1) {
        this.refuse(processing, name, header.batchRef, { code: stat.isFile() ? 'LINKED_FILE' : 'NOT_A_REGULAR_FILE', message: `${name} ${stat.isFile() ? 'has other hard links' : 'is not a regular file'}: not read` }, dir);
        return;
      }
      const result = await this.filing.file(header, handle.createReadStream({ autoClose: false }), () => new Date());
      const where = `${header.bank}/${header.kind === 'loans' ? header.programme : header.kind}/${name}`;
      if (result.kind === 'refused') {
        if (result.status === 503 || (result.status === 409 && result.code === 'BATCH_IN_PROGRESS')) {
          this.log(`file connector: ${where} not filed yet (${result.code}); tried again later`);
          return; // left in processing/: the next scan resumes it
        }
        this.refuse(processing, name, header.batchRef, { code: result.code, message: result.message }, dir);
        this.log(`file connector: ${where} refused: ${result.code}`);
        return;
      }
      mkdirSync(join(dir, 'done'), { recursive: true });
      renameSync(path, join(dir, 'done', name));
      this.log(`file connector: ${where} filed (${result.summary.rows} rows)`);
      await this.writeResults(header.bank, header.kind, header.batchRef, dir);
    } finally {
      await handle.close();
    }
  }

  /** Moves a file (or link: never followed) to failed/ with the reason beside it. */
  private refuse(from: string, name: string, batchRef: string, refusal: Refusal, dir = from): void {
    const failed = join(dir, 'failed');
    mkdirSync(failed, { recursive: true });
    try {
      renameSync(join(from, name), join(failed, name));
    } catch {
      return; // gone already (another process moved it)
    }
    writeFileSync(join(failed, `${batchRef}.error.json`), JSON.stringify(refusal, null, 2) + '\n');
    this.log(`file connector: ${name} in ${dir} refused: ${refusal.code}`);
  }

  private sayOnce(line: string): void {
    if (this.said.has(line)) return;
    this.said.add(line);
    this.log(line);
  }

  /** Writes the results file once every row has its outcome; false while some are pending. */
  private async writeResults(bank: string, kind: BatchKindName, batchRef: string, dir: string): Promise<boolean> {
    const summary = await this.filing.summary(this.db, bank, kind, batchRef);
    if (!summary?.complete) return false;
    mkdirSync(join(dir, 'results'), { recursive: true });
    const target = join(dir, 'results', `${batchRef}.jsonl`);
    // a name of its own: another intake process may be writing the same results at the same time
    const part = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.part`;
    const out = createWriteStream(part);
    for (let after = 0; ; ) {
      const rows = await batchRows(this.db, bank, kind, batchRef, after, 5_000);
      if (rows.length === 0) break;
      for (const r of rows) {
        if (!out.write(`${JSON.stringify(r)}\n`)) await once(out, 'drain');
      }
      after = rows[rows.length - 1].row;
    }
    out.end();
    await once(out, 'finish');
    renameSync(part, target);
    return true;
  }
}

/** The entries of a folder, links reported as links (readdir does not follow them); none if it is absent. */
function entries(path: string): Dirent[] {
  try {
    return readdirSync(path, { withFileTypes: true });
  } catch {
    return [];
  }
}
