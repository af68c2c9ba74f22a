// Aged receivable / payable as of a date for one company: a summary sheet (one row per partner
// with the buckets, total and share, then total and % rows) under a title block, and a detail
// sheet of the open items behind it. Figures from reporting.aged_balance_top /
// aged_totals_as_of / aged_detail, read as the requester.

import { AGED_BUCKETS } from '../reporting/aged-buckets.ts';
import type { Column } from '../xlsx/sheet-xml.ts';
import { JobInputError } from './errors.ts';
import { type ExportKind, type Json, type SheetPlan, titleFacts } from './export-kind.ts';

const BUCKETS = AGED_BUCKETS;
const money = (header: string): Column => ({ header, type: 'number', width: 14 });

const SUMMARY_COLUMNS: Column[] = [
  { header: 'Partner', type: 'text', width: 38 },
  { header: 'Tax ID', type: 'text', width: 16 },
  money('Not due'),
  money('1-30'),
  money('31-60'),
  money('61-90'),
  money('91-120'),
  money('Older'),
  money('Total'),
  { header: '% of total', type: 'percent', width: 11 },
];

const DETAIL_COLUMNS: Column[] = [
  { header: 'Company', type: 'text', width: 24 },
  { header: 'Partner', type: 'text', width: 34 },
  { header: 'Tax ID', type: 'text', width: 16 },
  { header: 'Document', type: 'text', width: 20 },
  { header: 'Invoice date', type: 'date', width: 12 },
  { header: 'Due date', type: 'date', width: 12 },
  { header: 'Days overdue', type: 'integer', width: 12 },
  { header: 'Currency', type: 'text', width: 9 },
  money('Original amount'),
  money('Residual (currency)'),
  money('Residual (company currency)'),
  { header: 'Bucket', type: 'text', width: 9 },
];

export const AGING_BASIS = 'Due date (invoice date when there is none), as Odoo ages';

function args(params: Record<string, Json>) {
  const company = Number(params.company_id);
  if (!Number.isSafeInteger(company)) throw new JobInputError('company_id is required');
  const asOf = typeof params.as_of === 'string' && params.as_of ? params.as_of : null;
  if (asOf !== null && !/^\d{4}-\d{2}-\d{2}$/.test(asOf))
    throw new JobInputError(`as_of must be a date (YYYY-MM-DD), not ${asOf}`);
  return { company, asOf };
}

const share = (part: unknown, whole: number) => (whole === 0 ? null : Number(part) / whole);

function agedExport(kind: 'receivable' | 'payable'): ExportKind {
  const label = kind === 'receivable' ? 'Aged receivable' : 'Aged payable';
  const summary: SheetPlan = {
    spec: (ctx) => ({
      name: 'Summary',
      columns: SUMMARY_COLUMNS,
      title: `${label} — ${ctx.companyName}`,
      lines: [
        { label: 'Company', value: ctx.companyName as string },
        { label: 'As of', value: ctx.asOf as string, type: 'date' },
        { label: 'Aging basis', value: AGING_BASIS },
        { label: 'Currency', value: ctx.currency as string },
        { label: 'Generated at', value: ctx.generatedAt as string, type: 'datetime' },
        { label: 'Data as of', value: ctx.dataAsOf as string | null, type: 'datetime' },
      ],
    }),
    // Largest first, as the page's top list; the offset is small (partners, not items).
    async page(tx, ctx, cursor, limit) {
      const offset = Number(cursor ?? 0);
      const rows = await tx`
        select coalesce(r.partner_name, 'Unknown') as partner, p.vat, r.not_due, r.days_1_30,
               r.days_31_60, r.days_61_90, r.days_91_120, r.older, r.total
          from reporting.aged_balance_top(${ctx.asOf as string}::text::date, ${kind}, 2147483647,
                                          ${ctx.company as number}) r
          left join reporting.partners p on p.partner_id = r.partner_id
         offset ${offset} limit ${limit}`;
      const whole = Number(ctx.grandTotal);
      return {
        rows: rows.map((r) => [
          r.partner,
          r.vat,
          ...BUCKETS.map((b) => r[b]),
          r.total,
          share(r.total, whole),
        ]),
        next: rows.length < limit ? null : offset + rows.length,
      };
    },
    footer(ctx) {
      const t = ctx.totals as Record<string, string>;
      const whole = Number(ctx.grandTotal);
      return [
        {
          values: ['Total', null, ...BUCKETS.map((b) => t[b]), t.total, whole === 0 ? null : 1],
          total: true,
        },
        {
          values: [
            '% of total',
            null,
            ...BUCKETS.map((b) => share(t[b], whole)),
            share(t.total, whole),
            null,
          ],
          total: true,
          percent: true,
        },
      ];
    },
  };
  const detail: SheetPlan = {
    spec: () => ({ name: 'Open items', columns: DETAIL_COLUMNS }),
    async page(tx, ctx, cursor, limit) {
      const [partner, due, line] = (cursor as [number, string, number] | null) ?? [
        -1,
        '-infinity',
        0,
      ];
      const rows = await tx`
        select partner_key, line_id, company_name, coalesce(partner_name, 'Unknown') as partner,
               vat, document, invoice_date::text, due_date::text, days_overdue, currency,
               amount_original, residual_currency, residual_company, bucket
          from reporting.aged_detail(${ctx.asOf as string}::text::date, ${kind}, ${ctx.company as number},
                                     ${partner}, ${due}::text::date, ${line}, ${limit})`;
      const last = rows.at(-1);
      return {
        rows: rows.map((r) => [
          r.company_name,
          r.partner,
          r.vat,
          r.document,
          r.invoice_date,
          r.due_date,
          r.days_overdue,
          r.currency,
          r.amount_original,
          r.residual_currency,
          r.residual_company,
          r.bucket,
        ]),
        next:
          rows.length < limit || !last
            ? null
            : [Number(last.partner_key), last.due_date, Number(last.line_id)],
      };
    },
  };
  return {
    fileName: (_job, ctx) => `${label.toLowerCase().replace(' ', '-')}-${ctx.company}-${ctx.asOf}`,
    async prepare(tx, job) {
      const { company, asOf } = args(job.params);
      const [c] = await tx`
        select c.name, c.currency, coalesce(${asOf}::text::date, current_date)::text as as_of
          from reporting.companies c where c.company_id = ${company}`;
      if (!c) throw new JobInputError(`company ${company} is not one the requester may read`);
      const [t] = await tx`
        select not_due, days_1_30, days_31_60, days_61_90, days_91_120, older, total, partners
          from reporting.aged_totals_as_of(${c.as_of}::text::date, ${kind}, ${company})`;
      const [{ items }] = await tx`
        select count(*)::int as items from reporting_private.aged_items a
         where a.open_during @> ${c.as_of}::text::date and a.kind = ${kind} and a.company_id = ${company}`;
      const facts = await titleFacts(tx);
      const totals = Object.fromEntries([...BUCKETS, 'total'].map((b) => [b, String(t?.[b] ?? 0)]));
      return {
        ctx: {
          company,
          companyName: c.name,
          currency: c.currency,
          asOf: c.as_of,
          totals,
          grandTotal: totals.total,
          ...facts,
        },
        rowsTotal: Number(t?.partners ?? 0) + items,
      };
    },
    sheets: [summary, detail],
  };
}

export const agedReceivableExport = agedExport('receivable');
export const agedPayableExport = agedExport('payable');
