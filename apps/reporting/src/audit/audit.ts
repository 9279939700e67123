import {
  ClaimPaidV1,
  GuaranteeCededV1,
  GuaranteeIssuedV1,
  GuaranteeRepaidV1,
  RecoverySharedV1,
  claimPaidV1,
  guaranteeCededV1,
  guaranteeIssuedV1,
  guaranteeRepaidV1,
  recoverySharedV1,
} from '@g2g/contracts';
import { decimalRatio, formatYuan, parseSharePct, parseYuan, splitByShares } from '@g2g/domain';
import { Database, START } from '@g2g/event-store';
import { programmeVersions } from '@g2g/platform';
import { SCHEMA, store } from '../record-log/record-log.consumer';
import { Slice, figures } from '../figures-api/figures';

/** What one guarantee's events say, folded from the log alone. */
interface Folded {
  issued: GuaranteeIssuedV1;
  issuedTimes: number;
  changes: { date: string; amount: bigint; kind: 'repayment' | 'claim' }[];
  released?: { on: string };
  claim?: ClaimPaidV1;
  claimTimes: number;
  recoveries: RecoverySharedV1[];
  ceded?: GuaranteeCededV1;
}

export interface AuditReport {
  events: number;
  guarantees: number;
  violations: string[];
  differences: { figure: string; slice: Slice; period: { from: string; to: string }; projection: unknown; events: unknown }[];
  checked: { slices: number; figures: number };
}

const sum = (xs: Iterable<bigint>) => [...xs].reduce((a, b) => a + b, 0n);
const fen = (s: string) => BigInt(s);

/**
 * Recomputes the figures and checks the invariants of the domain specification (section 7) from
 * reporting's event log alone, in plain TypeScript (not the SQL of the projections), and reports
 * every invariant broken and every figure that differs from what the projections answer.
 */
export async function audit(db: Database): Promise<AuditReport> {
  // First pass: each guarantee's events. Messages of different topics reach reporting in any
  // order (a cession may be logged before the issue it follows), so the fold does not trust the
  // log's order across topics: the issue comes first, then the cession, then compensation's
  // events in the order compensation decided them (their `sequence`).
  const collected = new Map<string, { issued: GuaranteeIssuedV1[]; ceded: GuaranteeCededV1[]; servicing: { type: string; data: any }[] }>();
  const of = (id: string) => {
    let c = collected.get(id);
    if (!c) collected.set(id, (c = { issued: [], ceded: [], servicing: [] }));
    return c;
  };
  let events = 0;
  for (let at = START; ; ) {
    const page = await store.readAll(db, at, 5000);
    if (page.events.length === 0) break;
    at = page.next;
    events += page.events.length;
    for (const e of page.events) {
      const id = (e.data as { guaranteeId?: string }).guaranteeId;
      if (!id) continue;
      if (e.type === guaranteeIssuedV1.topic) of(id).issued.push(e.data);
      else if (e.type === guaranteeCededV1.topic) of(id).ceded.push(e.data);
      else if (e.type === guaranteeRepaidV1.topic || e.type === claimPaidV1.topic || e.type === recoverySharedV1.topic) of(id).servicing.push({ type: e.type, data: e.data });
    }
  }

  // Second pass: fold each guarantee.
  const guarantees = new Map<string, Folded>();
  const violations: string[] = [];
  for (const [id, c] of collected) {
    if (c.issued.length === 0) {
      if (c.ceded.length > 0) violations.push(`${id}: ceded but never issued`);
      if (c.servicing.length > 0) violations.push(`${id}: repaid, claimed or recovered but never issued`);
      continue;
    }
    if (c.ceded.length > 1) violations.push(`${id}: ceded ${c.ceded.length} times`);
    const g: Folded = { issued: c.issued[0], issuedTimes: c.issued.length, changes: [], claimTimes: 0, recoveries: [], ceded: c.ceded[0] };
    guarantees.set(id, g);
    for (const e of [...c.servicing].sort((a, b) => a.data.sequence - b.data.sequence)) {
      if (e.type === guaranteeRepaidV1.topic) {
        const v = e.data as GuaranteeRepaidV1;
        if (g.released) violations.push(`${id}: repaid on ${v.repaidOn} after its release`);
        g.changes.push({ date: v.repaidOn, amount: fen(v.amountFen), kind: 'repayment' });
        if (v.released) g.released = { on: v.repaidOn };
      } else if (e.type === claimPaidV1.topic) {
        const v = e.data as ClaimPaidV1;
        g.claimTimes++;
        if (g.released) violations.push(`${id}: claimed after its release`);
        g.claim = v;
        g.changes.push({ date: v.claimedOn, amount: fen(v.unpaidPrincipalFen), kind: 'claim' });
        g.released = { on: v.claimedOn };
      } else {
        g.recoveries.push(e.data as RecoverySharedV1);
      }
    }
  }

  for (const [id, g] of guarantees) checkInvariants(id, g, violations);
  await checkQuotas(db, guarantees, violations);

  const differences: AuditReport['differences'] = [];
  let compared = 0;
  const dates = [...guarantees.values()].flatMap((g) => [g.issued.issuedOn, ...g.changes.map((c) => c.date), ...g.recoveries.map((r) => r.recoveredOn)]).sort();
  const slices: Slice[] = [{}];
  for (const programme of new Set([...guarantees.values()].map((g) => g.issued.programme))) slices.push({ programme });
  for (const bank of new Set([...guarantees.values()].map((g) => g.issued.bank))) slices.push({ bank });
  if (dates.length > 0) {
    const period = { from: dates[0], to: dates[dates.length - 1] };
    for (const slice of slices) {
      const expected = figuresFromEvents([...guarantees.values()].filter((g) => inSlice(g.issued, slice)), period);
      const actual = (await figures(db, { ...period, slice })) as Record<string, unknown>;
      for (const [name, value] of Object.entries(expected)) {
        compared++;
        if (JSON.stringify(actual[name]) !== JSON.stringify(value)) differences.push({ figure: name, slice, period, projection: actual[name], events: value });
      }
    }
  }
  return { events, guarantees: guarantees.size, violations, differences, checked: { slices: slices.length, figures: compared } };
}

