import { ClaimPaidV1, GuaranteesCededV2, LoansDecidedV2, RecoverySharedV1, ServicingDecidedV2, guaranteesCededV2, loansDecidedV2, servicingDecidedV2 } from '@g2g/contracts';
import { Part, ShareholdingParty, checkShares, cessionsOf, decimalRatio, formatYuan, parseRate, parseSharePct, parseYuan, splitByShares } from '@g2g/domain';
import { Database, START, StoredEvent } from '@g2g/event-store';
import { programmeVersions } from '@g2g/platform';
import { createHash } from 'node:crypto';
import { Slice, figures } from '../figures-api/figures';
import { SCHEMA, store } from '../record-log/record-log.consumer';

export interface AuditReport {
  events: number;
  guarantees: number;
  violations: string[];
  differences: { figure: string; slice: Slice; period: { from: string; to: string }; projection: unknown; events: unknown }[];
  checked: { slices: number; figures: number };
}

const sum = (xs: Iterable<bigint>) => [...xs].reduce((a, b) => a + b, 0n);
const fen = (s: string) => BigInt(s);
const MAX_VIOLATIONS = 1_000;

/** What the figures of one slice add up to, from the events alone. */
class Totals {
  issued = 0;
  principal = 0n;
  fees = 0n;
  reguaranteeFees = new Map<string, bigint>();
  outstanding = 0n;
  risk = new Map<string, bigint>();
  /** guarantees in force each participant is a party to: the projection lists a party while it has one */
  parties = new Map<string, bigint>();
  released = 0;
  releasedPrincipal = 0n;
  claims = 0;
  compensation = 0n;
  support = new Map<string, bigint>();
  recoveries = new Map<string, bigint>();
}
const add = (m: Map<string, bigint>, k: string, v: bigint) => m.set(k, (m.get(k) ?? 0n) + v);

/** What the audit keeps of a guarantee that was repaid, claimed or recovered (the others need nothing). */
interface Serviced {
  changes: { date: string; amount: bigint; kind: 'repayment' | 'claim'; sequence: number; released: boolean }[];
  claims: ClaimPaidV1[];
  recoveries: RecoverySharedV1[];
}

/**
 * Recomputes the figures and checks the invariants of the domain specification (section 7) from
 * reporting's event log alone, in plain TypeScript (not the SQL of the projections), and reports
 * every invariant broken and every figure that differs from what the projections answer.
 *
 * It reads the log twice and keeps no per-guarantee state for the guarantees nothing happened
 * to after issue: their issue and cession are checked chunk by chunk, each guarantee id is kept as
 * an 8-byte hash (to find one issued or ceded twice), and what they add to the figures is summed
 * per slice. The guarantees repaid, claimed or recovered are folded one by one, in the order
 * compensation decided their facts (their `sequence`).
 */
