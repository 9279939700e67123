import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Campaign, CampaignOptions } from './campaign';
import { forPrinting, redact } from './errors';
import { humanReport } from './report';

/**
 * The fault campaign (docs/reliability.md): one loan batch through the five services twice, on a
 * PostgreSQL cluster and a Kafka broker of its own - a clean run, then a run during which services
 * are SIGKILLed and restarted, the broker and the database restart, and the bank resends - and
 * every outcome, count, fee, figure, statement and feed message of the second compared with the
 * first. Exit 0: equal; 1: the platform differed or did not finish; 2: the campaign could not run.
 *
 *   npm run faults -- [--rows N] [--seed S] [--kills K] [--timeout SECONDS] [--json] ...
 */

const USAGE = `usage: npm run faults -- [--rows N] [--seed S] [--kills K] [--timeout SECONDS] [--stuck SECONDS]
                        [--invalid-every K] [--no-broker-restart] [--no-postgres-restart]
                        [--json] [--json-out FILE] [--logs DIR] [--pg-bin DIR]
  --rows N              rows in the batch (default 100000)
  --seed S              seed of the generator and of the fault schedule (default 7)
  --kills K             service SIGKILLs in the fault run, spread over the five services (default 12)
  --timeout SECONDS     each run must be complete and quiet this long after its upload started
                        (default max(600, rows / 40))
  --stuck SECONDS       give up earlier when nothing moved this long with every service up and no
                        fault left (default 180)
  --invalid-every K     every K-th generated row is invalid, in a different way each time (default 50; 0: none)
  --no-broker-restart   do not restart the Kafka broker during the fault run
  --no-postgres-restart do not restart PostgreSQL during the fault run
  --json                print a machine-readable summary on stdout instead of the tables
  --json-out FILE       also write the machine-readable summary to FILE
  --logs DIR            keep every service's, the broker's and the server's log in DIR (by default
                        they go to a temp folder that is kept only when the campaign does not pass)
  --pg-bin DIR          PostgreSQL server binaries (default: the newest /usr/lib/postgresql/*/bin)`;

function fail(message: string): never {
  console.error(`faults: ${message}\n${USAGE}`);
  process.exit(2);
}

export function parseArgs(argv: string[]): Omit<CampaignOptions, 'root' | 'log'> & { json: boolean; jsonOut: string | null } {
  const args = {
    rows: 100_000,
    seed: 7,
    kills: 12,
    timeoutSeconds: 0,
    stuckSeconds: 180,
    invalidEvery: 50,
    broker: true,
    postgres: true,
    json: false,
    jsonOut: null as string | null,
    logDir: undefined as string | undefined,
    pgBin: undefined as string | undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) fail(`${flag} needs a value`);
      return v;
    };
    const whole = (v: string, min: number) => {
      const n = Number(v.replaceAll('_', ''));
      if (!Number.isSafeInteger(n) || n < min) fail(`${flag}: a whole number >= ${min}, not ${v}`);
      return n;
    };
    if (flag === '--rows') args.rows = whole(value(), 1);
    else if (flag === '--seed') args.seed = whole(value(), 0);
    else if (flag === '--kills') args.kills = whole(value(), 0);
    else if (flag === '--timeout') args.timeoutSeconds = whole(value(), 1);
    else if (flag === '--stuck') args.stuckSeconds = whole(value(), 10);
    else if (flag === '--invalid-every') args.invalidEvery = whole(value(), 0);
    else if (flag === '--no-broker-restart') args.broker = false;
    else if (flag === '--no-postgres-restart') args.postgres = false;
    else if (flag === '--json') args.json = true;
    else if (flag === '--json-out') args.jsonOut = resolve(value());
    else if (flag === '--logs') args.logDir = resolve(value());
    else if (flag === '--pg-bin') args.pgBin = resolve(value());
    else if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown argument ${argv[i]}`);
  }
  if (args.invalidEvery === 1) fail('--invalid-every 1 would make every row invalid');
  if (args.timeoutSeconds === 0) args.timeoutSeconds = Math.max(600, Math.ceil(args.rows / 40));
  return args;
}

async function main(): Promise<void> {
  const { json, jsonOut, ...options } = parseArgs(process.argv.slice(2));
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  const log = (line: string) => process.stderr.write(`faults: ${redact(line)}\n`);
  const campaign = new Campaign({ ...options, root: join(__dirname, '..', '..', '..'), log });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping everything the campaign started`);
      campaign.interrupt().finally(() => {
        if (campaign.logs) log(`logs kept in ${campaign.logs}`);
        process.exit(130);
      });
    });
  }
  const summary = await campaign.run();
  delete summary.collected;
  const text = `${JSON.stringify(summary, forPrinting, 2)}\n`;
  if (jsonOut) writeFileSync(jsonOut, text);
  if (json) process.stdout.write(text);
  else process.stdout.write(humanReport(summary));
  process.exitCode = summary.exitCode;
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
