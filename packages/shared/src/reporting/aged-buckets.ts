// The aged balance's bucket columns, as reporting.aged_balance and its siblings name them, in
// the order a finance team reads them.
export const AGED_BUCKETS = [
  'not_due',
  'days_1_30',
  'days_31_60',
  'days_61_90',
  'days_91_120',
  'older',
] as const;

export type AgedBucket = (typeof AGED_BUCKETS)[number];