export async function audit(db: Database): Promise<AuditReport> {
  const violations: string[] = [];
  const violate = (v: string) => {
    if (violations.length < MAX_VIOLATIONS) violations.push(v);
  };
  const slicesOf = (programme: string, bank: string) => ['all', `programme:${programme}`, `bank:${bank}`];
  const totals = new Map<string, Totals>();
  const at = (k: string) => {
    let t = totals.get(k);
    if (!t) totals.set(k, (t = new Totals()));
    return t;
  };
  const issuedIds = new IdHashes();
  const cededIds = new IdHashes();
  // a chunk's cessions as its issue says they must be, and as they were booked (the two events
  // reach reporting in either order): compared once the whole log is read
  const expectedCessions = new Map<string, string>();
  const bookedCessions = new Map<string, string>();
  const serviced = new Map<string, Serviced>();
  const dates = { min: '9999-12-31', max: '0000-01-01' };
  const seeDate = (d: string) => {
    if (d < dates.min) dates.min = d;
    if (d > dates.max) dates.max = d;
  };
  let events = 0;

  // First pass: every chunk's own checks, and the sums of every guarantee as issued.
  await eachEvent(db, (e) => {
    events++;
    if (e.type === loansDecidedV2.topic) {
      const d = e.data as LoansDecidedV2;
      const terms = d.terms.map((t) => t.parties.map((p) => ({ participant: p.participant, role: p.role, sharePct: parseSharePct(p.sharePct)! })));
      terms.forEach((parties, i) => {
        if (!checkShares(parties).ok) violate(`chunk ${d.bank}/${d.batchRef}/${d.firstRow}: the shares of terms ${i} do not add up to one whole with one guarantor`);
      });
      const cessions = createHash('sha256');
      d.issued.index.forEach((k, i) => {
        const id = `${d.bank}/${d.loanId[k]}`;
        const principal = fen(d.issued.principalFen[i]);
        const parties = terms[d.issued.terms[i]];
        issuedIds.add(id);
        seeDate(d.issued.disbursedOn[i]);
        for (const key of slicesOf(d.programme, d.bank)) {
          const t = at(key);
          t.issued++;
          t.principal += principal;
          t.fees += fen(d.issued.guaranteeFeeFen[i]);
          t.outstanding += principal;
          for (const part of splitByShares(principal, parties)) {
            add(t.risk, part.participant, part.amount);
            add(t.parties, part.participant, 1n);
          }
        }
        for (const c of cessionsOf(principal, parties, parseRate(d.issued.reguaranteeFeePct[i])!, d.issued.termDays[i])) cessions.update(`${id}|${c.participant}|${c.risk}|${c.fee}\n`);
      });
      if (d.issued.index.length > 0) expectedCessions.set(`${d.bank}/${d.batchRef}/${d.firstRow}`, cessions.digest('hex'));
    } else if (e.type === guaranteesCededV2.topic) {
      const d = e.data as GuaranteesCededV2;
      const digest = createHash('sha256');
      d.guarantees.loanId.forEach((loanId, i) => {
        const id = `${d.bank}/${loanId}`;
        cededIds.add(id);
        for (const part of d.parts) {
          if (part.riskFen[i] === '') continue;
          digest.update(`${id}|${part.participant}|${part.riskFen[i]}|${part.feeFen[i]}\n`);
          for (const key of slicesOf(d.programme, d.bank)) add(at(key).reguaranteeFees, part.participant, fen(part.feeFen[i]));
        }
      });
      const chunk = `${d.bank}/${d.batchRef}/${d.firstRow}`;
      if (bookedCessions.has(chunk)) violate(`chunk ${chunk}: ceded twice`);
      bookedCessions.set(chunk, digest.digest('hex'));
    } else if (e.type === servicingDecidedV2.topic) {
      const d = e.data as ServicingDecidedV2;
      const of = (id: string) => {
        let s = serviced.get(id);
        if (!s) serviced.set(id, (s = { changes: [], claims: [], recoveries: [] }));
        return s;
      };
      for (const r of d.repaid) {
        of(r.guaranteeId).changes.push({ date: r.repaidOn, amount: fen(r.amountFen), kind: 'repayment', sequence: r.sequence, released: r.released });
        seeDate(r.repaidOn);
      }
      for (const c of d.claims) {
        const s = of(c.guaranteeId);
        s.claims.push(c);
        s.changes.push({ date: c.claimedOn, amount: fen(c.unpaidPrincipalFen), kind: 'claim', sequence: c.sequence, released: true });
        seeDate(c.claimedOn);
      }
      for (const r of d.recoveries) {
        of(r.guaranteeId).recoveries.push(r);
        seeDate(r.recoveredOn);
      }
    }
  });
  for (const [chunk, expected] of expectedCessions) {
    const booked = bookedCessions.get(chunk);
    if (booked === undefined) violate(`chunk ${chunk}: issued but never ceded`);
    else if (booked !== expected) violate(`chunk ${chunk}: the cessions are not the parts and fees of the guarantees issued`);
  }
  for (const chunk of bookedCessions.keys()) if (!expectedCessions.has(chunk)) violate(`chunk ${chunk}: ceded but never issued`);
  for (const id of issuedIds.repeated()) violate(`a guarantee (id hash ${id}) was issued more than once`);
  for (const id of cededIds.repeated()) violate(`a guarantee (id hash ${id}) was ceded more than once`);

  // Second pass: the guarantees something happened to after issue, folded one by one.
  const issuedOf = new Map<string, { principal: bigint; parties: ShareholdingParty[]; programme: string; bank: string }>();
  if (serviced.size > 0) {
    await eachEvent(db, (e) => {
      if (e.type !== loansDecidedV2.topic) return;
      const d = e.data as LoansDecidedV2;
      d.issued.index.forEach((k, i) => {
        const id = `${d.bank}/${d.loanId[k]}`;
        if (!serviced.has(id)) return;
        const parties = d.terms[d.issued.terms[i]].parties.map((p) => ({ participant: p.participant, role: p.role, sharePct: parseSharePct(p.sharePct)! }));
        issuedOf.set(id, { principal: fen(d.issued.principalFen[i]), parties, programme: d.programme, bank: d.bank });
      });
    });
  }
  const outstandingByProgramme = new Map<string, bigint>();
  for (const [key, t] of totals) if (key.startsWith('programme:')) outstandingByProgramme.set(key.slice('programme:'.length), t.outstanding);
  for (const [id, s] of serviced) {
    const issued = issuedOf.get(id);
    if (!issued) {
      violate(`${id}: repaid, claimed or recovered but never issued`);
      continue;
    }
    if (s.claims.length > 1) violate(`${id}: claimed ${s.claims.length} times`);
    let outstanding = issued.principal;
    let released: string | undefined;
    for (const c of [...s.changes].sort((a, b) => a.sequence - b.sequence)) {
      if (released) violate(`${id}: ${c.kind === 'claim' ? 'claimed' : `repaid on ${c.date}`} after its release`);
      outstanding -= c.amount;
      if (outstanding < 0n || outstanding > issued.principal) violate(`${id}: outstanding ${outstanding} after the ${c.kind} of ${c.date}`);
      if (c.released) released = c.date;
    }
    if (released && outstanding !== 0n) violate(`${id}: released with ${outstanding} outstanding`);
    checkClaims(id, s, violate);
    outstandingByProgramme.set(issued.programme, (outstandingByProgramme.get(issued.programme) ?? 0n) - issued.principal + outstanding);
    for (const key of slicesOf(issued.programme, issued.bank)) {
      const t = at(key);
      // its risk as issued out, its risk as it stands in
      for (const part of splitByShares(issued.principal, issued.parties)) {
        add(t.risk, part.participant, -part.amount);
        if (outstanding === 0n) add(t.parties, part.participant, -1n);
      }
      if (outstanding > 0n) for (const part of splitByShares(outstanding, issued.parties)) add(t.risk, part.participant, part.amount);
      t.outstanding += outstanding - issued.principal;
      if (released) {
        t.released++;
        t.releasedPrincipal += issued.principal;
      }
      for (const c of s.claims) {
        t.claims++;
        t.compensation += fen(c.compensationFen);
        for (const p of c.support) add(t.support, p.participant, fen(p.amountFen));
      }
      for (const r of s.recoveries) for (const p of r.parts) add(t.recoveries, p.participant, fen(p.amountFen));
    }
  }
  await checkQuotas(db, outstandingByProgramme, violate);

  // The figures the projections answer, for the whole period of the log, against the events' sums.
  const differences: AuditReport['differences'] = [];
  let compared = 0;
  const slices: [string, Slice][] = [...totals.keys()].map((k) => [k, k === 'all' ? {} : k.startsWith('programme:') ? { programme: k.slice(10) } : { bank: k.slice(5) }]);
  if (totals.size > 0 && dates.min <= dates.max) {
    const period = { from: dates.min, to: dates.max };
    for (const [key, slice] of slices) {
      const expected = expectedFigures(totals.get(key)!);
      const actual = (await figures(db, { ...period, slice })) as Record<string, unknown>;
      for (const [name, value] of Object.entries(expected)) {
        compared++;
        if (JSON.stringify(actual[name]) !== JSON.stringify(value)) differences.push({ figure: name, slice, period, projection: actual[name], events: value });
      }
    }
  }
  return { events, guarantees: issuedIds.size, violations, differences, checked: { slices: slices.length, figures: compared } };
}

