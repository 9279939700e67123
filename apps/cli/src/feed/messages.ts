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

/** The language of a line: English (the g2g client) or Chinese (the console's 中文). */
export type MessageLang = 'en' | 'zh';

/** The names of the messages in Chinese, as the console shows them; English keeps the contract's own names. */
const ZH_NAMES: Record<string, string> = {
  'loan-filed': '已报送',
  'guarantee-issued': '担保生效',
  'loan-rejected': '未通过',
  'guarantee-ceded': '再担保分险',
  'guarantee-repaid': '还款',
  'claim-paid': '代偿',
  'recovery-shared': '追偿分配',
  'programme-suspended': '项目暂停',
  'programme-resumed': '项目恢复',
  'risk-labelled': '风险标签',
  'breaker-approached': '熔断预警',
  'release-reminder': '解保提醒',
};

/** A message's name for people: the contract's own name in English, its Chinese name in Chinese. */
export function messageLabel(topic: string, lang: MessageLang = 'en'): string {
  const name = messageName(topic);
  return lang === 'zh' ? (ZH_NAMES[name] ?? name) : name;
}

/** "; BJ-REG's loss 200,000.00" (or "；BJ-REG 损失 200,000.00") for the reader, when it is among the parties. */
function own(list: AmountByParty[], participant: string | undefined, lang: MessageLang): string {
  const mine = participant ? list.find((p) => p.participant === participant) : undefined;
  if (!mine) return '';
  return lang === 'zh' ? `；${mine.participant} 损失 ${fen(mine.amountFen)}` : `; ${mine.participant}'s loss ${fen(mine.amountFen)}`;
}

