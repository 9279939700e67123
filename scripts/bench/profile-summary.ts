import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Summarises the V8 CPU profiles `npm run bench -- --cpu-prof DIR` leaves in DIR: for each service
 * process, where its CPU went by area (g2g code, each npm package, Node internals, GC, idle) and
 * the functions with the most self time.
 *
 *   node dist/scripts/bench/profile-summary.js DIR [TOP]
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function area(url: string, fn: string): string {
  if (!url) {
    if (fn === '(garbage collector)') return 'GC';
    if (fn === '(idle)') return 'idle';
    if (fn === '(program)') return 'V8/native (program)';
    return `native: ${fn || '?'}`;
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `npm: ${pkg[1]}`;
  if (url.startsWith('node:')) return `node: ${url.replace(/^node:(internal\/)?/, '').replace(/\/.*$/, '')}`;
  const g2g = /dist\/((?:apps|libs)\/[^/]+)/.exec(url);
  if (g2g) return `g2g: ${g2g[1]}`;
  return url;
}

function summarise(file: string, top: number, window: { fromUs: number; toUs: number } | null): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  // sample i was taken at startTime + timeDeltas[0..i] (microseconds, CLOCK_MONOTONIC)
  let at = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    at += p.timeDeltas[i] ?? 0;
    if (window && (at < window.fromUs || at > window.toUs)) continue;
    const next = p.timeDeltas[i + 1] ?? 0;
    self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + next);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const a = area(n.callFrame.url, n.callFrame.functionName);
    areas.set(a, (areas.get(a) ?? 0) + us);
    const where = n.callFrame.url ? `${n.callFrame.url.replace(/^.*?(node_modules\/|dist\/)/, '$1')}:${n.callFrame.lineNumber + 1}` : '';
    const key = `${n.callFrame.functionName || '(anonymous)'} ${where}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  const busy = total - (areas.get('idle') ?? 0);
  const pct = (us: number) => `${((100 * us) / Math.max(1, busy)).toFixed(1).padStart(5)} %`;
  const lines: string[] = [];
  lines.push(`  profiled ${(total / 1e6).toFixed(1)} s, busy (not idle) ${(busy / 1e6).toFixed(1)} s = ${((100 * busy) / Math.max(1, total)).toFixed(0)} % of a core; shares below are of the busy time`);
  for (const [a, us] of [...areas].filter(([a]) => a !== 'idle').sort((x, y) => y[1] - x[1]).slice(0, 18)) lines.push(`  ${pct(us)}  ${(us / 1e6).toFixed(2).padStart(7)} s  ${a}`);
  lines.push('  top functions by self time:');
  for (const [f, us] of [...fns].filter(([f]) => !f.startsWith('(idle)')).sort((x, y) => y[1] - x[1]).slice(0, top)) lines.push(`  ${pct(us)}  ${f}`);
  return lines.join('\n');
}

function main(): void {
  const dir = process.argv[2];
  const top = Number(process.argv[3] ?? 15);
  if (!dir) {
    console.error('usage: node dist/scripts/bench/profile-summary.js DIR [TOP]');
    process.exit(2);
  }
  const names: Record<string, string> = existsSync(join(dir, 'services.json')) ? JSON.parse(readFileSync(join(dir, 'services.json'), 'utf8')) : {};
  // the timed part of the run, written by the benchmark (monotonic microseconds)
  const window = existsSync(join(dir, 'window.json')) ? (JSON.parse(readFileSync(join(dir, 'window.json'), 'utf8')) as { fromUs: number; toUs: number }) : null;
  console.log(window ? `samples of the timed part only (${((window.toUs - window.fromUs) / 1e6).toFixed(1)} s)\n` : 'whole process lifetimes (no window.json)\n');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
    const pid = /\.(\d+)\.\d+\.\d+\.cpuprofile$/.exec(file)?.[1] ?? '?';
    console.log(`${names[pid] ?? `pid ${pid}`} (${file})`);
    console.log(summarise(join(dir, file), top, window));
    console.log('');
  }
}

main();