function checkClaims(id: string, s: Serviced, violate: (v: string) => void): void {
  const claim = s.claims[0];
  if (!claim) {
    if (s.recoveries.length > 0) violate(`${id}: recovered without a claim`);
    return;
  }
  const claimAmount = fen(claim.claimAmountFen);
  const parts = claim.parts.map((p) => fen(p.amountFen));
  const losses = claim.losses.map((p) => fen(p.amountFen));
  if (sum(parts) !== claimAmount) violate(`${id}: claim parts sum to ${sum(parts)}, not ${claimAmount}`);
  if (sum(losses) !== claimAmount) violate(`${id}: losses sum to ${sum(losses)}, not ${claimAmount}`);
  if (losses.some((l) => l < 0n)) violate(`${id}: a negative loss`);
  const bankPart = fen(claim.parts.find((p) => p.role === 'bank')?.amountFen ?? '0');
  if (fen(claim.compensationFen) !== claimAmount - bankPart) violate(`${id}: compensation ${claim.compensationFen} is not the non-bank parts ${claimAmount - bankPart}`);
  for (const sp of claim.support) {
    const part = claim.parts.find((p) => p.participant === sp.participant);
    if (!part || sp.amountFen !== part.amountFen) violate(`${id}: ${sp.participant} supported ${sp.amountFen}, its part is ${part?.amountFen}`);
  }
  let recovered = 0n;
  for (const r of s.recoveries) {
    const rparts = r.parts.map((p) => fen(p.amountFen));
    if (sum(rparts) !== fen(r.amountFen)) violate(`${id}: recovery parts sum to ${sum(rparts)}, not ${r.amountFen}`);
    recovered += fen(r.amountFen);
  }
  if (recovered > claimAmount) violate(`${id}: recovered ${recovered}, more than the ${claimAmount} lost`);
}

