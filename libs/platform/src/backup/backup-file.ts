import { createHash, Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';

/**
 * A backup file (docs/adr/0023-backup-and-restore.md): gzip of JSON Lines. A header line, then for
 * each schema and table a section (a line naming it and its columns, a JSON array per row, a line
 * closing it with its count and the SHA-256 of its row lines), then the manifest: every section's
 * count and hash, and the hash of every line before it. A file cut short, or altered anywhere, is
 * refused before anything is restored.
 */
export const BACKUP_FORMAT = 'g2g-backup';
export const BACKUP_VERSION = 1;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  takenAt: string;
  /** the mode of the platform it was taken from */
  mode: 'embedded' | 'distributed';
  /**
   * How many transaction numbers the rows use, 1 to this: the order in which the platform's readers
   * read its logs, kept (restore.ts maps them under the restoring transaction).
   */
  transactions: number;
  schemas: { schema: string; migrations: number[] }[];
}

export interface SectionSummary {
  schema: string;
  table: string;
  rows: number;
  sha256: string;
}

export interface BackupManifest {
  sections: SectionSummary[];
  rows: number;
  /** of every line before the manifest's */
  sha256: string;
}

/** What a backup file holds that does not restore: named, with where it went wrong. */
export class BackupFileError extends Error {
  override readonly name = 'BackupFileError';
}

/** Writes a backup file's lines through gzip into `out`, waiting whenever `out` is full. */
export class BackupWriter {
  private readonly gzip = createGzip();
  private readonly all = createHash('sha256');
  private section?: { schema: string; table: string; rows: number; hash: Hash };
  private readonly sections: SectionSummary[] = [];
  private rows = 0;
  private readonly done: Promise<void>;
  /** rejects when the destination fails or goes away before the file is complete: every wait ends then */
  private readonly failed: Promise<never>;

  constructor(out: Writable) {
    let fail!: (error: Error) => void;
    this.failed = new Promise<never>((_, reject) => (fail = reject));
    this.failed.catch(() => undefined);
    this.done = pipeline(this.gzip, out).catch((error: Error) => {
      fail(error);
      throw error;
    });
    // a client that hangs up mid-way ends the pipeline too (premature close), and with it every wait
    this.done.catch(() => undefined);
  }

  async header(h: Omit<BackupHeader, 'format' | 'version'>): Promise<void> {
    await this.line({ format: BACKUP_FORMAT, version: BACKUP_VERSION, ...h });
  }

  async begin(schema: string, table: string, columns: readonly string[]): Promise<void> {
    await this.close();
    await this.line({ section: { schema, table, columns } });
    this.section = { schema, table, rows: 0, hash: createHash('sha256') };
  }

  async row(values: readonly unknown[]): Promise<void> {
    const s = this.section;
    if (!s) throw new Error('a row outside a section');
    const text = `${JSON.stringify(values)}\n`;
    s.hash.update(text);
    s.rows++;
    this.rows++;
    await this.write(text);
  }

  /** Closes the last section, writes the manifest and ends the file; resolves once it is all written. */
  async finish(): Promise<BackupManifest> {
    await this.close();
    const manifest: BackupManifest = { sections: this.sections, rows: this.rows, sha256: this.all.digest('hex') };
    await this.write(`${JSON.stringify({ manifest })}\n`, false);
    this.gzip.end();
    await Promise.race([this.done, this.failed]);
    return manifest;
  }

  private async close(): Promise<void> {
    const s = this.section;
    if (!s) return;
    this.section = undefined;
    const summary = { schema: s.schema, table: s.table, rows: s.rows, sha256: s.hash.digest('hex') };
    this.sections.push(summary);
    await this.line({ end: summary });
  }

  private line(value: unknown): Promise<void> {
    return this.write(`${JSON.stringify(value)}\n`);
  }

  private write(text: string, hashed = true): Promise<void> {
    if (hashed) this.all.update(text);
    if (this.gzip.write(text)) return Promise.resolve();
    return Promise.race([new Promise<void>((resolve) => this.gzip.once('drain', resolve)), this.failed]);
  }
}

/** A piece of a backup file as it is read: its header, rows of one section, or the manifest. */
export type BackupPiece =
  | { kind: 'header'; header: BackupHeader }
  | { kind: 'rows'; schema: string; table: string; columns: string[]; rows: unknown[][] }
  | { kind: 'manifest'; manifest: BackupManifest };

/**
 * Reads a backup file, checking every section's count and hash as it closes and the manifest at the
 * end; rows come in pieces of at most `pieceRows` rows or about `pieceBytes` of text. A reader that
 * acts on the rows as they come (a restore) does so in a transaction it rolls back on an error here.
 */
