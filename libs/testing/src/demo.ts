/** The demo participants (domain.md): two banks, the guarantor, the re-guarantor, the Fund and the regulator. */
export const DEMO_PARTICIPANTS = [
  { code: 'ICBC', kind: 'bank', name: 'Industrial and Commercial Bank of China' },
  { code: 'BOC', kind: 'bank', name: 'Bank of China' },
  { code: 'BJ-GUOHUA', kind: 'guarantor', name: 'Beijing Guohua guarantee', net_assets: '2000000000.00' },
  { code: 'BJ-REG', kind: 'reguarantor', name: 'Beijing Re-Guarantee' },
  { code: 'NFGF', kind: 'fund', name: 'National Financing Guarantee Fund' },
  { code: 'NFRA', kind: 'regulator', name: 'Regulator' },
];
