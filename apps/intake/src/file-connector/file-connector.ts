import { visibleText } from '@g2g/domain';
import { Database, describeError } from '@g2g/event-store';
import { participantOn } from '@g2g/platform';
import { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
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
/** A batch file dropped by a bank: `{batch_ref}.csv` or `.jsonl`, the extension in any case. */
const BATCH_FILE = /^(.+)\.(csv|jsonl)$/is;
/** A file claimed into processing/: `{batch_ref}~{claim}.{ext}`, the claim unique to one process and one file. */
const CLAIMED_FILE = /^([^~]+)~([0-9a-z]+-[0-9a-f]{12})\.(csv|jsonl)$/i;
/** The longest file name most file systems take, in bytes. */
const MAX_NAME_BYTES = 255;
/** How much of a long refused file's name its reason file keeps, in bytes. */
const REASON_NAME_BYTES = 200;

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
 *   name, such as `.part`, and rename it when complete, to be sure): only .csv and .jsonl are read,
 *   the extension in any case;
 * - it is claimed by an atomic rename into `processing/` under a name of its own
 *   (`{batch_ref}~{claim}.csv`): two intake processes never file it twice, and a file dropped
 *   later under the same name is another file, filed (or refused) on its own; exactly the claimed
 *   file's bytes are filed, and it is moved to `done/` under its own name; once every row has its
 *   outcome the results are written to `results/{batch_ref}.jsonl` (one
 *   `{row, loan_id, outcome, codes, errors?}` per line);
 * - a refused file goes to `failed/` with its reason beside it (reasonFileName);
 * - after a crash, a file left in `processing/` is filed again (the batch resumes after the rows
 *   already filed) once it was claimed longer than `settleMs` ago and no upload holds its batch,
 *   and every file in `done/` without results gets them once its batch completes. A file in
 *   `processing/` of a folder that is not a registered bank is refused like any other of it.
 * Access to a bank's folder is its authentication. It scans in one loop: a pass starts
 * `intervalMs` after the one before ended, never while one is running.
 */
export class FileConnector implements OnApplicationBootstrap, OnApplicationShutdown {
  /** the scan loop, while started */
  private loop?: Promise<void>;
  private stopping = false;
  /** ends the wait between two passes at once (on stop) */
  private wake?: () => void;
  /** the pass running now: scan() calls wait for each other */
  private passing: Promise<void> = Promise.resolve();
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

  /**
   * Starts the scan loop; a second start while it runs changes nothing (Nest calls the bootstrap
   * hook once for the HTTP application and once more for its microservice). Each pass begins
   * `intervalMs` after the one before has ended, so a pass that takes longer than that (a large
   * file) is never overlapped by the next.
   */
  start(intervalMs = 1000): void {
    if (this.loop) return;
    mkdirSync(this.inbox, { recursive: true });
    this.stopping = false;
    this.loop = this.run(intervalMs);
  }

