import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../args';
import { credentialsPath, saveCredentials } from '../config';
import { Command, Context } from '../context';
import { ApiError } from '../http';
import { asParticipants, asProgramme, issueKey, publishParticipants, publishProgramme, readJsonFile } from './publish-api';

/** The demo folder: --dir, else ./demo, else the repository's demo/ found above this file. */
export function findDemoDir(cwd: string, explicit?: string, from: string = __dirname): string {
  if (explicit) return resolve(cwd, explicit);
  const candidates = [join(cwd, 'demo')];
  for (let dir = from, i = 0; i < 8; i++, dir = dirname(dir)) candidates.push(join(dir, 'demo'));
  const found = candidates.find((d) => existsSync(join(d, 'programme.json')) && existsSync(join(d, 'participants.json')));
  if (!found) throw new UsageError('cannot find demo/participants.json and demo/programme.json (run from the repository, or pass --dir)');
  return found;
}

export const demoLoad: Command = {
  name: 'demo load',
  summary: 'publish the demo participants and programme, issue and save a key for each participant',
  flags: ['dir'],
  help: `Usage: g2g demo load [--dir DIR] [--json]

Publishes demo/participants.json (ICBC, BOC, BJ-GUOHUA, BJ-REG, NFGF, NFRA) and
demo/programme.json (NFGF-G2G-BJ-2025), then issues an API key for every participant and saves
them all in the platform's credentials file (.g2g/credentials.json for the embedded one,
.g2g/credentials/HOST_PORT.json for one elsewhere, or G2G_CREDENTIALS). Safe to run again:
publishing the same documents is harmless; it issues new keys. Uses the operator key.`,
  async run(ctx: Context) {
    ctx.opts.positionals(0, '');
    const dir = findDemoDir(ctx.io.cwd, ctx.opts.string('dir'));
    const participantsFile = join(dir, 'participants.json');
    const programmeFile = join(dir, 'programme.json');
    const participants = asParticipants(readJsonFile(participantsFile), participantsFile);
    const programme = asProgramme(readJsonFile(programmeFile), programmeFile);
    const client = ctx.client('underwriting', { kind: 'operator' });
    const say = (line: string) => (ctx.json ? Promise.resolve() : ctx.print(line));

    const registered = await publishParticipants(client, participants);
    await say(`registered ${registered.registered} participants: ${participants.map((p) => `${p.code} (${p.kind})`).join(', ')}`);

    let published: { programme: string; effective_from: string; already?: boolean };
    try {
      published = await publishProgramme(client, programme);
      await say(`published programme ${published.programme}, effective from ${published.effective_from}`);
    } catch (error) {
      // A platform that refuses the very same version again says so with a conflict: that is fine here.
      if (!(error instanceof ApiError && error.status === 409)) throw error;
      published = { programme: programme.id, effective_from: programme.effective_from, already: true };
      await say(`programme ${programme.id} was already published (${error.code}: ${error.message})`);
    }

    const keys: Record<string, string> = {};
    for (const p of participants) keys[p.code] = (await issueKey(client, p.code)).key;
    const saved = credentialsPath(ctx.io.env, ctx.io.cwd, ctx.opts.string('url'));
    saveCredentials(saved, keys);
    await say(`issued keys for ${Object.keys(keys).join(', ')}; saved in ${saved}`);
    await say(`try: g2g generate --rows 1000 --bank ICBC --out /tmp/icbc.csv && g2g batch submit /tmp/icbc.csv --bank ICBC --programme ${programme.id} --ref demo-1`);
    if (ctx.json) {
      await ctx.printJson({
        registered: registered.registered,
        programme: published,
        keys_issued: Object.keys(keys),
        credentials: saved,
      });
    }
  },
};
