/** Error codes of mergeCustomers and mergeThreads (issue 10 §5). */
export const MERGE_ERRORS = {
  MERGE_SAME_RECORD: 'A record cannot be merged into itself.',
  MERGE_ALREADY_MERGED: 'This record was already merged into another one.',
  MERGE_CUSTOMER_MISMATCH: 'Only threads of the same customer can be merged: merge the customers first.',
} as const;
