import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A request body written to a file of its own: read as often as a retried transaction needs, never held in memory. */
export interface Spooled {
  path: string;
  sha256: string;
  bytes: number;
  remove(): Promise<void>;
}

export async function spool(body: NodeJS.ReadableStream): Promise<Spooled> {
  const dir = await mkdtemp(join(tmpdir(), 'g2g-upload-'));
  const path = join(dir, 'body');
  const hash = createHash('sha256');
  let bytes = 0;
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    await pipeline(
      body,
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          bytes += chunk.length;
          done(null, chunk);
        },
      }),
      createWriteStream(path),
    );
  } catch (error) {
    await remove();
    throw error;
  }
  return { path, sha256: hash.digest('hex'), bytes, remove };
}

