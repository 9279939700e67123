import { loanFiledV1 } from '@g2g/contracts';
import { validateLoanRow } from '@g2g/domain';
import { generateRows } from '../../apps/cli/src/generate/generate-batch';
import { loanFiled } from '../../apps/intake/src/file-batch/batch-kinds';

/**
 * Real loan-filed messages (g2g.intake.loan-filed.v1), built exactly as intake builds them from
 * generated rows, for the ceiling measurements: the same shape and size as what the platform
 * writes to its outbox and sends over Kafka.
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
    const filed = loanFiled({ bank: 'ICBC', batchRef: 'bench-ceiling', programme: 'NFGF-G2G-BJ-2025', row: generated.n }, checked.row, filedAt);
    out.push({ key: filed.guaranteeId, value: JSON.stringify(filed) });
  }
  return out;
}

export const LOAN_FILED_TOPIC = loanFiledV1.topic;

export function averageBytes(messages: readonly SampleMessage[]): number {
  if (messages.length === 0) return 0;
  return messages.reduce((s, m) => s + Buffer.byteLength(m.value), 0) / messages.length;
}
