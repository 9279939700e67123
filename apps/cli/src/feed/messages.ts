import { formatFen, formatShare, formatPercent } from '../format';

/**
 * One line for people about a message of the published contract (docs/contracts.md), as it
 * appears in a participant's feed or a loan's history. Money in the contracts is integer fen.
 * `participant`, when given, is the reader: its own part is named.
 */

type Value = Record<string, unknown>;
interface AmountByParty {
  role: string;
  participant: string;
  amountFen: string;
}

/** "g2g.compensation.claim-paid.v1" -> "claim-paid" */
export function messageName(topic: string): string {
  const m = /^g2g\.[a-z-]+\.([a-z0-9-]+)\.v\d+$/.exec(topic);
  return m ? m[1] : topic;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '?' : String(v));
const fen = (v: unknown): string => formatFen(str(v));
const parts = (v: unknown): AmountByParty[] => (Array.isArray(v) ? (v as AmountByParty[]) : []);
const byParty = (list: AmountByParty[]): string => list.map((p) => `${p.participant} ${fen(p.amountFen)}`).join(', ');

/** "; BJ-REG's loss 200,000.00" for the reader, when it is among the parties. */
function own(list: AmountByParty[], participant: string | undefined, noun: string): string {
  const mine = participant ? list.find((p) => p.participant === participant) : undefined;
  return mine ? `; ${mine.participant}'s ${noun} ${fen(mine.amountFen)}` : '';
}

export function describeMessage(topic: string, value: unknown, participant?: string): string {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Value;
  switch (messageName(topic)) {
    case 'loan-filed':
      return `filed in batch ${str(v.batchRef)} row ${str(v.row)}: principal ${fen(v.principalFen)}, ${str(v.disbursedOn)} to ${str(v.maturesOn)}`;
    case 'guarantee-issued': {
      const risks = parts(v.parties).map((p) => ({ role: p.role, participant: p.participant, amountFen: (p as unknown as { riskFen: string }).riskFen }));
      return `issued under ${str(v.programme)}: principal ${fen(v.principalFen)}, fee ${fen(v.guaranteeFeeFen)}; risk ${byParty(risks)}`;
    }
    case 'loan-rejected':
      return `rejected: ${(Array.isArray(v.codes) ? v.codes : []).join(', ')}`;
    case 'guarantee-ceded': {
      const cessions = (Array.isArray(v.cessions) ? v.cessions : []) as { participant: string; riskFen: string; reguaranteeFeeFen: string }[];
      return `ceded (statement ${str(v.statementMonth)}): ${cessions.map((c) => `${c.participant} risk ${fen(c.riskFen)}, fee ${fen(c.reguaranteeFeeFen)}`).join('; ')}`;
    }
    case 'guarantee-repaid':
      return `repaid ${fen(v.amountFen)}, outstanding ${fen(v.outstandingAfterFen)}${v.released === true ? ': released' : ''}`;
    case 'claim-paid': {
      const support = parts(v.support);
      const fund = v.fundPaid === false ? '; the Fund paid no support (over its cap)' : '';
      return (
        `claimed (overdue since ${str(v.overdueSince)}): compensation ${fen(v.compensationFen)} of ${fen(v.claimAmountFen)}; ` +
        `support ${support.length > 0 ? byParty(support) : 'none'}${fund}${own(parts(v.losses), participant, 'loss')}`
      );
    }
    case 'recovery-shared':
      return `recovered ${fen(v.amountFen)} (total ${fen(v.recoveredTotalFen)}): ${byParty(parts(v.parts))}`;
    case 'programme-suspended':
      return `programme ${str(v.programme)} suspended: loss ratio ${formatShare(str(v.lossRatio))} above the breaker ${formatPercent(str(v.breakerPct))} (claim ${str(v.guaranteeId)})`;
    case 'programme-resumed':
      return `programme ${str(v.programme)} resumed`;
    default: {
      const text = JSON.stringify(value);
      return text.length > 120 ? `${text.slice(0, 117)}...` : text;
    }
  }
}

/** The business date a message carries (domain.md 2), or '' when it has none. */
export function businessDateOf(topic: string, value: unknown): string {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Value;
  const field: Record<string, string> = {
    'loan-filed': 'disbursedOn',
    'guarantee-issued': 'issuedOn',
    'guarantee-ceded': 'cededOn',
    'guarantee-repaid': 'repaidOn',
    'claim-paid': 'claimedOn',
    'recovery-shared': 'recoveredOn',
    'programme-suspended': 'suspendedOn',
    'programme-resumed': 'resumedOn',
  };
  const name = field[messageName(topic)];
  return name && typeof v[name] === 'string' ? (v[name] as string) : '';
}
