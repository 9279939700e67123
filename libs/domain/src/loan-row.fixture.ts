import type { LoanRowField } from './loan-row';

/** A loan row every rule accepts, as a bank writes it: a small Fujian manufacturer with the domain's USCC example. For tests. */
export const VALID_LOAN_ROW: Readonly<Record<LoanRowField, string>> = {
  loan_id: 'IOU-2025-000001',
  borrower_id_type: 'USCC',
  borrower_id: '91350100M000100Y43',
  borrower_name: '福州明辉机械有限公司',
  borrower_type: 'small',
  industry_code: 'C1311',
  region_code: '350100',
  sci_tech: 'N',
  agri_related: 'Y',
  principal: '1500000.00',
  currency: 'CNY',
  interest_rate_pct: '4.47',
  guarantee_fee_rate_pct: '0.62',
  disbursed_on: '2025-06-01',
  matures_on: '2026-05-31',
};