/** A programme's outstanding principal never above its quota: checked at the end of the log. */
async function checkQuotas(db: Database, outstanding: Map<string, bigint>, violate: (v: string) => void): Promise<void> {
  for (const [programme, o] of outstanding) {
    const versions = await programmeVersions(db, SCHEMA, programme);
    const quota = versions.length > 0 ? parseYuan(versions[versions.length - 1].programme_quota) : null;
    if (quota !== null && o > quota) violate(`programme ${programme}: outstanding ${formatYuan(o)} above its quota ${formatYuan(quota)}`);
  }
}

/** The figures the audit compares, in the projection's formats. */
function expectedFigures(t: Totals) {
  const byParty = (m: Map<string, bigint>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, formatYuan(v)]));
  const inForce = new Map([...t.risk].filter(([k]) => (t.parties.get(k) ?? 0n) > 0n));
  return {
    new_guarantees: { count: t.issued, principal: formatYuan(t.principal) },
    outstanding_balance: formatYuan(t.outstanding),
    guarantee_fees: formatYuan(t.fees),
    reguarantee_fees: byParty(t.reguaranteeFees),
    released: { count: t.released, principal: formatYuan(t.releasedPrincipal) },
    compensation: { count: t.claims, amount: formatYuan(t.compensation), rate_pct: decimalRatio(t.compensation * 100n, t.releasedPrincipal) },
    support: byParty(t.support),
    recoveries: byParty(t.recoveries),
    risk_borne: byParty(inForce),
  };
}

/** Every event of reporting's log, page by page, in log order. */
async function eachEvent(db: Database, see: (e: StoredEvent) => void): Promise<void> {
  for (let at = START; ; ) {
    const page = await store.readAll(db, at, 50);
    if (page.events.length === 0) return;
    at = page.next;
    page.events.forEach(see);
  }
}

/** Guarantee ids as 64-bit hashes: a million of them in 8 MB, sorted to find the ones seen twice. */
class IdHashes {
  private hashes = new BigUint64Array(1 << 16);
  size = 0;

  add(id: string): void {
    if (this.size === this.hashes.length) {
      const bigger = new BigUint64Array(this.hashes.length * 2);
      bigger.set(this.hashes);
      this.hashes = bigger;
    }
    this.hashes[this.size++] = createHash('sha256').update(id).digest().readBigUInt64BE(0);
  }

  repeated(): string[] {
    const sorted = this.hashes.subarray(0, this.size).sort();
    const out: string[] = [];
    for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1] && (out.length === 0 || out[out.length - 1] !== sorted[i].toString(16))) out.push(sorted[i].toString(16));
    return out;
  }
}

export type { Part };
