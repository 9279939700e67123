import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface BuildSnapshot {
  fingerprint: string;
  newestFile: string;
  files: number;
}

/**
 * Copies dist/apps and dist/libs to `to`/dist (node_modules linked), and fingerprints the copy:
 * sha256 over every file's path and bytes, and the newest file's modification time. Services run
 * from the copy, so that a rebuild of dist/ during a run never gives them half of each build.
 */
export function snapshotBuild(root: string, to: string): BuildSnapshot {
  mkdirSync(join(to, 'dist'), { recursive: true });
  for (const d of ['apps', 'libs']) cpSync(join(root, 'dist', d), join(to, 'dist', d), { recursive: true, preserveTimestamps: true });
  symlinkSync(join(root, 'node_modules'), join(to, 'node_modules'), 'dir');
  const hash = createHash('sha256');
  let newest = 0;
  let files = 0;
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path, `${rel}/${name}`);
      else {
        hash.update(`${rel}/${name}\0`).update(readFileSync(path));
        newest = Math.max(newest, st.mtimeMs);
        files++;
      }
    }
  };
  walk(join(to, 'dist'), 'dist');
  return { fingerprint: hash.digest('hex').slice(0, 16), newestFile: new Date(newest).toISOString(), files };
}
