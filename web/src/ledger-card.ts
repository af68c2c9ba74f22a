// The partner ledger card (the drill-down): opened from any partner name on the page, it shows
// the partner's open balances and its journal items, newest first, paged by the database.
import { amountCell, dec, fmt, minor } from './amounts.ts';
import { cardError, clearCardError } from './card-error.ts';
import { $, el } from './dom.ts';
import { formatDate, minorToDecimal } from './format.ts';
import { S } from './state.ts';

const LEDGER_PAGE = 25;

/** A partner's name that opens its ledger. */
export function partnerButton(partnerId: number | null, name: string | null) {
  const b = el(
    'button',
    { type: 'button', class: 'link partner', 'data-partner': String(partnerId ?? '') },
    name ?? 'Unknown partner',
  );
  b.addEventListener('click', () => openLedger(partnerId, name ?? 'Unknown partner'));
  return b;
}

function openLedger(partnerId: number | null, name: string) {
  S.ledger = { partnerId, name, page: 0 };
  $('ledger').hidden = false;
  void loadLedger().then(() => $('ledger').scrollIntoView({ behavior: 'smooth', block: 'start' }));
}

export function closeLedger() {
  S.ledger = null;
  $('ledger').hidden = true;
}

export async function loadLedger() {
  if (!S.ledger) return;
  const { partnerId, name, page } = S.ledger;
  const companyId = S.company!.company_id;
  $('ledger-title').textContent = `Partner ledger — ${name}`;
  try {
    const [balance, { rows, total }] = await Promise.all([
      S.api.partnerBalance(companyId, partnerId),
      S.api.ledger(companyId, partnerId, page, LEDGER_PAGE),
    ]);
    clearCardError('ledger');
    const summary = $('ledger-summary');
    summary.textContent = balance
      ? `Receivable open ${fmt(minor(balance.receivable_open))} · payable open ${fmt(minor(balance.payable_open))} · balance ${fmt(minor(balance.balance))} · ${Number(balance.lines).toLocaleString()} items`
      : 'No receivable or payable items for this partner.';
    summary.dataset.balance = balance ? minorToDecimal(minor(balance.balance), dec()) : '0';
    $('ledger-table')
      .querySelector('tbody')!
      .replaceChildren(
        ...rows.map((r) =>
          el(
            'tr',
            { 'data-line': String(r.line_id) },
            el('td', {}, formatDate(r.date)),
            el('td', { class: 'text' }, r.move_name ?? ''),
            el('td', { class: 'text' }, r.journal_code ?? ''),
            el('td', { class: 'text' }, r.label ?? r.ref ?? ''),
            el('td', {}, formatDate(r.due_date)),
            amountCell(minor(r.debit)),
            amountCell(minor(r.credit)),
            amountCell(minor(r.running_balance)),
            el('td', { class: 'text' }, r.matching_number ?? ''),
          ),
        ),
      );
    const pages = Math.max(1, Math.ceil(total / LEDGER_PAGE));
    $('ledger-page').textContent = `Page ${page + 1} of ${pages} · ${total.toLocaleString()} items`;
    $('ledger-page').dataset.total = String(total);
    $<HTMLButtonElement>('ledger-prev').disabled = page === 0;
    $<HTMLButtonElement>('ledger-next').disabled = page + 1 >= pages;
  } catch (e) {
    cardError('ledger', e);
  }
}

/** Close and the newer/older paging. */
export function wireLedger() {
  $('ledger-close').addEventListener('click', closeLedger);
  $('ledger-prev').addEventListener('click', () => {
    if (!S.ledger) return;
    S.ledger.page = Math.max(0, S.ledger.page - 1);
    void loadLedger();
  });
  $('ledger-next').addEventListener('click', () => {
    if (!S.ledger) return;
    S.ledger.page++;
    void loadLedger();
  });
}