function checkInvariants(id: string, g: Folded, violations: string[]): void {
  const v = g.issued;
  const principal = fen(v.principalFen);
  if (g.issuedTimes > 1) violations.push(`${id}: issued ${g.issuedTimes} times`);
  if (g.claimTimes > 1) violations.push(`${id}: claimed ${g.claimTimes} times`);
  const risks = v.parties.map((p) => fen(p.riskFen));
  if (sum(risks) !== principal) violations.push(`${id}: risk parts sum to ${sum(risks)}, not the principal ${principal}`);
  const expected = splitByShares(principal, v.parties.map((p) => ({ participant: p.participant, role: p.role, sharePct: parseSharePct(p.sharePct)! })));
  expected.forEach((part, i) => {
    if (part.amount !== risks[i]) violations.push(`${id}: ${part.participant}'s risk is ${risks[i]}, the split rule gives ${part.amount}`);
  });
  for (const c of g.ceded?.cessions ?? []) {
    const issuedPart = v.parties.find((p) => p.participant === c.participant);
    if (!issuedPart || issuedPart.riskFen !== c.riskFen) violations.push(`${id}: ${c.participant} was ceded ${c.riskFen}, its issued part is ${issuedPart?.riskFen}`);
  }
  let outstanding = principal;
  for (const c of g.changes) {
    outstanding -= c.amount;
    if (outstanding < 0n || outstanding > principal) violations.push(`${id}: outstanding ${outstanding} after the ${c.kind} of ${c.date}`);
  }
  if (g.released && outstanding !== 0n) violations.push(`${id}: released with ${outstanding} outstanding`);
  if (g.claim) {
    const claimAmount = fen(g.claim.claimAmountFen);
    const parts = g.claim.parts.map((p) => fen(p.amountFen));
    const losses = g.claim.losses.map((p) => fen(p.amountFen));
    if (sum(parts) !== claimAmount) violations.push(`${id}: claim parts sum to ${sum(parts)}, not ${claimAmount}`);
    if (sum(losses) !== claimAmount) violations.push(`${id}: losses sum to ${sum(losses)}, not ${claimAmount}`);
    if (losses.some((l) => l < 0n)) violations.push(`${id}: a negative loss`);
    const bankPart = fen(g.claim.parts.find((p) => p.role === 'bank')?.amountFen ?? '0');
    if (fen(g.claim.compensationFen) !== claimAmount - bankPart) violations.push(`${id}: compensation ${g.claim.compensationFen} is not the non-bank parts ${claimAmount - bankPart}`);
    for (const s of g.claim.support) {
      const part = g.claim.parts.find((p) => p.participant === s.participant);
      if (!part || s.amountFen !== part.amountFen) violations.push(`${id}: ${s.participant} supported ${s.amountFen}, its part is ${part?.amountFen}`);
    }
    let recovered = 0n;
    for (const r of g.recoveries) {
      const parts = r.parts.map((p) => fen(p.amountFen));
      if (sum(parts) !== fen(r.amountFen)) violations.push(`${id}: recovery parts sum to ${sum(parts)}, not ${r.amountFen}`);
      recovered += fen(r.amountFen);
    }
    if (recovered > claimAmount) violations.push(`${id}: recovered ${recovered}, more than the ${claimAmount} lost`);
  } else if (g.recoveries.length > 0) violations.push(`${id}: recovered without a claim`);
}

