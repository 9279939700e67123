import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

/** The flags Chromium runs with in the tests: headless, and trying to reach nothing outside. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function hasChineseFont(): boolean {
  try {
    return execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' }).trim().length > 0;
  } catch {
    return false;
  }
}

/**
 * Debian's Chromium and the Noto CJK fonts (Chinese labels): installed with apt-get when they are
 * missing, so that the browser tests run on a fresh machine too; nothing is skipped.
 */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM) && hasChineseFont()) return;
  const apt = (args: string[]) => execFileSync('apt-get', args, { stdio: 'inherit', timeout: 15 * 60_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  apt(['update']);
  apt(['install', '-y', '--no-install-recommends', 'chromium', 'fonts-noto-cjk']);
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium, but ${CHROMIUM} is not there`);
}
