import { resolve } from 'node:path';
import { credentialsPath, saveCredentials } from '../config';
import { Command, Context } from '../context';
import { plural } from '../format';
import { asParticipants, asProgramme, issueKey, publishParticipants, publishProgramme, readJsonFile } from './publish-api';

export const participantsPublish: Command = {
  name: 'participants publish',
  summary: 'register participants from a JSON file (operator)',
  flags: [],
  help: `Usage: g2g participants publish FILE.json [--json]

Registers one participant or an array of them:
  { "code": "ICBC", "kind": "bank", "name": "...", "net_assets": "2000000000.00", "effective_from": "2025-01-01" }
kind is bank, guarantor, reguarantor, fund, regulator or operator; net_assets (yuan) for
guarantors. An operator is a named person or team whose own keys make the audit trail say who
acted; operators are registered with the bootstrap operator key only.
Uses the operator key (G2G_OPERATOR_KEY or .g2g/operator-key) unless --key/--as.`,
  async run(ctx: Context) {
    const file = resolve(ctx.io.cwd, ctx.opts.positionals(1, 'FILE.json')[0]);
    const participants = asParticipants(readJsonFile(file), file);
    const result = await publishParticipants(ctx.client('underwriting', { kind: 'operator' }), participants);
    if (ctx.json) await ctx.printJson(result);
    else await ctx.print(`registered ${plural(result.registered, 'participant')}: ${participants.map((p) => p.code).join(', ')}`);
  },
};

export const programmesPublish: Command = {
  name: 'programmes publish',
  summary: 'publish a programme version from its JSON document (operator)',
  flags: [],
  help: `Usage: g2g programmes publish FILE.json [--json]

Publishes a version of a programme (the JSON document of domain.md section 5), effective from
its effective_from. The platform checks it and lists every problem (422) when it is refused.
Uses the operator key unless --key/--as.`,
  async run(ctx: Context) {
    const file = resolve(ctx.io.cwd, ctx.opts.positionals(1, 'FILE.json')[0]);
    const programme = asProgramme(readJsonFile(file), file);
    const result = await publishProgramme(ctx.client('underwriting', { kind: 'operator' }), programme);
    if (ctx.json) await ctx.printJson(result);
    else await ctx.print(`published programme ${result.programme}, effective from ${result.effective_from}`);
  },
};

export const keysIssue: Command = {
  name: 'keys issue',
  summary: 'issue an API key for a participant (operator)',
  flags: ['save'],
  help: `Usage: g2g keys issue CODE [--save] [--json]

Issues a new API key for participant CODE and prints it (the platform keeps only its hash), with
its key id (safe to show; g2g keys list and g2g keys revoke name keys by it). Earlier keys stay
valid. Keys of an operator are issued with the bootstrap operator key only.
  --save   also store it in the platform's credentials file (.g2g/credentials.json for the
           embedded one, .g2g/credentials/HOST_PORT.json for one elsewhere, or G2G_CREDENTIALS),
           so that later commands can use --as CODE (bank commands use it by default)`,
  async run(ctx: Context) {
    const [code] = ctx.opts.positionals(1, 'CODE');
    const result = await issueKey(ctx.client('underwriting', { kind: 'operator' }), code);
    let saved: string | undefined;
    if (ctx.opts.switch('save')) {
      saved = credentialsPath(ctx.io.env, ctx.io.cwd, ctx.opts.string('url'));
      saveCredentials(saved, { [result.participant]: result.key });
    }
    if (ctx.json) await ctx.printJson(saved ? { ...result, saved } : result);
    else await ctx.print(`key for ${result.participant}: ${result.key}\nkey id: ${result.key_id}${saved ? `\nsaved in ${saved}` : ''}`);
  },
};
