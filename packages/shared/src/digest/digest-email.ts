// The weekly digest as an e-mail: HTML (tables with inline styles, as mail clients need) and a
// plain-text twin. Every figure carries its exact decimal in data-value (data-figure names it),
// so a reader — or a test — can check what is shown against the database.
import { BUCKETS, type DigestFigures } from './digest-figures.ts';
import type { DigestWorkbook } from './digest-workbook.ts';

const LABELS: Record<(typeof BUCKETS)[number], string> = {
  not_due: 'Not due',
  days_1_30: '1–30 days',
  days_31_60: '31–60 days',
  days_61_90: '61–90 days',
  days_91_120: '91–120 days',
  older: 'Older',
};

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** '-1234567.5' → '-1,234,567.50': grouping only, no rounding (the exact decimal is shown). */
export function formatAmount(value: string): string {
  const negative = value.startsWith('-');
  const [int, frac = ''] = (negative ? value.slice(1) : value).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}.${frac.padEnd(2, '0')}`;
}

const signed = (value: string) =>
  value.startsWith('-') ? formatAmount(value) : `+${formatAmount(value)}`;

const TD = 'padding:4px 10px;border-bottom:1px solid #e4e7eb;';
const NUM = `${TD}text-align:right;font-variant-numeric:tabular-nums;`;

function cell(figure: string, value: string, shown = formatAmount(value)): string {
  return `<td style="${NUM}" data-figure="${esc(figure)}" data-value="${esc(value)}">${esc(shown)}</td>`;
}

function lagText(seconds: string | null): string {
  if (seconds === null) return 'unknown';
  const s = Math.max(0, Math.round(Number(seconds)));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export interface DigestEmailOptions {
  weekStart: string;
  pageUrl: string | null;
  workbook: DigestWorkbook | null;
}

export function digestSubject(f: DigestFigures, weekStart: string): string {
  const share = f.receivable.overdueShare === null ? '' : `, ${f.receivable.overdueShare}% overdue`;
  return `Weekly digest ${weekStart} — ${f.companyName}: receivables ${formatAmount(f.receivable.total)} ${f.currency}${share}`;
}

export function digestHtml(f: DigestFigures, o: DigestEmailOptions): string {
  const r = f.receivable;
  const p = f.payable;
  const bucketRows = BUCKETS.map(
    (b) =>
      `<tr><td style="${TD}">${LABELS[b]}</td>${cell(`receivable.${b}`, r.buckets[b])}${cell(`payable.${b}`, p.buckets[b])}</tr>`,
  ).join('');
  const share = (v: string | null, figure: string) =>
    v === null
      ? `<td style="${NUM}" data-figure="${figure}" data-value="">–</td>`
      : cell(figure, v, `${v}%`);
  const top = f.topOverdue
    .map(
      (c, i) =>
        `<tr data-figure="top.${i}" data-partner-id="${c.partnerId ?? ''}"><td style="${TD}">${esc(c.name)}</td>${cell(`top.${i}.amount`, c.amount)}${cell(`top.${i}.days_overdue`, String(c.daysOverdue), String(c.daysOverdue))}${cell(`top.${i}.invoices`, String(c.invoices), String(c.invoices))}</tr>`,
    )
    .join('');
  const journals = f.cash.journals
    .map(
      (j) =>
        `<tr><td style="${TD}">${esc(j.name)} (${esc(j.code)})</td>${cell(`cash.${j.code}`, j.position)}</tr>`,
    )
    .join('');
  const fresh = f.freshness;
  const workbook =
    o.workbook === null
      ? ''
      : 'link' in o.workbook
        ? `<p><a href="${esc(o.workbook.link)}" data-figure="workbook">${esc(o.workbook.label ?? 'Aged receivable workbook (.xlsx)')}</a></p>`
        : `<p data-figure="workbook">Attached: ${esc(o.workbook.filename)}</p>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(digestSubject(f, o.weekStart))}</title></head>
