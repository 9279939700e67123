import {
  BreakerApproachedV1,
  ClaimPaidV1,
  GuaranteeCededV1,
  GuaranteeIssuedV1,
  GuaranteesCededV2,
  LoansDecidedV2,
  RecoverySharedV1,
  ReleaseReminderV1,
  ReleaseRemindersV1,
  ServicingDecidedV2,
  breakerApproachedV1,
  claimPaidV1,
  guaranteeCededV1,
  guaranteeIssuedV1,
  guaranteesCededV2,
  loansDecidedV2,
  programmeResumedV1,
  programmeSuspendedV1,
  recoverySharedV1,
  releaseReminderV1,
  releaseRemindersV1,
  riskLabelledV1,
  risksLabelledV1,
  servicingDecidedV2,
} from '@g2g/contracts';
import { parseSharePct, splitByShares } from '@g2g/domain';
import { Database, EVENT_COLUMNS, EventRow } from '@g2g/event-store';
import { Allow, Caller, CallerOf, validated } from '@g2g/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { SCHEMA, store } from '../record-log/record-log.consumer';
import { FEED_MESSAGE_NAMES, FeedParams } from './feed-params';
import { riskLabelMessages } from '../risk-labels/risk-labels';

/** A feed message's number: its event's place in reporting's log, and its place within the event. */
const PER_EVENT = 10_000n;

export interface FeedMessage {
  seq: number;
  topic: string;
  key: string;
  value: unknown;
  recorded_at: string;
}

/**
 * A participant's feed (guarantors, re-guarantors, the Fund, banks, regulators): one message per
 * guarantee for the approvals, cessions, claims and recoveries it is a party to and the release
 * reminders of its guarantees (a bank's own, a guarantor's), its programmes' suspensions and
 * resumptions, and the early warnings it is named in, in log order; `after` is the cursor (the `seq` of the last message
 * read). The feed table points into the log (one row per event and participant); the messages
 * are rendered from the events when read, in the shapes of the v1 contracts.
 */
@Controller('feed')
export class FeedController {
  constructor(private readonly db: Database) {}

  @Get()
  // a regulator's feed holds the early warnings of the breakers
  @Allow('guarantor', 'reguarantor', 'fund', 'bank', 'regulator')
  async read(@CallerOf() caller: Caller, @Query(validated(FeedParams)) q: FeedParams) {
    const take = q.limit;
    const from = q.after;
    const names = q.names();
    // with `only`, the events that can hold those messages, and of what they hold, those messages
    const types = names ? [...new Set(names.map((n) => LOGGED_AS[n as keyof typeof LOGGED_AS]))] : null;
    const wanted = names ? new Set(names.map((n) => `.${n}.`)) : null;
    const messages: FeedMessage[] = [];
    for (let position = from / PER_EVENT; messages.length < take; ) {
      const rows = await this.db.query<EventRow>(
        `select ${EVENT_COLUMNS} from ${SCHEMA}.events e
          where e.global_position in (select f.position from ${SCHEMA}.r_feed f where f.participant = $1 and f.position >= $2::bigint
                                         ${types ? `and exists (select 1 from ${SCHEMA}.events t where t.global_position = f.position and t.type = any($3::text[]))` : ''}
                                       order by f.position limit 20)
          order by e.global_position`,
        types ? [caller.code, position.toString(), types] : [caller.code, position.toString()],
      );
      if (rows.length === 0) break;
      for (const r of rows) {
        const e = store.toStored(r);
        for (const m of render(caller.code, e.globalPosition, e.type, e.data, String(e.metadata.recordedAt ?? e.recordedAt.toISOString()))) {
          if (wanted && ![...wanted].some((w) => m.topic.includes(w))) continue;
          if (BigInt(m.seq) > from && messages.length < take) messages.push(m);
        }
      }
      position = BigInt(rows[rows.length - 1].global_position) + 1n;
    }
    return { participant: caller.code, messages, next: messages.length > 0 ? messages[messages.length - 1].seq : Number(from) };
  }
}

/** The event of reporting's log each message of a feed is rendered from. */
const LOGGED_AS: Record<(typeof FEED_MESSAGE_NAMES)[number], string> = {
  'guarantee-issued': loansDecidedV2.topic,
  'guarantee-ceded': guaranteesCededV2.topic,
  'claim-paid': servicingDecidedV2.topic,
  'recovery-shared': servicingDecidedV2.topic,
  'programme-suspended': programmeSuspendedV1.topic,
  'programme-resumed': programmeResumedV1.topic,
  'breaker-approached': breakerApproachedV1.topic,
  'release-reminder': releaseRemindersV1.topic,
  'risk-labelled': risksLabelledV1.topic,
};

