// The cards' "Export to Excel" buttons: each asks the exports panel (exports.ts) for a job
// with what its card shows; and how a job is described in the panel.
import { $ } from './dom.ts';
import type { ExportJob } from './exports.ts';
import { S } from './state.ts';

/** What a job exported, in the words of the page. */
export function describeJob(job: ExportJob): string {
  const p = job.params;
  const company =
    S.companies.find((c) => c.company_id === Number(p.company_id))?.name ??
    `company ${p.company_id}`;
  const extra =
    job.kind === 'aged_receivable' || job.kind === 'aged_payable'
      ? `as of ${p.as_of ?? job.created_at.slice(0, 10)}`
      : job.kind === 'partner_ledger'
        ? `partner ${p.partner_id ?? 'Unknown'}`
        : [p.kind, p.search ? `"${p.search}"` : null].filter(Boolean).join(' ') || 'overdue';
  return `${company} · ${extra}`;
}

export function wireExportButtons() {
  const company = () => S.company!.company_id;
  $('aging-xlsx').addEventListener(
    'click',
    () =>
      void S.exports.request(S.topKind === 'receivable' ? 'aged_receivable' : 'aged_payable', {
        company_id: company(),
        ...(S.asOf ? { as_of: S.asOf } : {}),
      }),
  );
  $('overdue-xlsx').addEventListener('click', () => {
    const search = S.overdue.search.trim();
    void S.exports.request('open_invoices', {
      company_id: company(),
      overdue_only: true,
      ...(S.overdue.kind ? { kind: S.overdue.kind } : {}),
      ...(search ? { search } : {}),
    });
  });
  $('ledger-xlsx').addEventListener('click', () => {
    if (!S.ledger) return;
    void S.exports.request('partner_ledger', {
      company_id: company(),
      partner_id: S.ledger.partnerId,
    });
  });
}
