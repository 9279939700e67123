import { Options, UsageError, parseArgs } from './args';
import { auditCommand } from './audit/audit';
import { auditTrailCommand } from './audit/audit-trail';
import { backupCommand, restoreCommand } from './backup/backup';
import { rebuildCommand } from './audit/rebuild';
import { batchResults } from './batch/results';
import { batchSubmit } from './batch/submit';
import { Command, Context, GLOBAL_FLAGS, Io } from './context';
import { feedCommand } from './feed/feed';
import { figuresCommand } from './figures/figures';
import { generateCommand } from './generate/command';
import { historyCommand } from './history/history';
import { keysList, keysRevoke } from './keys/keys';
import { listsCommands } from './lists/lists';
import { ApiError, ConnectionError } from './http';
import { programmesResume, programmesStatus } from './programmes/breaker';
import { demoLoad } from './publish/demo';
import { keysIssue, participantsPublish, programmesPublish } from './publish/commands';
import { remindersRun } from './reminders/reminders';
import { servicingCommands } from './servicing/commands';
import { statementsCommand } from './statements/statements';

export const COMMANDS: readonly Command[] = [
  demoLoad,
  participantsPublish,
  programmesPublish,
  programmesResume,
  programmesStatus,
  keysIssue,
  keysList,
  keysRevoke,
  generateCommand,
  batchSubmit,
  batchResults,
  ...servicingCommands,
  ...listsCommands,
  figuresCommand,
  feedCommand,
  remindersRun,
  historyCommand,
  statementsCommand,
  auditCommand,
  auditTrailCommand,
  rebuildCommand,
  backupCommand,
  restoreCommand,
];

const GLOBAL_HELP = `Global options:
  --url URL      the platform (default G2G_URL or http://127.0.0.1:8080; overrides the
                 per-service G2G_INTAKE_URL, G2G_UNDERWRITING_URL, G2G_CESSION_URL, G2G_REPORTING_URL)
  --key KEY      the API key to send (Authorization: Bearer KEY)
  --as CODE      use CODE's key from the credentials file (G2G_CREDENTIALS, else .g2g/credentials.json
                 for the embedded platform, .g2g/credentials/HOST_PORT.json for one elsewhere)
  --json         machine-readable output on stdout
  --help, -h     help for the command

Keys, when neither --key nor --as is given: G2G_API_KEY; then, for operator commands, the
operator key (G2G_OPERATOR_KEY or .g2g/operator-key); for bank commands, the bank's saved key;
a feed has no default: it is read as the participant --as names.`;

export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `g2g: the command-line client of the g2g platform

Usage: g2g COMMAND [arguments] [options]

Commands:
${lines.join('\n')}
  ${'help [COMMAND]'.padEnd(width)}  this text, or a command's

${GLOBAL_HELP}

Quick start (platform running: npm start):
  g2g demo load
  g2g generate --rows 10000 --bank ICBC --seed 1 --invalid-every 50 --out /tmp/icbc.csv
  g2g batch submit /tmp/icbc.csv --bank ICBC --programme NFGF-G2G-BJ-2025 --ref icbc-2025-001
  g2g repayments submit repay.csv --bank ICBC --ref icbc-repay-001     (likewise claims, recoveries)
  g2g figures --from 2025-03-01 --to 2025-12-31 --as NFRA
  g2g audit

Exit codes: 0 success; 1 the platform refused, cannot be reached, or (audit) found a problem;
2 a usage mistake.
`;
}

export function commandHelp(command: Command): string {
  return `${command.help}\n\n${GLOBAL_HELP}\n`;
}

/** The command named by the leading words, and the words left for it. */
export function findCommand(words: readonly string[]): { command: Command; rest: string[] } | null {
  const byLength = [...COMMANDS].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const command of byLength) {
    const name = command.name.split(' ');
    if (name.every((w, i) => words[i] === w)) return { command, rest: words.slice(name.length) };
  }
  return null;
}

/** Runs the client on its arguments; resolves to the exit code. Never throws. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  let command: Command | undefined;
  try {
    const { words, flags } = parseArgs(argv);
    if (words.length === 0 || words[0] === 'help') {
      const topic = words.slice(1);
      const found = topic.length > 0 ? findCommand(topic) : null;
      if (topic.length > 0 && !found) {
        io.err(`g2g: no command ${JSON.stringify(topic.join(' '))}\n\n${generalHelp()}`);
        return 2;
      }
      await io.out(found ? commandHelp(found.command) : generalHelp());
      return 0;
    }
    const found = findCommand(words);
    if (!found) {
      const group = COMMANDS.filter((c) => c.name.split(' ')[0] === words[0]);
      const hint = group.length > 0 ? `; did you mean ${group.map((c) => `"g2g ${c.name}"`).join(' or ')}?` : '; see g2g help';
      io.err(`g2g: unknown command ${JSON.stringify(words.slice(0, 2).join(' '))}${hint}\n`);
      return 2;
    }
    command = found.command;
    if (flags.has('help')) {
      await io.out(commandHelp(command));
      return 0;
    }
    const opts = new Options(flags, found.rest).only([...GLOBAL_FLAGS, ...command.flags]);
    const code = await command.run(new Context(io, opts));
    return code ?? 0;
  } catch (error) {
    io.err(describeError(error, command));
    return error instanceof UsageError ? 2 : 1;
  }
}

/** The message printed for a failure: the server's code and message when it sent them. */
export function describeError(error: unknown, command?: Command): string {
  const who = command ? `g2g ${command.name}` : 'g2g';
  if (error instanceof UsageError) return `${who}: ${error.message}\n(see: g2g help${command ? ` ${command.name}` : ''})\n`;
  if (error instanceof ApiError) {
    const lines = [`${who}: the platform answered ${error.status} ${error.code}: ${error.message}`];
    for (const problem of error.errors) lines.push(`  - ${describeProblem(problem)}`);
    return `${lines.join('\n')}\n`;
  }
  if (error instanceof ConnectionError) return `${who}: ${error.message}\n`;
  return `${who}: ${error instanceof Error ? error.message : String(error)}\n`;
}

function describeProblem(problem: unknown): string {
  if (typeof problem !== 'object' || problem === null) return String(problem);
  const { code, field, message } = problem as { code?: unknown; field?: unknown; message?: unknown };
  const text = [field !== undefined ? `${String(field)}:` : '', message !== undefined ? String(message) : '', code !== undefined ? `(${String(code)})` : '']
    .filter(Boolean)
    .join(' ');
  return text || JSON.stringify(problem);
}
