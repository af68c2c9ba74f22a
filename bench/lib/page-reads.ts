// The reads the report page makes (web/src/main.ts through web/src/api.ts) over /rest/v1, by
// name: what a dashboard reader asks for, as of today and as of a picked date.
import type { Api } from './bench-stack.ts';

const isoDaysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

/** As-of dates spread over the books (the picker's cost depends on how much was open then). */
export const AS_OF_DATES = Array.from({ length: 17 }, (_, i) => isoDaysAgo(30 + i * 37));

export function dashboardQueries(
  api: Api,
  companyId: number,
  partnerId: number | null,
): Record<string, (i: number) => Promise<unknown>> {
  const overdueQ = { companyId, kind: null, search: '', sort: 'days_overdue', ascending: false };
  const asOf = (i: number) => AS_OF_DATES[i % AS_OF_DATES.length];
  return {
    freshness: () => api.health(),
    companies: () => api.companies(),
    aged_totals: () => api.agedTotals(companyId, null),
    aged_top_receivable: () => api.agedTop('receivable', companyId, null),
    aged_top_payable: () => api.agedTop('payable', companyId, null),
    aged_totals_as_of: (i) => api.agedTotals(companyId, asOf(i)),
    aged_top_as_of_receivable: (i) => api.agedTop('receivable', companyId, asOf(i)),
    aged_top_as_of_payable: (i) => api.agedTop('payable', companyId, asOf(i)),
    cash_position: () => api.cash(companyId),
    cashflow_forecast: () => api.forecast(companyId, 13),
    overdue_page: () => api.overdue(overdueQ, 0, 25),
    overdue_search: () => api.overdue({ ...overdueQ, search: 'Lda' }, 0, 25),
    partner_ledger: () => api.ledger(companyId, partnerId, 0, 25),
    partner_balance: () => api.partnerBalance(companyId, partnerId),
  };
}