/** A programme's outstanding principal never above its quota: checked at the end of the log. */
async function checkQuotas(db: Database, guarantees: Map<string, Folded>, violations: string[]): Promise<void> {
  const outstanding = new Map<string, bigint>();
  for (const g of guarantees.values()) {
    const o = fen(g.issued.principalFen) - sum(g.changes.map((c) => c.amount));
    outstanding.set(g.issued.programme, (outstanding.get(g.issued.programme) ?? 0n) + o);
  }
  for (const [programme, o] of outstanding) {
    const versions = await programmeVersions(db, SCHEMA, programme);
    const quota = versions.length > 0 ? parseYuan(versions[versions.length - 1].programme_quota) : null;
    if (quota !== null && o > quota) violations.push(`programme ${programme}: outstanding ${formatYuan(o)} above its quota ${formatYuan(quota)}`);
  }
}

function inSlice(v: GuaranteeIssuedV1, s: Slice): boolean {
  return (s.programme === undefined || v.programme === s.programme) && (s.bank === undefined || v.bank === s.bank);
}

/** The figures the audit compares, computed by folding the events (independently of the SQL). */
function figuresFromEvents(gs: Folded[], period: { from: string; to: string }) {
  const within = (d: string) => d >= period.from && d <= period.to;
  const byParty = (entries: { participant: string; amount: bigint }[]) => {
    const m = new Map<string, bigint>();
    for (const e of entries) m.set(e.participant, (m.get(e.participant) ?? 0n) + e.amount);
    return Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, formatYuan(v)]));
  };
  const issued = gs.filter((g) => within(g.issued.issuedOn));
  const atEnd = gs
    .filter((g) => g.issued.issuedOn <= period.to)
    .map((g) => ({ g, o: fen(g.issued.principalFen) - sum(g.changes.filter((c) => c.date <= period.to).map((c) => c.amount)) }));
  const released = gs.filter((g) => g.released && within(g.released.on));
  const claims = gs.filter((g) => g.claim && within(g.claim.claimedOn)).map((g) => g.claim!);
  return {
    new_guarantees: { count: issued.length, principal: formatYuan(sum(issued.map((g) => fen(g.issued.principalFen)))) },
    outstanding_balance: formatYuan(sum(atEnd.map((x) => x.o))),
    guarantee_fees: formatYuan(sum(issued.map((g) => fen(g.issued.guaranteeFeeFen)))),
    reguarantee_fees: byParty(issued.flatMap((g) => (g.ceded?.cessions ?? []).map((c) => ({ participant: c.participant, amount: fen(c.reguaranteeFeeFen) })))),
    released: { count: released.length, principal: formatYuan(sum(released.map((g) => fen(g.issued.principalFen)))) },
    compensation: {
      count: claims.length,
      amount: formatYuan(sum(claims.map((c) => fen(c.compensationFen)))),
      rate_pct: decimalRatio(sum(claims.map((c) => fen(c.compensationFen))) * 100n, sum(released.map((g) => fen(g.issued.principalFen)))),
    },
    support: byParty(claims.flatMap((c) => c.support.map((s) => ({ participant: s.participant, amount: fen(s.amountFen) })))),
    recoveries: byParty(gs.flatMap((g) => g.recoveries.filter((r) => within(r.recoveredOn)).flatMap((r) => r.parts.map((p) => ({ participant: p.participant, amount: fen(p.amountFen) }))))),
    risk_borne: byParty(
      atEnd
        .filter((x) => x.o > 0n)
        .flatMap(({ g, o }) =>
          splitByShares(o, g.issued.parties.map((p) => ({ participant: p.participant, role: p.role, sharePct: parseSharePct(p.sharePct)! }))).map((p) => ({
            participant: p.participant,
            amount: p.amount,
          })),
        ),
    ),
  };
}
