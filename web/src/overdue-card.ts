// The overdue invoices and bills card: searched, sorted and paged by the database
// (reporting.open_invoices), the overdue-count KPI, and a CSV of every matching row.

import { amountCell, minor } from './amounts.ts';
import type { Kind } from './api.ts';
import { cardError, clearCardError } from './card-error.ts';
import { toCsv } from './csv.ts';
import { $, el } from './dom.ts';
import { formatDate, isoToday } from './format.ts';
import { partnerButton } from './ledger-card.ts';
import { S } from './state.ts';

const OVERDUE_PAGE = 25;

const overdueQuery = () => ({
  companyId: S.company!.company_id,
  kind: S.overdue.kind,
  search: S.overdue.search,
  sort: S.overdue.sort,
  ascending: S.overdue.ascending,
});

export async function loadOverdueCount() {
  const { total } = await S.api.overdue(
    { ...overdueQuery(), kind: null, search: '', sort: 'due_date', ascending: true },
    0,
    1,
  );
  const k = $('kpi-overdue');
  k.textContent = total.toLocaleString();
  k.dataset.value = String(total);
}

export async function loadOverdue() {
  const { rows, total } = await S.api.overdue(overdueQuery(), S.overdue.page, OVERDUE_PAGE);
  clearCardError('overdue');
  for (const th of document.querySelectorAll<HTMLElement>('#overdue-table th[data-sort]')) {
    th.setAttribute(
      'aria-sort',
      th.dataset.sort === S.overdue.sort
        ? S.overdue.ascending
          ? 'ascending'
          : 'descending'
        : 'none',
    );
  }
  const tbody = $('overdue-table').querySelector('tbody')!;
  tbody.replaceChildren(
    ...(rows.length
      ? rows.map((r) =>
          el(
            'tr',
            { 'data-move': String(r.move_id) },
            el(
              'td',
              { class: 'text' },
              el('span', { class: `badge ${r.kind}` }, r.kind === 'receivable' ? 'AR' : 'AP'),
              ` ${r.name ?? ''}`,
            ),
            el('td', { class: 'text' }, partnerButton(r.partner_id, r.partner_name)),
            el('td', {}, formatDate(r.due_date)),
            el('td', { 'data-value': String(r.days_overdue) }, String(r.days_overdue)),
            amountCell(minor(r.residual_company)),
          ),
        )
      : [el('tr', {}, el('td', { colspan: '5', class: 'empty' }, 'No overdue documents.'))]),
  );
  const pages = Math.max(1, Math.ceil(total / OVERDUE_PAGE));
  const page = $('overdue-page');
  page.textContent = `Page ${S.overdue.page + 1} of ${pages} · ${total.toLocaleString()} documents`;
  page.dataset.total = String(total);
  $<HTMLButtonElement>('overdue-prev').disabled = S.overdue.page === 0;
  $<HTMLButtonElement>('overdue-next').disabled = S.overdue.page + 1 >= pages;
}

async function downloadOverdueCsv() {
  const button = $<HTMLButtonElement>('overdue-csv');
  button.disabled = true;
  try {
    const rows = await S.api.overdueAll(overdueQuery());
    const csv = toCsv(
      [
        'number',
        'kind',
        'type',
        'partner',
        'reference',
        'invoice_date',
        'due_date',
        'days_overdue',
        'currency',
        'open_amount_currency',
        'open_amount_company',
        'company_currency',
      ],
      rows.map((r) => [
        r.name,
        r.kind,
        r.move_type,
        r.partner_name,
        r.ref,
        r.invoice_date,
        r.due_date,
        r.days_overdue,
        r.currency,
        r.amount_residual,
        r.residual_company,
        r.company_currency,
      ]),
    );
    const a = el('a', {
      href: URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' })),
      download: `overdue-${S.company!.company_id}-${isoToday()}.csv`,
    });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  } catch (e) {
    cardError('overdue', e);
  } finally {
    button.disabled = false;
  }
}

const reload = () => void loadOverdue().catch((e) => cardError('overdue', e));

/** Search (debounced), kind filter, sortable headers, paging and the CSV button. */
export function wireOverdue() {
  let debounce: ReturnType<typeof setTimeout> | undefined;
  $<HTMLInputElement>('overdue-search').addEventListener('input', (ev) => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      S.overdue.search = (ev.target as HTMLInputElement).value;
      S.overdue.page = 0;
      reload();
    }, 250);
  });
  $<HTMLSelectElement>('overdue-kind').addEventListener('change', (ev) => {
    S.overdue.kind = ((ev.target as HTMLSelectElement).value || null) as Kind | null;
    S.overdue.page = 0;
    reload();
  });
  for (const th of document.querySelectorAll<HTMLElement>('#overdue-table th[data-sort]')) {
    th.tabIndex = 0;
    const sort = () => {
      const col = th.dataset.sort!;
      if (S.overdue.sort === col) S.overdue.ascending = !S.overdue.ascending;
      else {
        S.overdue.sort = col;
        S.overdue.ascending = col === 'name' || col === 'partner_name' || col === 'due_date';
      }
      S.overdue.page = 0;
      reload();
    };
    th.addEventListener('click', sort);
    th.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        sort();
      }
    });
  }
  $('overdue-prev').addEventListener('click', () => {
    S.overdue.page = Math.max(0, S.overdue.page - 1);
    reload();
  });
  $('overdue-next').addEventListener('click', () => {
    S.overdue.page++;
    reload();
  });
  $('overdue-csv').addEventListener('click', () => void downloadOverdueCsv());
}