export function describeMessage(topic: string, value: unknown, participant?: string, lang: MessageLang = 'en'): string {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Value;
  const zh = lang === 'zh';
  switch (messageName(topic)) {
    case 'loan-filed':
      return zh
        ? `批次 ${str(v.batchRef)} 第 ${str(v.row)} 行报送：本金 ${fen(v.principalFen)}，${str(v.disbursedOn)} 至 ${str(v.maturesOn)}`
        : `filed in batch ${str(v.batchRef)} row ${str(v.row)}: principal ${fen(v.principalFen)}, ${str(v.disbursedOn)} to ${str(v.maturesOn)}`;
    case 'guarantee-issued': {
      const risks = parts(v.parties).map((p) => ({ role: p.role, participant: p.participant, amountFen: (p as unknown as { riskFen: string }).riskFen }));
      const lists = Array.isArray(v.lists) && v.lists.length > 0 ? v.lists.map(str).join(', ') : '';
      return zh
        ? `在 ${str(v.programme)} 下担保：本金 ${fen(v.principalFen)}，担保费 ${fen(v.guaranteeFeeFen)}；风险 ${byParty(risks)}${lists ? `；推荐名单 ${lists}` : ''}`
        : `issued under ${str(v.programme)}: principal ${fen(v.principalFen)}, fee ${fen(v.guaranteeFeeFen)}; risk ${byParty(risks)}${lists ? `; on lists ${lists}` : ''}`;
    }
    case 'loan-rejected': {
      const codes = (Array.isArray(v.codes) ? v.codes : []).join(', ');
      return zh ? `未通过：${codes}` : `rejected: ${codes}`;
    }
    case 'guarantee-ceded': {
      const cessions = (Array.isArray(v.cessions) ? v.cessions : []) as { participant: string; riskFen: string; reguaranteeFeeFen: string }[];
      return zh
        ? `分险（对账月 ${str(v.statementMonth)}）：${cessions.map((c) => `${c.participant} 风险 ${fen(c.riskFen)}，再担保费 ${fen(c.reguaranteeFeeFen)}`).join('；')}`
        : `ceded (statement ${str(v.statementMonth)}): ${cessions.map((c) => `${c.participant} risk ${fen(c.riskFen)}, fee ${fen(c.reguaranteeFeeFen)}`).join('; ')}`;
    }
    case 'guarantee-repaid':
      return zh
        ? `还款 ${fen(v.amountFen)}，余额 ${fen(v.outstandingAfterFen)}${v.released === true ? '：已解保' : ''}`
        : `repaid ${fen(v.amountFen)}, outstanding ${fen(v.outstandingAfterFen)}${v.released === true ? ': released' : ''}`;
    case 'claim-paid': {
      const support = parts(v.support);
      if (zh) {
        const fund = v.fundPaid === false ? '；国家融担基金未分担（超出其上限）' : '';
        return (
          `代偿（逾期自 ${str(v.overdueSince)}）：代偿 ${fen(v.compensationFen)}，索赔 ${fen(v.claimAmountFen)}；` +
          `分担 ${support.length > 0 ? byParty(support) : '无'}${fund}${own(parts(v.losses), participant, lang)}`
        );
      }
      const fund = v.fundPaid === false ? '; the Fund paid no support (over its cap)' : '';
      return (
        `claimed (overdue since ${str(v.overdueSince)}): compensation ${fen(v.compensationFen)} of ${fen(v.claimAmountFen)}; ` +
        `support ${support.length > 0 ? byParty(support) : 'none'}${fund}${own(parts(v.losses), participant, lang)}`
      );
    }
    case 'recovery-shared':
      return zh
        ? `追偿 ${fen(v.amountFen)}（累计 ${fen(v.recoveredTotalFen)}）：${byParty(parts(v.parts))}`
        : `recovered ${fen(v.amountFen)} (total ${fen(v.recoveredTotalFen)}): ${byParty(parts(v.parts))}`;
    case 'programme-suspended':
      return zh
        ? `项目 ${str(v.programme)} 暂停：损失率 ${formatShare(str(v.lossRatio))} 超过熔断线 ${formatPercent(str(v.breakerPct))}（代偿 ${str(v.guaranteeId)}）`
        : `programme ${str(v.programme)} suspended: loss ratio ${formatShare(str(v.lossRatio))} above the breaker ${formatPercent(str(v.breakerPct))} (claim ${str(v.guaranteeId)})`;
    case 'programme-resumed':
      return zh ? `项目 ${str(v.programme)} 恢复` : `programme ${str(v.programme)} resumed`;
    case 'breaker-approached':
      return zh
        ? `项目 ${str(v.programme)} 熔断预警：损失率 ${formatShare(str(v.lossRatio))} 达到预警线 ${formatPercent(str(v.warningPct))}（熔断线 ${formatPercent(str(v.breakerPct))}；代偿 ${str(v.guaranteeId)}）`
        : `programme ${str(v.programme)} near its breaker: loss ratio ${formatShare(str(v.lossRatio))} at or above the warning line ${formatPercent(str(v.warningPct))} (breaker ${formatPercent(str(v.breakerPct))}; claim ${str(v.guaranteeId)})`;
    case 'release-reminder':
      return zh
        ? `解保提醒：${str(v.maturesOn)} 到期后第 ${str(v.daysPastMaturity)} 天，余额 ${fen(v.outstandingFen)} 未解保（担保机构 ${str(v.guarantor)}）`
        : `release reminder: day ${str(v.daysPastMaturity)} after maturity on ${str(v.maturesOn)}, outstanding ${fen(v.outstandingFen)} not released (guarantor ${str(v.guarantor)})`;
    case 'risk-labelled': {
      const labels = (Array.isArray(v.labels) ? v.labels : []) as { code: string; reason: string; contribution?: string }[];
      const said = labels.map((l) => `${l.code} (${l.reason}${l.contribution ? `; ${l.contribution}` : ''})`).join('; ');
      return zh
        ? `风险评分 ${str(v.score)}（模型 ${str(v.modelVersion)}）${labels.length > 0 ? `：${said}` : '，无标签'}`
        : `risk score ${str(v.score)} (model ${str(v.modelVersion)})${labels.length > 0 ? `: ${said}` : ', no label'}`;
    }
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
    'risk-labelled': 'issuedOn',
    'breaker-approached': 'warnedOn',
    'release-reminder': 'dueOn',
  };
  const name = field[messageName(topic)];
  return name && typeof v[name] === 'string' ? (v[name] as string) : '';
}
