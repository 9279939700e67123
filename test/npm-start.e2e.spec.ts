import { ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/**
 * What the README tells a newcomer to run: `npm start`. Stopping what was started (SIGTERM to the
 * npm process, as a terminal's Ctrl-C, a process manager or a container runtime sends it) must stop
 * the platform and free its port, not leave an orphaned node process serving.
 *
 * It runs in a tree of its own (the sources linked, the build written there) so that its build does
 * not rewrite the dist/ other tests run from.
 */
describe('npm start', () => {
  const tree = mkdtempSync(join(tmpdir(), 'g2g-npm-start-'));
  let npm: ChildProcess | undefined;
  let out = '';

  beforeAll(() => {
    for (const linked of ['apps', 'libs', 'node_modules']) symlinkSync(join(ROOT, linked), join(tree, linked));
    for (const copied of ['package.json', '.swcrc', 'tsconfig.json', 'nest-cli.json']) copyFileSync(join(ROOT, copied), join(tree, copied));
  });

  afterAll(() => {
    if (npm?.pid) {
      try {
        process.kill(-npm.pid, 'SIGKILL'); // whatever is left of its process group
      } catch {
        // gone already
      }
    }
    rmSync(tree, { recursive: true, force: true });
  });

  it('stops the platform when the npm process gets SIGTERM', async () => {
    npm = spawn('npm', ['start'], {
      cwd: tree,
      detached: true, // its own process group, so that the test can clean up after a failure
      env: { ...process.env, PORT: '0', G2G_MODE: 'embedded', G2G_DATA_DIR: join(tree, 'data'), G2G_INBOX_DIR: '', G2G_OPERATOR_KEY_FILE: join(tree, 'operator-key'), CI: 'true', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    npm.stdout!.on('data', (d) => (out = (out + d).slice(-20_000)));
    npm.stderr!.on('data', (d) => (out = (out + d).slice(-20_000)));
    const exited = new Promise<void>((r) => npm!.once('exit', () => r()));

    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready after 120 s:\n${out}`)), 120_000);
      const look = () => {
        const ready = /ready \(embedded\) on (http:\/\/\S+)/.exec(out);
        if (ready) {
          clearTimeout(timer);
          clearInterval(poll);
          resolve(ready[1]);
        }
      };
      const poll = setInterval(look, 100);
    });
    expect((await fetch(`${url}/health/live`)).status).toBe(200);

    npm.kill('SIGTERM');
    await exited;
    // the platform finishes what is in flight and lets go of the port
    const deadline = Date.now() + 30_000;
    let serving = true;
    while (serving && Date.now() < deadline) {
      serving = await fetch(`${url}/health/live`).then(
        () => true,
        () => false,
      );
      if (serving) await new Promise((r) => setTimeout(r, 250));
    }
    expect({ serving, output: serving ? out : '' }).toEqual({ serving: false, output: '' });
  }, 240_000);
});