  private async run(intervalMs: number): Promise<void> {
    await this.pause(0);
    while (!this.stopping) {
      try {
        await this.scan();
      } catch (error) {
        this.log(`file connector: ${describeError(error)}`);
      }
      if (!this.stopping) await this.pause(intervalMs);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      this.wake = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** One pass: resume what a crash left in processing/, file what was dropped, write the results of what has completed. */
  scan(): Promise<void> {
    const pass = this.passing.then(() => this.pass());
    this.passing = pass.catch(() => undefined);
    return pass;
  }

  private async pass(): Promise<void> {
    for (const bankEntry of this.folders(this.inbox)) {
      const bank = bankEntry.name;
      const known = PARTICIPANT_CODE.test(bank) && (await participantOn(this.db, SCHEMA, bank))?.kind === 'bank';
      for (const folder of this.folders(join(this.inbox, bank))) {
        const dir = join(this.inbox, bank, folder.name);
        const kind: BatchKindName = SERVICING_FOLDERS.includes(folder.name as BatchKindName) ? (folder.name as BatchKindName) : 'loans';
        const where = { dir, bank, kind, programme: kind === 'loans' ? folder.name : null, known };
        // one file's trouble (a name the file system refuses, a permission) never stops the pass
        const each = async (sub: string, entry: Dirent, act: () => Promise<void>) => {
          try {
            await act();
          } catch (error) {
            // a file system error by its code alone: its message repeats the path unescaped
            const fs = (error as NodeJS.ErrnoException)?.syscall !== undefined ? `${(error as NodeJS.ErrnoException).syscall} ${(error as NodeJS.ErrnoException).code}` : null;
            this.sayOnce(`file connector: ${shownPath(this.inbox, join(dir, sub, entry.name))}: ${fs ?? describeError(error)}; tried again at the next scan`);
          }
        };
        for (const entry of entries(join(dir, 'processing'))) await each('processing', entry, () => this.resume(where, entry));
        for (const entry of entries(dir)) await each('', entry, () => this.dropped(where, entry));
        if (!known) continue;
        for (const entry of entries(join(dir, 'done'))) {
          const m = BATCH_FILE.exec(entry.name);
          if (m && BATCH_REF.test(m[1]) && !existsSync(join(dir, 'results', `${m[1]}.jsonl`))) {
            await each('done', entry, async () => void (await this.writeResults(bank, kind, m[1], dir)));
          }
        }
      }
    }
  }

  /** A file in the bank's folder: refused, left until it settles, or claimed and filed. */
  private async dropped(where: Folder, entry: Dirent): Promise<void> {
    const { dir, bank, kind, programme, known } = where;
    const m = BATCH_FILE.exec(entry.name);
    if (!m) return;
    const refusal = !entry.isFile()
      ? { code: 'NOT_A_REGULAR_FILE', message: `${visibleText(entry.name)} is not a regular file (a symbolic link, a folder or a device): not read` }
      : !known
        ? { code: 'UNKNOWN_BANK', message: `${visibleText(bank)} is not a registered bank` }
        : !BATCH_REF.test(m[1])
          ? { code: 'BAD_BATCH_REF', message: `${BATCH_REF_RULE}; the file name ${JSON.stringify(visibleText(m[1]))} is not one` }
          : null;
    if (refusal) {
      this.refuse(dir, entry.name, entry.name, refusal, dir);
      return;
    }
    if (!this.settled(join(dir, entry.name))) return;
    const claimed = this.claim(dir, entry.name);
    if (!claimed) return; // another process claimed it
    await this.fileOne(dir, claimed, entry.name, { bank, kind, batchRef: m[1], programme, format: m[2].toLowerCase() as 'csv' | 'jsonl' });
  }

  /**
   * Claims a dropped file: renamed, in one step, into processing/ under a name no other file
   * will have. A file the bank drops later under the same name is another file.
   */
  private claim(dir: string, name: string): string | null {
    const m = BATCH_FILE.exec(name)!;
    const processing = join(dir, 'processing');
    mkdirSync(processing, { recursive: true });
    const claimed = `${m[1]}~${process.pid.toString(36)}-${randomBytes(6).toString('hex')}.${m[2]}`;
    try {
      renameSync(join(dir, name), join(processing, claimed));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    this.seen.delete(join(dir, name));
    return claimed;
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

  /**
   * A file in processing/: a crash left it there, or another process claimed it a moment ago. It
   * is filed again once it was claimed (renamed: its status change time) at least settleMs ago
   * and no upload holds its batch. Of a folder that is not a registered bank, nothing is filed.
   */
  private async resume(where: Folder, entry: Dirent): Promise<void> {
    const { dir, bank, kind, programme, known } = where;
    const processing = join(dir, 'processing');
    const claim = CLAIMED_FILE.exec(entry.name);
    const plain = claim ? null : BATCH_FILE.exec(entry.name);
    const [batchRef, ext] = claim ? [claim[1], claim[3]] : plain ? [plain[1], plain[2]] : [entry.name, null];
    const original = ext ? `${batchRef}.${ext}` : entry.name;
    if (!known) {
      this.refuse(processing, entry.name, original, { code: 'UNKNOWN_BANK', message: `${visibleText(bank)} is not a registered bank` }, dir);
      return;
    }
    if (!ext || !BATCH_REF.test(batchRef) || !entry.isFile()) {
      this.refuse(processing, entry.name, original, { code: 'NOT_A_REGULAR_FILE', message: `${visibleText(entry.name)} cannot be resumed` }, dir);
      return;
    }
    let stat;
    try {
      stat = lstatSync(join(processing, entry.name));
    } catch {
      return; // filed and moved by another process meanwhile
    }
    if (this.now() - stat.ctimeMs < this.settleMs) return; // claimed a moment ago, perhaps by another process
    const header: BatchHeader = { bank, kind, batchRef, programme, format: ext.toLowerCase() as 'csv' | 'jsonl' };
    if (await this.filing.inProgress(header)) return; // another process is filing it, or its lease has not lapsed yet
    await this.fileOne(dir, entry.name, original, header);
  }

  /** Files a claimed file (processing/{claimed}) from the file it opened, and moves it to done/ or failed/ as `name`. */
  private async fileOne(dir: string, claimed: string, name: string, header: BatchHeader): Promise<void> {
    const processing = join(dir, 'processing');
    const path = join(processing, claimed);
    const where = shownPath(this.inbox, join(dir, name));
    // O_NOFOLLOW: a link put in its place is not followed; O_NONBLOCK: a FIFO does not hold the scan
    let handle;
    try {
      handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // filed and moved by another process meanwhile
      this.refuse(processing, claimed, name, { code: 'NOT_A_REGULAR_FILE', message: `${visibleText(name)} could not be opened as a regular file` }, dir);
      return;
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile() || stat.nlink > 1) {
        const refusal = stat.isFile()
          ? { code: 'LINKED_FILE', message: `${visibleText(name)} has other hard links: not read` }
          : { code: 'NOT_A_REGULAR_FILE', message: `${visibleText(name)} is not a regular file: not read` };
        this.refuse(processing, claimed, name, refusal, dir);
        return;
      }
      const result = await this.filing.file(header, handle.createReadStream({ autoClose: false, start: 0 }), () => new Date());
      if (result.kind === 'refused') {
        if (result.status === 503 || (result.status === 409 && result.code === 'BATCH_IN_PROGRESS')) {
          this.log(`file connector: ${where} not filed yet (${result.code}); tried again later`);
          return; // left in processing/: a later scan resumes it
        }
        this.refuse(processing, claimed, name, { code: result.code, message: result.message }, dir);
        return;
      }
      mkdirSync(join(dir, 'done'), { recursive: true });
      if (!move(path, join(dir, 'done', name))) return; // moved by another process that filed the same file
      this.log(`file connector: ${where} filed (${result.summary.rows} rows)`);
      await this.writeResults(header.bank, header.kind, header.batchRef, dir);
    } finally {
      await handle.close();
    }
  }

  /** Moves a file (or link: never followed) from `from/entry` to failed/`name`, with the reason beside it. */
  private refuse(from: string, entry: string, name: string, refusal: Refusal, dir: string): void {
    const failed = join(dir, 'failed');
    mkdirSync(failed, { recursive: true });
    if (!move(join(from, entry), join(failed, name))) return; // gone already (another process moved it)
    writeFileSync(join(failed, reasonFileName(name)), JSON.stringify({ ...refusal, file: name }, null, 2) + '\n');
    this.log(`file connector: ${shownPath(this.inbox, join(dir, name))} refused: ${refusal.code}`);
  }

  /** The real sub-folders of a folder; links to folders are not entered (and said so once). */
  private folders(path: string): Dirent[] {
    return entries(path).filter((d) => {
      if (OWN_FOLDERS.includes(d.name)) return false;
      if (d.isSymbolicLink()) this.sayOnce(`file connector: ${shownPath(this.inbox, join(path, d.name))} is a symbolic link: not entered`);
      return d.isDirectory();
    });
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

/** A bank's folder of one kind of batch (loans of a programme, repayments, claims, recoveries). */
interface Folder {
  dir: string;
  bank: string;
  kind: BatchKindName;
  programme: string | null;
  /** the folder is a registered bank's */
  known: boolean;
}

/** Renames a file; false when it is not there any more (another process moved it). */
function move(from: string, to: string): boolean {
  try {
    renameSync(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** A path under the inbox as a log line shows it: relative, every control or invisible character escaped. */
function shownPath(inbox: string, path: string): string {
  const relative = path.startsWith(`${inbox}/`) ? path.slice(inbox.length + 1) : path;
  return visibleText(relative);
}

/**
 * The name of the reason file beside a refused file: `{batch_ref}.error.json` (the file's name
 * without .csv or .jsonl), or, when that would be longer than a file name may be (255 bytes),
 * the first 200 bytes of the file's name (cut on a character boundary), `~`, the first 16 hex
 * digits of the SHA-256 of the whole name and `.error.json`. The reason's `file` names the file.
 */
export function reasonFileName(name: string): string {
  const short = `${name.replace(/\.(csv|jsonl)$/i, '')}.error.json`;
  if (Buffer.byteLength(short, 'utf8') <= MAX_NAME_BYTES) return short;
  const digest = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 16);
  return `${utf8Prefix(name, REASON_NAME_BYTES)}~${digest}.error.json`;
}

/** The longest start of the text whose UTF-8 is at most `maxBytes` bytes, never cutting a character. */
function utf8Prefix(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--; // bytes[end] continues the character before it
  return bytes.subarray(0, end).toString('utf8');
}
