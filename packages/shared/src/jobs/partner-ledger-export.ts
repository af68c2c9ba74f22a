// The partner ledger of one company — one partner (partner_id; null = Unknown) or all — within
// optional dates: reporting.partner_ledger read as the requester, in Odoo's order per partner
// (date, line), keyset (partner, date, line_id).
import type { Column } from '../xlsx/sheet-xml.ts';
import { JobInputError } from './errors.ts';
import { type ExportKind, type Json, type Tx, titleFacts } from './export-kind.ts';

const COLUMNS: Column[] = [
  { header: 'Partner', type: 'text', width: 34 },
  { header: 'Date', type: 'date', width: 12 },
  { header: 'Document', type: 'text', width: 20 },
  { header: 'Journal', type: 'text', width: 9 },
  { header: 'Account', type: 'text', width: 12 },
  { header: 'Label', type: 'text', width: 30 },
  { header: 'Due date', type: 'date', width: 12 },
  { header: 'Debit', type: 'number', width: 14 },
  { header: 'Credit', type: 'number', width: 14 },
  { header: 'Balance', type: 'number', width: 14 },
  { header: 'Running balance', type: 'number', width: 15 },
  { header: 'Currency', type: 'text', width: 9 },
  { header: 'Amount (currency)', type: 'number', width: 15 },
  { header: 'Matching', type: 'text', width: 12 },
];

interface Filters {
  company: number;
  /** undefined: every partner; null: the Unknown partner. */
  partner: number | null | undefined;
  from: string | null;
  to: string | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function filters(params: Record<string, Json>): Filters {
  const company = Number(params.company_id);
  if (!Number.isSafeInteger(company)) throw new JobInputError('company_id is required');
  const partner = !('partner_id' in params)
    ? undefined
    : params.partner_id === null
      ? null
      : Number(params.partner_id);
  if (typeof partner === 'number' && !Number.isSafeInteger(partner))
    throw new JobInputError('partner_id must be an id or null');
  const date = (v: Json | undefined, name: string) => {
    if (v === undefined || v === null || v === '') return null;
    if (typeof v !== 'string' || !DATE.test(v))
      throw new JobInputError(`${name} must be a date (YYYY-MM-DD)`);
    return v;
  };
  return {
    company,
    partner,
    from: date(params.date_from, 'date_from'),
    to: date(params.date_to, 'date_to'),
  };
}

function where(tx: Tx, f: Filters) {
  return tx`l.company_id = ${f.company}
    ${f.partner === undefined ? tx`` : f.partner === null ? tx`and l.partner_id is null` : tx`and l.partner_id = ${f.partner}`}
    ${f.from ? tx`and l.date >= ${f.from}::text::date` : tx``}
    ${f.to ? tx`and l.date <= ${f.to}::text::date` : tx``}`;
}

export const partnerLedgerExport: ExportKind = {
  fileName: (_job, ctx) => `partner-ledger-${ctx.company}-${String(ctx.generatedAt).slice(0, 10)}`,
  async prepare(tx, job) {
    const f = filters(job.params);
    const [c] =
      await tx`select name, currency from reporting.companies where company_id = ${f.company}`;
    if (!c) throw new JobInputError(`company ${f.company} is not one the requester may read`);
    let partnerName = 'All partners';
    if (f.partner === null) partnerName = 'Unknown';
    else if (f.partner !== undefined) {
      const [p] = await tx`select name from reporting.partners where partner_id = ${f.partner}`;
      partnerName = p?.name ?? `#${f.partner}`;
    }
    const [{ n }] =
      await tx`select count(*)::int as n from reporting.partner_ledger l where ${where(tx, f)}`;
    const period = f.from || f.to ? `${f.from ?? 'start'} to ${f.to ?? 'today'}` : 'all dates';
    return {
      ctx: {
        company: f.company,
        companyName: c.name,
        currency: c.currency,
        partnerName,
        period,
        ...(await titleFacts(tx)),
      },
      rowsTotal: n,
    };
  },
  sheets: [
    {
      spec: (ctx) => ({
        name: 'Partner ledger',
        columns: COLUMNS,
        title: `Partner ledger — ${ctx.companyName}`,
        lines: [
          { label: 'Company', value: ctx.companyName as string },
          { label: 'Partner', value: ctx.partnerName as string },
          { label: 'Period', value: ctx.period as string },
          { label: 'Amounts in', value: ctx.currency as string },
          { label: 'Generated at', value: ctx.generatedAt as string, type: 'datetime' },
          { label: 'Data as of', value: ctx.dataAsOf as string | null, type: 'datetime' },
        ],
      }),
      async page(tx, _ctx, cursor, limit, job) {
        const f = filters(job.params);
        const [partner, date, line] = (cursor as [number, string, number] | null) ?? [
          -1,
          '-infinity',
          0,
        ];
        const rows = await tx`
          select coalesce(l.partner_id, 0) as partner_key, l.line_id,
                 coalesce(l.partner_name, 'Unknown') as partner, l.date::text, l.move_name,
                 l.journal_code, l.account_code, coalesce(l.label, l.ref) as label,
                 l.due_date::text, l.debit, l.credit, l.balance, l.running_balance, l.currency,
                 l.amount_currency, l.matching_number
            from reporting.partner_ledger l
           where ${where(tx, f)}
             and (coalesce(l.partner_id, 0), l.date, l.line_id) > (${partner}, ${date}::text::date, ${line})
           order by coalesce(l.partner_id, 0), l.date, l.line_id
           limit ${limit}`;
        const last = rows.at(-1);
        return {
          rows: rows.map((r) => [
            r.partner,
            r.date,
            r.move_name,
            r.journal_code,
            r.account_code,
            r.label,
            r.due_date,
            r.debit,
            r.credit,
            r.balance,
            r.running_balance,
            r.currency,
            r.amount_currency,
            r.matching_number,
          ]),
          next:
            rows.length < limit || !last
              ? null
              : [Number(last.partner_key), last.date, Number(last.line_id)],
        };
      },
    },
  ],
};
