/**
 * Cession booked the re-guarantors' and the Fund's parts of a chunk of issued guarantees (one
 * loans-decided.v2 message's approved loans), with the re-guarantee fee each charges the
 * guarantor: round(risk x fee pct x term days / 365). Replaces guarantee-ceded.v1.
 *
 * Key: the programme id.
 */
export const guaranteesCededV2 = {
  topic: 'g2g.cession.guarantees-ceded.v2',
  version: 2,
  key: (v: GuaranteesCededV2) => v.programme,
} as const;

export interface GuaranteesCededV2 {
  programme: string;
  bank: string;
  batchRef: string;
  firstRow: number;
  cededAt: string;
  guarantees: {
    loanId: string[];
    guarantor: string[];
    principalFen: string[];
    termDays: number[];
    /** the business date: the loan's disbursement */
    cededOn: string[];
    feePct: string[];
  };
  /** one entry per re-guarantor or Fund of the chunk; '' where it is not a party of that loan */
  parts: { participant: string; role: string; riskFen: string[]; feeFen: string[] }[];
}
