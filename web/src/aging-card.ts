// The aged balances card: buckets per kind (chart + table), the KPIs for receivable and
// payable, and the largest partners per kind, as of today or any date picked.

import { amountCell, dec, fmt, minor, setAmount } from './amounts.ts';
import type { Kind, Row } from './api.ts';
import { cardError, clearCardError } from './card-error.ts';
import { agingChart } from './charts.ts';
import { $, el } from './dom.ts';
import { isoToday } from './format.ts';
import { partnerButton } from './ledger-card.ts';
import { S } from './state.ts';

const BUCKETS = [
  ['not_due', 'Not due'],
  ['days_1_30', '1–30 days'],
  ['days_31_60', '31–60 days'],
  ['days_61_90', '61–90 days'],
  ['days_91_120', '91–120 days'],
  ['older', 'Older'],
] as const;
const TOP_PARTNERS = 10;

export async function loadAging() {
  const company = S.company!;
  const asOf = S.asOf;
  $('aging-status').textContent = asOf ? `Loading as of ${asOf}…` : 'Loading…';
  // Totals and top lists come from the database (reporting.aged_totals / aged_totals_as_of,
  // the aged views ordered by total / aged_balance_top): a handful of rows, whatever the books.
  const [totals, receivable, payable] = await Promise.all([
    S.api.agedTotals(company.company_id, asOf),
    S.api.agedTop('receivable', company.company_id, asOf, TOP_PARTNERS),
    S.api.agedTop('payable', company.company_id, asOf, TOP_PARTNERS),
  ]);
  // A later date picked meanwhile wins.
  if (asOf !== S.asOf || company !== S.company) return;
  S.totals = totals;
  S.top = { receivable, payable };
  clearCardError('aging');
  const amounts = (row: Row | null) =>
    Object.fromEntries([...BUCKETS.map(([k]) => k), 'total'].map((k) => [k, minor(row?.[k])]));
  const ar = amounts(totals.receivable);
  const ap = amounts(totals.payable);
  const body = $('aging-table').querySelector('tbody')!;
  body.replaceChildren(
    ...BUCKETS.map(([k, label]) =>
      el('tr', {}, el('th', {}, label), amountCell(ar[k], `ar-${k}`), amountCell(ap[k], `ap-${k}`)),
    ),
    el(
      'tr',
      { class: 'total' },
      el('th', {}, 'Total'),
      amountCell(ar.total, 'ar-total'),
      amountCell(ap.total, 'ap-total'),
    ),
  );
  setAmount($('kpi-receivable'), ar.total);
  setAmount($('kpi-payable'), ap.total);
  const u = 10 ** dec();
  agingChart(
    $('aging-chart') as HTMLCanvasElement,
    BUCKETS.map(([, l]) => l),
    BUCKETS.map(([k]) => ar[k] / u),
    BUCKETS.map(([k]) => ap[k] / u),
    (v) => fmt(Math.round(v * u)),
  );
  const customers = Number(totals.receivable?.partners ?? 0);
  const vendors = Number(totals.payable?.partners ?? 0);
  const status = $('aging-status');
  status.textContent = `${asOf ? `As of ${asOf}` : 'As of today'} · ${customers.toLocaleString()} customers, ${vendors.toLocaleString()} vendors with open items`;
  status.dataset.customers = String(customers);
  status.dataset.vendors = String(vendors);
  renderTopPartners();
}

function renderTopPartners() {
  for (const b of document.querySelectorAll<HTMLButtonElement>('#aging .tabs button'))
    b.setAttribute('aria-selected', String(b.dataset.kind === S.topKind));
  const rows = S.top[S.topKind];
  $('top-partners')
    .querySelector('tbody')!
    .replaceChildren(
      ...(rows.length
        ? rows.map((r) =>
            el(
              'tr',
              {},
              el('td', { class: 'text' }, partnerButton(r.partner_id, r.partner_name)),
              amountCell(minor(r.not_due)),
              amountCell(minor(r.total) - minor(r.not_due)),
              amountCell(minor(r.total)),
            ),
          )
        : [el('tr', {}, el('td', { colspan: '4', class: 'empty' }, 'Nothing open.'))]),
    );
}

/** The as-of date picker and the customers/vendors tabs. */
export function wireAging() {
  const asOf = $<HTMLInputElement>('as-of');
  asOf.value = isoToday();
  asOf.max = '9999-12-31';
  asOf.addEventListener('change', () => {
    if (!asOf.value) asOf.value = isoToday();
    S.asOf = asOf.value === isoToday() ? null : asOf.value;
    void loadAging().catch((e) => cardError('aging', e));
  });
  $('as-of-today').addEventListener('click', () => {
    asOf.value = isoToday();
    asOf.dispatchEvent(new Event('change'));
  });
  for (const b of document.querySelectorAll<HTMLButtonElement>('#aging .tabs button')) {
    b.addEventListener('click', () => {
      S.topKind = b.dataset.kind as Kind;
      renderTopPartners();
    });
  }
}
