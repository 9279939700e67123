import { Command, Context } from '../context';
import { formatCount, table } from '../format';
import { ApiClient } from '../http';
import { businessDateOf, describeMessage, messageName } from './messages';

/** One message of a feed (GET /feed). */
export interface FeedMessage {
  seq: number;
  topic: string;
  key: string;
  value: unknown;
  recorded_at: string;
}

export interface FeedPage {
  participant: string;
  messages: FeedMessage[];
  /** the cursor to pass as `after` next time (the last seq read, or `after` itself when nothing was new) */
  next: number;
}

/**
 * Reads the feed from `after`: one page, or with `all` page after page until a page comes back
 * empty. A cursor that does not advance past a non-empty page is a server fault.
 */
export async function readFeed(client: ApiClient, options: { after: number; limit?: number; all?: boolean; only?: string }): Promise<FeedPage> {
  let after = options.after;
  let participant = '';
  const messages: FeedMessage[] = [];
  for (;;) {
    const { body } = await client.get<FeedPage>('/feed', { after, limit: options.limit, only: options.only });
    participant = body.participant;
    const page = Array.isArray(body.messages) ? body.messages : [];
    messages.push(...page);
    if (page.length === 0 || !options.all) return { participant, messages, next: page.length === 0 ? after : body.next };
    if (typeof body.next !== 'number' || body.next <= after) throw new Error(`the feed's cursor did not advance (after=${after}, next=${String(body.next)})`);
    after = body.next;
  }
}

/** The feed for people: one line per message, then how to read on. */
export function renderFeed(page: FeedPage, after: number, how: string): string {
  if (page.messages.length === 0) return `feed of ${page.participant}: nothing after ${after}\n`;
  const rows = page.messages.map((m) => [String(m.seq), businessDateOf(m.topic, m.value), messageName(m.topic), m.key, describeMessage(m.topic, m.value, page.participant)]);
  return (
    `feed of ${page.participant}: ${formatCount(page.messages.length)} message${page.messages.length === 1 ? '' : 's'} after ${after}\n` +
    table(rows, { header: ['seq', 'date', 'message', 'key', 'details'], indent: '  ' }) +
    `next: ${how} --after ${page.next}\n`
  );
}

export const feedCommand: Command = {
  name: 'feed',
  summary: "a participant's feed: approvals, cessions, claims, recoveries, suspensions, warnings, reminders",
  flags: ['after', 'limit', 'all', 'only'],
  help: `Usage: g2g feed --as CODE [--after SEQ] [--limit N] [--all] [--only NAMES] [--json]

The messages of the guarantees CODE is a party to, in log order (docs/contracts.md): a guarantor,
re-guarantor or the Fund reads guarantee-issued and guarantee-ceded; every party (banks too) reads
claim-paid and recovery-shared; every participant a programme names reads its
programme-suspended and programme-resumed; its guarantor, re-guarantors, the Fund and the
regulators read breaker-approached (the loss ratio reached 8/10 of the breaker); a bank and a
guarantor read the release-reminder of their guarantees past maturity and not released.
Money in the messages is shown in yuan.
The feed is the reader's own: name the reader with --as CODE (or --key, or G2G_API_KEY).

Options:
  --after SEQ   read the messages after this cursor (default 0: from the start); each answer ends
                with the cursor to pass next time
  --limit N     messages per page (server default 500, at most 5000)
  --all         read page after page until nothing is left
  --only NAMES  only these messages, comma-separated (e.g. release-reminder,breaker-approached)
  --json        the server's answer {participant, messages: [{seq, topic, key, value, recorded_at}], next}
                (with --all, every message in one answer)`,
  async run(ctx: Context) {
    const { opts } = ctx;
    opts.positionals(0, '');
    const after = opts.integer('after', { min: 0, fallback: 0 }) ?? 0;
    const limit = opts.integer('limit', { min: 1 });
    const client = ctx.client('reporting', {
      kind: 'caller',
      hint: 'a feed is read by the participant it belongs to: pass --as CODE (a key saved by g2g demo load or g2g keys issue CODE --save), --key KEY, or set G2G_API_KEY',
    });
    const page = await readFeed(client, { after, limit, all: opts.switch('all'), only: opts.string('only') });
    if (ctx.json) await ctx.printJson(page);
    else await ctx.print(renderFeed(page, after, `g2g feed --as ${opts.string('as') ?? page.participant}`));
  },
};
