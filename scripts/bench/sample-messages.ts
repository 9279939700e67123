import { LoansFiledV2, loansFiledV2 } from '@g2g/contracts';
import { validateLoanRow } from '@g2g/domain';
import { generateRows } from '../../apps/cli/src/generate/generate-batch';
import { batchKinds } from '../../apps/intake/src/file-batch/batch-kinds';

/**
 * One message per loan for the ceiling measurements: each generated loan's columns of a real
 * loans-filed.v2 chunk (built exactly as intake builds it), as one JSON object, about 300 bytes.
 */
export interface SampleMessage {
  key: string;
  /** the JSON text of the message value */
  value: string;
}

export function sampleLoanFiledMessages(count: number, seed = 424242): SampleMessage[] {
  const out: SampleMessage[] = [];
  const filedAt = new Date('2026-01-01T00:00:00Z').toISOString();
  for (const generated of generateRows({ rows: count * 2, bank: 'ICBC', seed, format: 'csv' })) {
    if (out.length >= count) break;
    const checked = validateLoanRow(generated.values);
    if (!checked.ok) continue;
    const header = { bank: 'ICBC', kind: 'loans' as const, batchRef: 'bench-ceiling', programme: 'NFGF-G2G-BJ-2025', format: 'csv' as const };
    const chunk = batchKinds.loans.filed(header, generated.n, [{ row: generated.n, loanId: checked.row.loanId, value: checked.row }], filedAt).data as LoansFiledV2;
    const loan = Object.fromEntries(Object.entries(chunk.loans).map(([k, v]) => [k, v[0]]));
    out.push({ key: `ICBC/${checked.row.loanId}`, value: JSON.stringify({ bank: chunk.bank, batchRef: chunk.batchRef, programme: chunk.programme, ...loan }) });
  }
  return out;
}

export const LOAN_FILED_TOPIC = loansFiledV2.topic;

export function averageBytes(messages: readonly SampleMessage[]): number {
  if (messages.length === 0) return 0;
  return messages.reduce((s, m) => s + Buffer.byteLength(m.value), 0) / messages.length;
}
