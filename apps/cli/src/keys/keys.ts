import { UsageError } from '../args';
import { Command, Context } from '../context';
import { plural, table } from '../format';
import { segment } from '../http';

/** GET /participants/{code}/api-keys */
export interface KeyList {
  participant: string;
  keys: { key_id: string; key_prefix: string; issued_at: string; revoked_at: string | null }[];
}

/** POST /participants/{code}/api-keys/revoke */
export interface Revocation {
  participant: string;
  revoked: string[];
  already_revoked: string[];
}

export function renderKeys(list: KeyList): string {
  const valid = list.keys.filter((k) => k.revoked_at === null).length;
  if (list.keys.length === 0) return `${list.participant} has no API key (issue one with: g2g keys issue ${list.participant})\n`;
  const rows = list.keys.map((k) => [k.key_id, `${k.key_prefix}...`, k.issued_at, k.revoked_at ?? 'valid']);
  return `keys of ${list.participant}: ${plural(list.keys.length, 'key')}, ${valid} valid\n${table(rows, { header: ['key id', 'prefix', 'issued at', 'revoked at'], indent: '  ' })}`;
}

export function renderRevocation(r: Revocation, all: boolean): string {
  const lines: string[] = [];
  if (r.revoked.length > 0) {
    lines.push(`revoked ${plural(r.revoked.length, 'key')} of ${r.participant}: ${r.revoked.join(', ')}`);
    lines.push('underwriting refuses them now (401 KEY_REVOKED); every other service as soon as the revocation reaches it');
  } else if (r.already_revoked.length > 0) lines.push(`key ${r.already_revoked.join(', ')} of ${r.participant} was already revoked: nothing changed`);
  else lines.push(all ? `${r.participant} had no valid key: nothing changed` : `nothing changed for ${r.participant}`);
  return `${lines.join('\n')}\n`;
}

export const keysList: Command = {
  name: 'keys list',
  summary: "a participant's API keys: ids, when issued, whether revoked (operator)",
  flags: [],
  help: `Usage: g2g keys list CODE [--json]

Lists the API keys issued to participant CODE, oldest first: each key's id (the first 16 hex
digits of its SHA-256, safe to show), the key's first characters, when it was issued and when it
was revoked. The keys themselves are never kept. Uses the operator key unless --key/--as.

Options:
  --json   the server's answer {participant, keys: [{key_id, key_prefix, issued_at, revoked_at}]}`,
  async run(ctx: Context) {
    const [code] = ctx.opts.positionals(1, 'CODE');
    const { body } = await ctx.client('underwriting', { kind: 'operator' }).get<KeyList>(`/participants/${segment(code)}/api-keys`);
    if (ctx.json) await ctx.printJson(body);
    else await ctx.print(renderKeys(body));
  },
};

export const keysRevoke: Command = {
  name: 'keys revoke',
  summary: "revoke one API key of a participant, or all its keys (operator)",
  flags: ['key-id', 'all'],
  help: `Usage: g2g keys revoke CODE --key-id ID [--json]
       g2g keys revoke CODE --all [--json]

Revokes one key of participant CODE (ID as g2g keys list shows it, or as g2g keys issue printed
it), or with --all every key it has. Underwriting refuses a revoked key at once; intake, cession
and reporting as soon as the revocation reaches them (a moment: the same Kafka round trip as a new
key). A revoked key answers 401 KEY_REVOKED. Other keys of the participant keep working.
Revoking a key again changes nothing. Operators' keys are revoked with the bootstrap operator key
only; the bootstrap key itself (G2G_OPERATOR_KEY, .g2g/operator-key) cannot be revoked: change it
and restart the services. Uses the operator key unless --key/--as.

Options:
  --key-id ID   the key to revoke
  --all         every key of the participant
  --json        the server's answer {participant, revoked: [key ids], already_revoked: [key ids]}`,
  async run(ctx: Context) {
    const [code] = ctx.opts.positionals(1, 'CODE');
    const keyId = ctx.opts.string('key-id');
    const all = ctx.opts.switch('all');
    if ((keyId === undefined) === !all) throw new UsageError('name the key with --key-id ID, or revoke every key with --all (one of them)');
    if (keyId !== undefined && !/^[0-9a-f]{16}$/.test(keyId)) throw new UsageError(`--key-id is 16 lower-case hex digits (see g2g keys list ${code}), not ${JSON.stringify(keyId)}`);
    const client = ctx.client('underwriting', { kind: 'operator' });
    const { body } = await client.post<Revocation>(`/participants/${segment(code)}/api-keys/revoke`, all ? { all: true } : { key_id: keyId });
    if (ctx.json) await ctx.printJson(body);
    else await ctx.print(renderRevocation(body, all));
  },
};
