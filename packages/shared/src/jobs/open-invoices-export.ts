// Open invoices and bills with the page's filters (company, kind, search, overdue only), by due
// date: reporting.open_invoices read as the requester, keyset (due_date, move_id).
import type { Column } from '../xlsx/sheet-xml.ts';
import { JobInputError } from './errors.ts';
import { type ExportKind, type Json, type Tx, titleFacts } from './export-kind.ts';

const COLUMNS: Column[] = [
  { header: 'Number', type: 'text', width: 20 },
  { header: 'Kind', type: 'text', width: 11 },
  { header: 'Type', type: 'text', width: 12 },
  { header: 'Partner', type: 'text', width: 34 },
  { header: 'Reference', type: 'text', width: 18 },
  { header: 'Invoice date', type: 'date', width: 12 },
  { header: 'Due date', type: 'date', width: 12 },
  { header: 'Days overdue', type: 'integer', width: 12 },
  { header: 'Currency', type: 'text', width: 9 },
  { header: 'Total', type: 'number', width: 14 },
  { header: 'Open amount', type: 'number', width: 14 },
  { header: 'Open (company currency)', type: 'number', width: 16 },
  { header: 'Company currency', type: 'text', width: 10 },
];

interface Filters {
  company: number;
  kind: 'receivable' | 'payable' | null;
  search: string;
  overdueOnly: boolean;
}

function filters(params: Record<string, Json>): Filters {
  const company = Number(params.company_id);
  if (!Number.isSafeInteger(company)) throw new JobInputError('company_id is required');
  const kind = params.kind ?? null;
  if (kind !== null && kind !== 'receivable' && kind !== 'payable')
    throw new JobInputError(`kind must be receivable or payable, not ${String(kind)}`);
  // As the page: the characters its search strips are not searched for.
  const search = String(params.search ?? '')
    .trim()
    .replace(/[*%\\"]/g, '');
  return { company, kind, search, overdueOnly: params.overdue_only !== false };
}

function where(tx: Tx, f: Filters) {
  const like = `%${f.search.replace(/_/g, '\\_')}%`;
  return tx`o.company_id = ${f.company}
    ${f.overdueOnly ? tx`and o.overdue` : tx``}
    ${f.kind ? tx`and o.kind = ${f.kind}` : tx``}
    ${f.search ? tx`and (o.name ilike ${like} or o.partner_name ilike ${like} or o.ref ilike ${like})` : tx``}`;
}

export const openInvoicesExport: ExportKind = {
  fileName: (_job, ctx) => `open-invoices-${ctx.company}-${String(ctx.generatedAt).slice(0, 10)}`,
  async prepare(tx, job) {
    const f = filters(job.params);
    const [c] =
      await tx`select name, currency from reporting.companies where company_id = ${f.company}`;
    if (!c) throw new JobInputError(`company ${f.company} is not one the requester may read`);
    const [{ n }] =
      await tx`select count(*)::int as n from reporting.open_invoices o where ${where(tx, f)}`;
    const shown = [
      f.overdueOnly ? 'overdue only' : 'all open',
      f.kind
        ? `${f.kind === 'receivable' ? 'customer invoices' : 'vendor bills'}`
        : 'invoices and bills',
      ...(f.search ? [`search "${f.search}"`] : []),
    ].join(', ');
    return {
      ctx: {
        company: f.company,
        companyName: c.name,
        currency: c.currency,
        filters: shown,
        ...(await titleFacts(tx)),
      },
      rowsTotal: n,
    };
  },
  sheets: [
    {
      spec: (ctx) => ({
        name: 'Open invoices',
        columns: COLUMNS,
        title: `Open invoices and bills — ${ctx.companyName}`,
        lines: [
          { label: 'Company', value: ctx.companyName as string },
          { label: 'Filters', value: ctx.filters as string },
          {
            label: 'Days overdue as of',
            value: String(ctx.generatedAt).slice(0, 10),
            type: 'date',
          },
          { label: 'Generated at', value: ctx.generatedAt as string, type: 'datetime' },
          { label: 'Data as of', value: ctx.dataAsOf as string | null, type: 'datetime' },
        ],
      }),
      async page(tx, _ctx, cursor, limit, job) {
        const f = filters(job.params);
        const [due, move] = (cursor as [string, number] | null) ?? ['-infinity', 0];
        const rows = await tx`
          select o.move_id, o.name, o.kind, o.move_type, o.partner_name, o.ref,
                 o.invoice_date::text, o.due_date::text, o.days_overdue, o.currency,
                 o.amount_total, o.amount_residual, o.residual_company, o.company_currency
            from reporting.open_invoices o
           where ${where(tx, f)} and (o.due_date, o.move_id) > (${due}::text::date, ${move})
           order by o.due_date, o.move_id
           limit ${limit}`;
        const last = rows.at(-1);
        return {
          rows: rows.map((r) => [
            r.name,
            r.kind,
            r.move_type,
            r.partner_name,
            r.ref,
            r.invoice_date,
            r.due_date,
            r.days_overdue,
            r.currency,
            r.amount_total,
            r.amount_residual,
            r.residual_company,
            r.company_currency,
          ]),
          next: rows.length < limit || !last ? null : [last.due_date, Number(last.move_id)],
        };
      },
    },
  ],
};
