import { ServiceProcess, eventually, startServiceProcess } from '@g2g/testing';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The walkthroughs of README.md and docs/cli.md, run as a newcomer runs them: README's first, then
// docs/cli.md's on the same platform, which carries on from the README's state. A fenced ```bash
// block after an HTML comment `<!-- checked -->` is run command by command (each must exit 0); a
// plain fenced block right after it is what its last command prints on stdout, compared line by
// line. Only these parts of the comparison are loosened, each on purpose:
//   - trailing spaces and trailing blank lines (editors strip them);
//   - a line of just `...` in the shown output stands for any lines (an elided part of a long table);
//   - `<!-- checked; varies: NAME, ... -->` names the parts of that block's output that differ from
//     run to run, by the patterns in VARIES below, replaced on both sides before comparing;
//   - `/tmp/` in the commands is a directory of the test's own, so that runs never share files.

jest.setTimeout(180_000);

const ROOT = join(__dirname, '..');
const WALKTHROUGHS = ['README.md', 'docs/cli.md'];

/** What may differ between a run and the shown output, by the name a block's marker gives it. */
const VARIES: Record<string, [RegExp, string]> = {
  // when the platform recorded something (history, keys, the audit trail)
  times: [/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z/g, '<time>'],
  // how long a replay took (the audit's verification of each service)
  durations: [/in [\d,]+ ms \([\d,]+ events\/s\)/g, 'in <duration>'],
};

interface Block {
  file: string;
  /** 1-based line of the opening fence */
  line: number;
  /** 1-based line of the closing fence */
  end: number;
  lang: string;
  body: string;
  /** the HTML comment right above the fence, if any */
  marker?: string;
}

interface Step {
  where: string;
  commands: string[];
  expected?: { text: string; varies: string[]; where: string };
}

function fencedBlocks(file: string): Block[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```([\w-]*)\s*$/.exec(lines[i]);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    let above = i - 1;
    while (above >= 0 && lines[above].trim() === '') above--;
    const marker = above >= 0 && /^<!--.*-->$/.test(lines[above].trim()) ? lines[above].trim() : undefined;
    blocks.push({ file, line: i + 1, end: end + 1, lang: open[1], body: lines.slice(i + 1, end).join('\n'), marker });
    i = end;
  }
  return blocks;
}

/** The checked blocks of a file, each with the output shown right after it (nothing but blank lines between). */
function stepsOf(file: string): Step[] {
  const text = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const blocks = fencedBlocks(file);
  const steps: Step[] = [];
  blocks.forEach((block, k) => {
    const marker = block.marker && /^<!--\s*checked\b(.*?)-->$/.exec(block.marker);
    if (!marker) return;
    if (block.lang !== 'bash') throw new Error(`${file}:${block.line}: a checked block must be \`\`\`bash`);
    const varies = /varies:\s*([\w\s,-]+)/.exec(marker[1])?.[1].split(',').map((v) => v.trim()).filter(Boolean) ?? [];
    for (const v of varies) if (!VARIES[v]) throw new Error(`${file}:${block.line}: unknown "varies: ${v}" (known: ${Object.keys(VARIES).join(', ')})`);
    const next = blocks[k + 1];
    const between = next ? text.slice(block.end, next.line - 1) : [];
    const shown = next && next.lang === '' && between.every((l) => l.trim() === '') ? next : undefined;
    steps.push({
      where: `${file}:${block.line}`,
      commands: commandsOf(block.body),
      expected: shown && { text: shown.body, varies, where: `${file}:${shown.line}` },
    });
  });
  return steps;
}

/**
 * The commands of a shell block, one per entry: a command goes on past the end of its line inside
 * quotes, after a trailing backslash, and through the body of a here-document. Comments are left
 * out (an apostrophe in one must not open a quote).
 */
function commandsOf(script: string): string[] {
  const commands: string[] = [];
  let current = '';
  let quote: "'" | '"' | null = null;
  const heredocs: string[] = [];
  let inBody = false;
  for (const line of script.split('\n')) {
    if (inBody) {
      current += `${line}\n`;
      if (line.replace(/^\t+/, '') === heredocs[0]) heredocs.shift();
      inBody = heredocs.length > 0;
      if (!inBody && quote === null && current.trim()) commands.push(current.trimEnd()), (current = '');
      continue;
    }
    let kept = '';
    let continued = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quote === "'") {
        if (c === "'") quote = null;
      } else if (quote === '"') {
        if (c === '\\') {
          kept += c + (line[++i] ?? '');
          continue;
        }
        if (c === '"') quote = null;
      } else if (c === '#' && (i === 0 || /[\s;&|]/.test(line[i - 1]))) {
        break;
      } else if (c === '\\' && i === line.length - 1) {
        continued = true;
      } else if (c === '\\') {
        kept += c + (line[++i] ?? '');
        continue;
      } else if (c === "'" || c === '"') {
        quote = c;
      } else if (c === '<' && line[i + 1] === '<') {
        const here = /^<<-?\s*(['"]?)([A-Za-z_]\w*)\1/.exec(line.slice(i));
        if (here) heredocs.push(here[2]);
      }
      kept += c;
    }
    current += `${quote === null ? kept.trimEnd() : kept}\n`;
    if (heredocs.length > 0) inBody = true;
    else if (quote === null && !continued && current.trim()) commands.push(current.trimEnd()), (current = '');
  }
  if (current.trim()) throw new Error(`unfinished command (an open quote or here-document): ${current}`);
  return commands;
}