export async function* readBackup(path: string, options: { pieceRows?: number; pieceBytes?: number } = {}): AsyncGenerator<BackupPiece> {
  const pieceRows = options.pieceRows ?? 1_000;
  const pieceBytes = options.pieceBytes ?? 8 * 1024 * 1024;
  const file = createReadStream(path);
  const gunzip = createGunzip();
  const lines = createInterface({ input: file.pipe(gunzip), crlfDelay: Infinity });
  const failed = new Promise<never>((_, reject) => {
    file.once('error', (e) => reject(new BackupFileError(`cannot read the file: ${e.message}`)));
    gunzip.once('error', (e) => reject(new BackupFileError(`not a readable backup (gzip): ${e.message}`)));
  });
  failed.catch(() => undefined);
  try {
    yield* pieces();
  } finally {
    // a reader that stops early (a restore that failed) leaves no file open
    lines.close();
    file.destroy();
    gunzip.destroy();
  }

  async function* pieces(): AsyncGenerator<BackupPiece> {
    const all = createHash('sha256');
    const sections: SectionSummary[] = [];
    let header: BackupHeader | undefined;
    let open: { schema: string; table: string; columns: string[]; rows: number; hash: Hash } | undefined;
    let piece: unknown[][] = [];
    let bytes = 0;
    let n = 0;
    let manifest: BackupManifest | undefined;
    const flush = (): BackupPiece => {
      const out: BackupPiece = { kind: 'rows', schema: open!.schema, table: open!.table, columns: open!.columns, rows: piece };
      piece = [];
      bytes = 0;
      return out;
    };
    const iterator = lines[Symbol.asyncIterator]();
    for (;;) {
      const next = await Promise.race([iterator.next(), failed]);
      if (next.done) break;
      const line = next.value;
      n++;
      if (manifest) throw new BackupFileError(`line ${n}: more after the manifest`);
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new BackupFileError(`line ${n}: not JSON`);
      }
      const text = `${line}\n`;
      if (n === 1) {
        header = headerOf(value);
        all.update(text);
        yield { kind: 'header', header };
        continue;
      }
      if (Array.isArray(value)) {
        if (!open) throw new BackupFileError(`line ${n}: a row outside a section`);
        all.update(text);
        open.hash.update(text);
        open.rows++;
        piece.push(value);
        bytes += text.length;
        if (piece.length >= pieceRows || bytes >= pieceBytes) yield flush();
        continue;
      }
      const v = value as { section?: { schema: string; table: string; columns: string[] }; end?: SectionSummary; manifest?: BackupManifest };
      if (v.section) {
        if (open) throw new BackupFileError(`line ${n}: section ${v.section.schema}.${v.section.table} begins before ${open.schema}.${open.table} ends`);
        all.update(text);
        open = { ...v.section, rows: 0, hash: createHash('sha256') };
      } else if (v.end) {
        if (!open || open.schema !== v.end.schema || open.table !== v.end.table) throw new BackupFileError(`line ${n}: the end of a section that did not begin`);
        all.update(text);
        const sha256 = open.hash.digest('hex');
        if (open.rows !== v.end.rows || sha256 !== v.end.sha256) throw new BackupFileError(`section ${open.schema}.${open.table}: ${open.rows} rows read, ${v.end.rows} written, ${sha256 === v.end.sha256 ? 'the same' : 'a different'} hash: the file was altered`);
        if (piece.length > 0) yield flush();
        sections.push(v.end);
        open = undefined;
      } else if (v.manifest) {
        manifest = v.manifest;
        const sha256 = all.digest('hex');
        if (open) throw new BackupFileError(`the manifest comes before section ${open.schema}.${open.table} ends`);
        if (sha256 !== manifest.sha256 || JSON.stringify(sections) !== JSON.stringify(manifest.sections)) throw new BackupFileError('the manifest does not match the sections before it: the file was altered');
        yield { kind: 'manifest', manifest };
      } else {
        throw new BackupFileError(`line ${n}: neither a row, a section, nor the manifest`);
      }
    }
    if (!header) throw new BackupFileError('an empty file: not a backup');
    if (!manifest) throw new BackupFileError(`no manifest after line ${n}: the file is cut short`);
  }
}

function headerOf(value: unknown): BackupHeader {
  const h = value as Partial<BackupHeader> | null;
  if (typeof h !== 'object' || h === null || h.format !== BACKUP_FORMAT) throw new BackupFileError('not a g2g backup (its first line does not say format "g2g-backup")');
  if (h.version !== BACKUP_VERSION) throw new BackupFileError(`a backup of format version ${h.version}; this platform reads version ${BACKUP_VERSION}`);
  if (!Number.isSafeInteger(h.transactions) || (h.transactions as number) < 0 || !Array.isArray(h.schemas)) throw new BackupFileError('the header lacks its transactions or schemas');
  return h as BackupHeader;
}