<body style="font-family:system-ui,Segoe UI,Arial,sans-serif;color:#1f2933;font-size:14px;max-width:720px">
<h1 style="font-size:20px">Weekly digest — <span data-figure="company" data-value="${f.companyId}">${esc(f.companyName)}</span></h1>
<p>Week of <span data-figure="week_start" data-value="${o.weekStart}">${o.weekStart}</span>. Figures as of
<span data-figure="as_of" data-value="${f.asOf}">${f.asOf}</span> in <span data-figure="currency" data-value="${esc(f.currency)}">${esc(f.currency)}</span>,
compared with <span data-figure="previous_as_of" data-value="${f.previousAsOf}">${f.previousAsOf}</span>.</p>
<h2 style="font-size:16px">Receivables and payables by age</h2>
<table style="border-collapse:collapse"><tr><th style="${TD}"></th><th style="${NUM}">Receivable</th><th style="${NUM}">Payable</th></tr>
${bucketRows}
<tr style="font-weight:600"><td style="${TD}">Total</td>${cell('receivable.total', r.total)}${cell('payable.total', p.total)}</tr>
<tr><td style="${TD}">Overdue</td>${cell('receivable.overdue', r.overdue)}${cell('payable.overdue', p.overdue)}</tr>
<tr><td style="${TD}">Overdue share</td>${share(r.overdueShare, 'receivable.overdue_share')}${share(p.overdueShare, 'payable.overdue_share')}</tr>
<tr><td style="${TD}">Total a week before</td>${cell('receivable.previous_total', r.previousTotal)}${cell('payable.previous_total', p.previousTotal)}</tr>
<tr><td style="${TD}">Change of the total</td>${cell('receivable.change_total', r.changeTotal, signed(r.changeTotal))}${cell('payable.change_total', p.changeTotal, signed(p.changeTotal))}</tr>
<tr><td style="${TD}">Change of the overdue</td>${cell('receivable.change_overdue', r.changeOverdue, signed(r.changeOverdue))}${cell('payable.change_overdue', p.changeOverdue, signed(p.changeOverdue))}</tr>
</table>
<h2 style="font-size:16px">Top ${f.topOverdue.length} overdue customers</h2>
${
  f.topOverdue.length === 0
    ? '<p>No customer is overdue.</p>'
    : `<table style="border-collapse:collapse"><tr><th style="${TD}">Customer</th><th style="${NUM}">Overdue</th><th style="${NUM}">Days overdue (oldest)</th><th style="${NUM}">Invoices</th></tr>${top}</table>`
}
<h2 style="font-size:16px">Cash position</h2>
<table style="border-collapse:collapse">${journals}<tr style="font-weight:600"><td style="${TD}">Total</td>${cell('cash.total', f.cash.total)}</tr></table>
<h2 style="font-size:16px">Data freshness</h2>
<p>Copy of Odoo as of <span data-figure="freshness.data_as_of" data-value="${fresh.dataAsOf ?? ''}">${fresh.dataAsOf ?? 'unknown'}</span>
(<span data-figure="freshness.lag_seconds" data-value="${fresh.lagSeconds ?? ''}">${lagText(fresh.lagSeconds)}</span> behind when this was written).
${
  fresh.failingModels.length
    ? `<strong data-figure="freshness.failing" data-value="${esc(fresh.failingModels.join(','))}">Not syncing: ${esc(fresh.failingModels.join(', '))} (${esc(fresh.errorCategory ?? 'error')}).</strong>`
    : 'Every model is syncing.'
}</p>
${workbook}
${o.pageUrl ? `<p><a href="${esc(o.pageUrl)}">Open the report page</a></p>` : ''}
</body></html>`;
}

export function digestText(f: DigestFigures, o: DigestEmailOptions): string {
  const line = (label: string, r: string, p: string) =>
    `${label.padEnd(22)}${r.padStart(20)}${p.padStart(20)}`;
  const r = f.receivable;
  const p = f.payable;
  return [
    `Weekly digest — ${f.companyName} (week of ${o.weekStart})`,
    `Figures as of ${f.asOf} in ${f.currency}, compared with ${f.previousAsOf}.`,
    '',
    line('', 'Receivable', 'Payable'),
    ...BUCKETS.map((b) => line(LABELS[b], formatAmount(r.buckets[b]), formatAmount(p.buckets[b]))),
    line('Total', formatAmount(r.total), formatAmount(p.total)),
    line('Overdue', formatAmount(r.overdue), formatAmount(p.overdue)),
    line('Overdue share', `${r.overdueShare ?? '–'}%`, `${p.overdueShare ?? '–'}%`),
    line('Change of the total', signed(r.changeTotal), signed(p.changeTotal)),
    line('Change of the overdue', signed(r.changeOverdue), signed(p.changeOverdue)),
    '',
    'Top overdue customers:',
    ...f.topOverdue.map(
      (c) =>
        `  ${c.name}: ${formatAmount(c.amount)} (${c.daysOverdue} days, ${c.invoices} invoices)`,
    ),
    '',
    `Cash position: ${formatAmount(f.cash.total)}`,
    ...f.cash.journals.map((j) => `  ${j.name} (${j.code}): ${formatAmount(j.position)}`),
    '',
    `Copy of Odoo as of ${f.freshness.dataAsOf ?? 'unknown'} (${lagText(f.freshness.lagSeconds)} behind).`,
    ...(o.workbook && 'link' in o.workbook ? [`Workbook: ${o.workbook.link}`] : []),
    ...(o.pageUrl ? [`Report page: ${o.pageUrl}`] : []),
  ].join('\n');
}
