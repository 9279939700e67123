import { CLAIM_FIELDS, LOAN_ROW_FIELDS, RECOVERY_FIELDS, REPAYMENT_FIELDS, underwritingRules } from '@g2g/domain';
import { BatchKind } from './batch-api';

/**
 * What the client says about each kind of batch: its command words, the fields of its file, and
 * how its rows end (domain.md section 4). The upload, polling and paging are the same for all.
 */
export interface BatchKindSpec {
  kind: BatchKind;
  /** the first word of its commands: `g2g batch submit`, `g2g claims submit` */
  command: string;
  /** for people: "loan batch", "claims batch" */
  noun: string;
  /** the loan batch names its programme; the later interfaces name only loans the bank filed */
  needsProgramme: boolean;
  /** the outcome of a row that went through */
  goodOutcome: 'approved' | 'accepted';
  /** the service that decides the valid rows */
  decidedBy: string;
  fields: readonly string[];
  /** rejection codes, in the order they are tried */
  rejections: readonly string[];
  /** one line on what the rows do */
  meaning: string;
  /** the command list's line for `submit` */
  submitSummary: string;
  /** a short example file (the later interfaces) */
  example?: string;
}

export const LOAN_BATCH: BatchKindSpec = {
  kind: 'loans',
  command: 'batch',
  noun: 'loan batch',
  needsProgramme: true,
  goodOutcome: 'approved',
  decidedBy: 'underwriting',
  fields: LOAN_ROW_FIELDS,
  // the rules' codes in their order but the gate (reported alone, like PROGRAMME_NOT_EFFECTIVE)
  rejections: underwritingRules.filter((r) => !r.gate).map((r) => r.code),
  meaning: 'loans to guarantee under a programme',
  submitSummary: 'upload a loan batch file and wait for every row to be decided',
};

export const REPAYMENTS: BatchKindSpec = {
  kind: 'repayments',
  command: 'repayments',
  noun: 'repayments batch',
  needsProgramme: false,
  goodOutcome: 'accepted',
  decidedBy: 'compensation',
  fields: REPAYMENT_FIELDS,
  rejections: ['NOT_IN_FORCE', 'OVERPAYMENT'],
  meaning: 'principal repaid (yuan); a loan repaid to zero is released',
  submitSummary: 'upload repayments of guaranteed loans and wait for every row to be decided',
  example: 'loan_id,amount,repaid_on\nICBC-1-00000001,500000.00,2025-06-30',
};

export const CLAIMS: BatchKindSpec = {
  kind: 'claims',
  command: 'claims',
  noun: 'claims batch',
  needsProgramme: false,
  goodOutcome: 'accepted',
  decidedBy: 'compensation',
  fields: CLAIM_FIELDS,
  rejections: ['NOT_IN_FORCE', 'GRACE_PERIOD', 'AMOUNT_MISMATCH', 'INTEREST_ABOVE_PRINCIPAL', 'ALREADY_CLAIMED'],
  meaning: 'defaulted loans claimed from the guarantor, for their outstanding principal',
  submitSummary: 'upload claims on defaulted loans and wait for compensation to decide each',
  example: 'loan_id,overdue_since,claimed_on,unpaid_principal,unpaid_interest\nICBC-1-00000002,2025-06-01,2025-09-01,200000.00,3500.00',
};

export const RECOVERIES: BatchKindSpec = {
  kind: 'recoveries',
  command: 'recoveries',
  noun: 'recoveries batch',
  needsProgramme: false,
  goodOutcome: 'accepted',
  decidedBy: 'compensation',
  fields: RECOVERY_FIELDS,
  rejections: ['NOT_CLAIMED', 'OVER_RECOVERY'],
  meaning: 'money recovered from borrowers of claimed loans, shared by the loss each party bore',
  submitSummary: 'upload recoveries on claimed loans and wait for every row to be decided',
  example: 'loan_id,amount,recovered_on\nICBC-1-00000002,50000.00,2025-11-15',
};

export const SERVICING_KINDS: readonly BatchKindSpec[] = [REPAYMENTS, CLAIMS, RECOVERIES];

export const KIND_SPECS: Readonly<Record<BatchKind, BatchKindSpec>> = { loans: LOAN_BATCH, repayments: REPAYMENTS, claims: CLAIMS, recoveries: RECOVERIES };