/** The messages of one logged event that concern a participant. */
export function render(participant: string, position: bigint, type: string, data: any, recordedAt: string): FeedMessage[] {
  const seq = (k: number) => Number(position * PER_EVENT + BigInt(k));
  if (type === loansDecidedV2.topic) return issuedMessages(data, participant).map(({ k, value }) => ({ seq: seq(k), topic: guaranteeIssuedV1.topic, key: value.guaranteeId, value, recorded_at: recordedAt }));
  if (type === guaranteesCededV2.topic) return cededMessages(data, participant).map(({ k, value }) => ({ seq: seq(k), topic: guaranteeCededV1.topic, key: value.guaranteeId, value, recorded_at: recordedAt }));
  if (type === servicingDecidedV2.topic) {
    const d = data as ServicingDecidedV2;
    const mine = (parts: { participant: string }[]) => parts.some((p) => p.participant === participant);
    const out: FeedMessage[] = [];
    for (const { index, ...value } of d.claims) if (mine(value.parts)) out.push({ seq: seq(index), topic: claimPaidV1.topic, key: value.guaranteeId, value: value as ClaimPaidV1, recorded_at: recordedAt });
    for (const { index, ...value } of d.recoveries) if (mine(value.parts)) out.push({ seq: seq(index), topic: recoverySharedV1.topic, key: value.guaranteeId, value: value as RecoverySharedV1, recorded_at: recordedAt });
    return out.sort((a, b) => a.seq - b.seq);
  }
  if (type === risksLabelledV1.topic) return riskLabelMessages(data, participant).map(({ k, value }) => ({ seq: seq(k), topic: riskLabelledV1.topic, key: value.guaranteeId, value, recorded_at: recordedAt }));
  if (type === releaseRemindersV1.topic) return reminderMessages(data, participant).map(({ k, value }) => ({ seq: seq(k), topic: releaseReminderV1.topic, key: value.guaranteeId, value, recorded_at: recordedAt }));
  if (type === breakerApproachedV1.topic) {
    const w = data as BreakerApproachedV1;
    return w.recipients.some((r) => r.participant === participant) ? [{ seq: seq(0), topic: type, key: w.programme, value: w, recorded_at: recordedAt }] : [];
  }
  if (type === programmeSuspendedV1.topic || type === programmeResumedV1.topic) return [{ seq: seq(0), topic: type, key: data.programme, value: data, recorded_at: recordedAt }];
  return [];
}

/** The guarantees of a decided chunk a participant is party to (not as the bank), as guarantee-issued.v1. */
export function issuedMessages(d: LoansDecidedV2, participant: string): { k: number; value: GuaranteeIssuedV1 }[] {
  const g = d.issued;
  const out: { k: number; value: GuaranteeIssuedV1 }[] = [];
  g.index.forEach((k, i) => {
    const t = d.terms[g.terms[i]];
    if (participant !== '' && !t.parties.some((p) => p.participant === participant && p.role !== 'bank')) return;
    const principal = BigInt(g.principalFen[i]);
    const risks = splitByShares(principal, t.parties.map((p) => ({ participant: p.participant, role: p.role, sharePct: parseSharePct(p.sharePct)! })));
    out.push({
      k,
      value: {
        guaranteeId: `${d.bank}/${d.loanId[k]}`,
        bank: d.bank,
        loanId: d.loanId[k],
        batchRef: d.batchRef,
        row: d.row[k],
        programme: d.programme,
        programmeVersion: t.programmeVersion,
        province: t.province,
        fundBacked: t.fundBacked,
        borrower: { idType: g.borrowerIdType[i], id: g.borrowerId[i], name: g.borrowerName[i], type: g.borrowerType[i] },
        industryCode: g.industryCode[i],
        industrySection: g.industrySection[i],
        regionCode: g.regionCode[i],
        sciTech: g.sciTech[i] === 'Y',
        agriRelated: g.agriRelated[i] === 'Y',
        inclusive: g.inclusive[i] === 'Y',
        principalFen: g.principalFen[i],
        interestRatePct: g.interestRatePct[i],
        guaranteeFeeRatePct: g.guaranteeFeeRatePct[i],
        disbursedOn: g.disbursedOn[i],
        maturesOn: g.maturesOn[i],
        termDays: g.termDays[i],
        guaranteeFeeFen: g.guaranteeFeeFen[i],
        parties: t.parties.map((p, j) => ({ role: p.role, participant: p.participant, sharePct: p.sharePct, riskFen: risks[j].amount.toString() })),
        reguaranteeFeePct: g.reguaranteeFeePct[i],
        issuedOn: g.disbursedOn[i],
        decidedAt: d.decidedAt,
        ...(g.lists ? { lists: g.lists[i] } : {}),
      },
    });
  });
  return out;
}

/** The cessions of a chunk a participant is party to (as guarantor, re-guarantor or Fund), as guarantee-ceded.v1. */
export function cededMessages(d: GuaranteesCededV2, participant: string): { k: number; value: GuaranteeCededV1 }[] {
  const c = d.guarantees;
  const out: { k: number; value: GuaranteeCededV1 }[] = [];
  c.loanId.forEach((loanId, i) => {
    const cessions = d.parts.filter((p) => p.riskFen[i] !== '');
    if (participant !== '' && c.guarantor[i] !== participant && !cessions.some((p) => p.participant === participant)) return;
    out.push({
      k: i,
      value: {
        guaranteeId: `${d.bank}/${loanId}`,
        programme: d.programme,
        bank: d.bank,
        guarantor: c.guarantor[i],
        principalFen: c.principalFen[i],
        termDays: c.termDays[i],
        cededOn: c.cededOn[i],
        statementMonth: c.cededOn[i].slice(0, 7),
        cessions: cessions.map((p) => ({ role: p.role, participant: p.participant, riskFen: p.riskFen[i], feePct: c.feePct[i], reguaranteeFeeFen: p.feeFen[i] })),
      },
    });
  });
  return out;
}

/** The reminders of a run a participant reads: the bank all of its own, a guarantor those of its guarantees, as release-reminder.v1. */
export function reminderMessages(d: ReleaseRemindersV1, participant: string): { k: number; value: ReleaseReminderV1 }[] {
  return d.reminders.flatMap((r, k) =>
    participant === d.bank || participant === r.guarantor ? [{ k, value: { ...r, bank: d.bank, remindedOn: d.remindedOn, recordedAt: d.recordedAt } }] : [],
  );
}
