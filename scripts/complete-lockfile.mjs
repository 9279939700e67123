// npm leaves optional platform packages (other OSes and CPUs) out of package-lock.json when the
// registry it installed from does not serve them, and `npm ci` then refuses the lock as out of
// sync. Run after `npm install`: node scripts/complete-lockfile.mjs package-lock.json
// It adds each missing optional package by name, version, os and cpu, so npm skips it where it
// does not fit and fetches it where it does.
import { readFileSync, writeFileSync } from 'node:fs';
const path = process.argv[2];
const lock = JSON.parse(readFileSync(path, 'utf8'));
const pk = lock.packages;
const platform = (name) => {
  const os = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openharmony'].find((o) => name.includes(`-${o}-`));
  const cpu = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64'].find((c) => new RegExp(`-${c}(-|$)`).test(name.split('-' + os)[1] ?? ''));
  return { os: [os], cpu: [cpu] };
};
let added = 0;
for (const [key, entry] of Object.entries(pk)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const target = `node_modules/${dep}`;
    if (pk[target]) continue;
    const { os, cpu } = platform(dep);
    if (!os[0] || !cpu[0]) { console.error('cannot tell platform of', dep); process.exit(1); }
    pk[target] = { version, ...(entry.dev ? { dev: true } : {}), optional: true, os, cpu };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(pk).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)));
lock.packages = sorted;
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log('added', added);