/** The text as compared: trailing spaces and blank lines gone, the varying parts replaced. */
function normalise(text: string, varies: string[]): string[] {
  let out = text.replace(/[ \t]+$/gm, '').replace(/\n+$/, '');
  for (const v of varies) out = out.replace(VARIES[v][0], VARIES[v][1]);
  return out.split('\n');
}

/**
 * The shown output with each `...` line replaced by the lines of the actual output it stands for
 * (up to the first that equals the shown line after it): equal to the actual output exactly when
 * the two agree, and a readable diff when they do not.
 */
function fillElisions(shown: string[], actual: string[]): string[] {
  const out: string[] = [];
  let j = 0;
  shown.forEach((line, i) => {
    if (line.trim() !== '...') {
      out.push(line);
      j++;
      return;
    }
    const next = shown.slice(i + 1).find((l) => l.trim() !== '...');
    let k = next === undefined ? actual.length : actual.indexOf(next, j);
    if (k < 0) k = j;
    out.push(...actual.slice(j, k));
    j = k;
  });
  return out;
}

describe('the walkthroughs of README.md and docs/cli.md, followed one after the other', () => {
  const dir = mkdtempSync(join(tmpdir(), 'g2g-docs-'));
  let platform: ServiceProcess;
  const steps = WALKTHROUGHS.flatMap(stepsOf);

  // the client sees only what a newcomer's shell would set, not the keys or addresses of whoever runs the tests
  const clientEnv = () => ({
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('G2G_'))),
    G2G_URL: platform.url,
    G2G_CREDENTIALS: join(dir, 'credentials.json'),
    G2G_OPERATOR_KEY_FILE: join(dir, 'operator-key'),
    NO_COLOR: '1',
  });
  const shell = (command: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      // `npx g2g` is the client of this checkout, as it is from the repository root
      const preamble = `npx() { if [ "$1" = g2g ]; then shift; node ${JSON.stringify(join(ROOT, 'apps/cli/bin/g2g.js'))} "$@"; else echo "npx $1: not part of a walkthrough" >&2; return 127; fi; }\n`;
      execFile(
        'bash',
        ['-c', preamble + command.replaceAll('/tmp/', `${dir}/`)],
        {
          cwd: dir,
          env: clientEnv(),
          maxBuffer: 64 * 1024 * 1024,
          timeout: 120_000,
        },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });

  /**
   * Every follower of every service's log has caught up, as it has by the time a reader types the
   * next command: a command returns once intake has every row's outcome, while reporting and
   * cession may still be folding the last chunk.
   */
  const caughtUp = () =>
    eventually(
      async () => {
        const { followers } = (await (await fetch(`${platform.url}/health/backlog`)).json()) as { followers: { behind: number }[] };
        return followers.every((f) => f.behind === 0);
      },
      30_000,
      'every follower to catch up',
    );

  beforeAll(async () => {
    platform = await startServiceProcess(
      join(ROOT, 'dist/apps/embedded/src/main.js'),
      [],
      { G2G_MODE: 'embedded', G2G_DATA_DIR: join(dir, 'data'), G2G_INBOX_DIR: '', G2G_OPERATOR_KEY: '', G2G_OPERATOR_KEY_FILE: join(dir, 'operator-key'), PORT: '0' },
      { timeoutMs: 120_000 },
    );
  }, 150_000);

  afterAll(async () => {
    await platform?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('marks the walkthroughs and the outputs they show, so that none is left out unnoticed', () => {
    const count = (file: string) => steps.filter((s) => s.where.startsWith(`${file}:`));
    expect(count('README.md').length).toBeGreaterThanOrEqual(1);
    expect(count('docs/cli.md').length).toBeGreaterThanOrEqual(6);
    expect(steps.filter((s) => s.expected).length).toBeGreaterThanOrEqual(7);
  });

  it.each(steps.map((s) => [s.where, s] as const))('%s', async (_where, step) => {
    let last = '';
    for (const command of step.commands) {
      await caughtUp();
      const result = await shell(command);
      expect({ where: step.where, command, code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ where: step.where, command, code: 0, stderr: '' });
      last = result.stdout;
    }
    if (!step.expected) return;
    const actual = normalise(last, step.expected.varies);
    const shown = fillElisions(normalise(step.expected.text, step.expected.varies), actual);
    expect({ shown: step.expected.where, output: actual.join('\n') }).toEqual({ shown: step.expected.where, output: shown.join('\n') });
  });
});
