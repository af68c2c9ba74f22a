// The cash position card: each bank and cash journal's balance (in its own currency when
// foreign), outstanding receipts and payments, and the total position KPI.
import { amountCell, minor, setAmount } from './amounts.ts';
import { clearCardError } from './card-error.ts';
import { $, el } from './dom.ts';
import { money, toMinor } from './format.ts';
import { S } from './state.ts';

export async function loadCash() {
  const rows = await S.api.cash(S.company!.company_id);
  clearCardError('cash');
  let total = 0;
  const body = rows.map((r) => {
    total += minor(r.position);
    const foreign = r.currency && r.currency !== r.company_currency;
    return el(
      'tr',
      { 'data-journal': String(r.journal_id) },
      el(
        'th',
        { class: 'text' },
        `${r.journal_name}`,
        el('small', {}, ` ${r.journal_code}${foreign ? ` · ${r.currency}` : ''}`),
      ),
      foreign
        ? el(
            'td',
            { 'data-value': String(r.balance_currency) },
            money(toMinor(r.balance_currency, 2), r.currency, 2),
          )
        : amountCell(minor(r.balance)),
      amountCell(minor(r.outstanding_receipts)),
      amountCell(minor(r.outstanding_payments)),
      amountCell(minor(r.position)),
    );
  });
  $('cash-table')
    .querySelector('tbody')!
    .replaceChildren(
      ...(body.length
        ? body
        : [el('tr', {}, el('td', { colspan: '5', class: 'empty' }, 'No bank or cash journals.'))]),
    );
  $('cash-table')
    .querySelector('tfoot')!
    .replaceChildren(
      el(
        'tr',
        { class: 'total' },
        el('th', { colspan: '4' }, 'Total position'),
        amountCell(total, 'cash-total'),
      ),
    );
  setAmount($('kpi-cash'), total);
}
