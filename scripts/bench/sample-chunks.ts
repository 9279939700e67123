import { GuaranteesCededV2, LoansDecidedV2, LoansFiledV2, ServicingFiledV2 } from '@g2g/contracts';
import { decideChunk, emptyBook, readProgramme, validateClaimRow, validateLoanRow, validateRecoveryRow, validateRepaymentRow } from '@g2g/domain';
import { cessionOf } from '../../apps/cession/src/cede-guarantee/cede-guarantee';
import { generateRows } from '../../apps/cli/src/generate/generate-batch';
import { batchKinds } from '../../apps/intake/src/file-batch/batch-kinds';
import { loanChunkOf, loansDecided } from '../../apps/underwriting/src/decide-loans/decide-loans';
import { demoProgrammeDocument } from '../../libs/domain/src/programme/demo-programme.fixture';

/**
 * Chunk messages as the producers build them, without a database: intake's loans-filed of
 * generated rows (the CLI's generator), underwriting's decision of it under the demo programme,
 * cession's cession of that, and intake's servicing chunks for the same loans.
 */
export interface ProducedChunks {
  filed: LoansFiledV2;
  decided: LoansDecidedV2;
  ceded: GuaranteesCededV2;
  servicing: ServicingFiledV2[];
}

export function producedChunks(loans = 1000, seed = 20260105, servicingRows = 50): ProducedChunks {
  const now = new Date('2026-01-05T08:00:00.000Z');
  const header = { bank: 'ICBC', kind: 'loans' as const, batchRef: 'contract-sample', programme: demoProgrammeDocument.id, format: 'csv' as const };
  const admitted = [];
  for (const generated of generateRows({ rows: loans * 2, bank: 'ICBC', seed, format: 'csv' })) {
    if (admitted.length >= loans) break;
    const checked = validateLoanRow(generated.values);
    if (checked.ok) admitted.push({ row: generated.n, loanId: checked.row.loanId, value: checked.row });
  }
  const filed = batchKinds.loans.filed(header, admitted[0].row, admitted, now.toISOString()).data as LoansFiledV2;

  const read = readProgramme(demoProgrammeDocument);
  if (!read.ok) throw new Error('the demo programme does not read');
  const chunk = loanChunkOf(filed);
  const decision = decideChunk({ ...emptyBook(filed.programme), versions: [read.programme] }, chunk)!;
  const decided = loansDecided(filed, chunk, decision, now);
  const ceded = cessionOf(decided, now)!;

  const issued = decided.issued.index.map((k) => decided.loanId[k]);
  const servicing = (['repayments', 'claims', 'recoveries'] as const).map((kind) => {
    const rows = issued.slice(0, servicingRows).map((loanId, i) => {
      const fields: Record<string, string> =
        kind === 'repayments'
          ? { loan_id: loanId, amount: '1000.00', repaid_on: '2025-06-30' }
          : kind === 'claims'
            ? { loan_id: loanId, overdue_since: '2025-06-01', claimed_on: '2025-09-01', unpaid_principal: '5000.00', unpaid_interest: '12.00' }
            : { loan_id: loanId, amount: '100.00', recovered_on: '2025-11-15' };
      const checked = (kind === 'repayments' ? validateRepaymentRow : kind === 'claims' ? validateClaimRow : validateRecoveryRow)(fields);
      if (!checked.ok) throw new Error(`a sample ${kind} row does not validate: ${JSON.stringify(checked.errors)}`);
      return { row: i + 1, loanId, value: checked.row };
    });
    return batchKinds[kind].filed({ ...header, kind, programme: null }, 1, rows, now.toISOString()).data as ServicingFiledV2;
  });
  return { filed, decided, ceded, servicing };
}
