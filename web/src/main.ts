// The treasury dashboard: reads the `reporting` schema through supabase-js and renders it.
// Every figure shown is a database figure (summed in integer minor units where the page adds
// per-partner rows); numbers carry their exact value in data-value for tests and tools.
import { type Api, ApiError, type Company, createApi, type Kind, type Row } from './api.ts';
import { agingChart, forecastChart } from './charts.ts';
import { ConfigError, type PageConfig, type RawConfig, resolveConfig } from './config.ts';
import { toCsv } from './csv.ts';
import { type ExportJob, exportsPanel } from './exports.ts';
import { formatDate, formatDateTime, isoToday, minorToDecimal, money, toMinor } from './format.ts';
import { assessFreshness, describeAge, describeFirstCopy, firstCopyProgress } from './freshness.ts';

declare global {
  interface Window {
    FINANZAS_CONFIG?: RawConfig;
  }
}

const BUCKETS = [
  ['not_due', 'Not due'],
  ['days_1_30', '1–30 days'],
  ['days_31_60', '31–60 days'],
  ['days_61_90', '61–90 days'],
  ['days_91_120', '91–120 days'],
  ['older', 'Older'],
] as const;
const TOP_PARTNERS = 10;
const OVERDUE_PAGE = 25;
const LEDGER_PAGE = 25;
const FORECAST_WEEKS = 13;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | undefined> = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) e.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

interface State {
  cfg: PageConfig;
  api: Api;
  companies: Company[];
  company: Company | null;
  asOf: string | null;
  topKind: Kind;
  /** Aging totals per kind (one row each) and the top partners, as of S.asOf (null = today). */
  totals: Record<Kind, Row | null>;
  top: Record<Kind, Row[]>;
  overdue: { search: string; kind: Kind | null; sort: string; ascending: boolean; page: number };
  ledger: { partnerId: number | null; name: string; page: number } | null;
  dataVersion: string | null;
  loads: number;
  exports: ReturnType<typeof exportsPanel>;
  timer?: ReturnType<typeof setInterval>;
}

let S: State;

// ------------------------------------------------------------------------------------------
// Money helpers bound to the selected company's currency.

const dec = () => S.company?.decimal_places ?? 2;
const cur = () => S.company?.currency ?? null;
const fmt = (minor: number) => money(minor, cur(), dec());
const minor = (v: unknown) => toMinor(v, dec());

function amountCell(minorValue: number, testid?: string) {
  return el(
    'td',
    { 'data-value': minorToDecimal(minorValue, dec()), 'data-testid': testid },
    fmt(minorValue),
  );
}

function setAmount(node: HTMLElement, minorValue: number) {
  node.textContent = fmt(minorValue);
  node.dataset.value = minorToDecimal(minorValue, dec());
}

function cardError(section: string, e: unknown) {
  const card = $(section);
  let box = card.querySelector<HTMLElement>('.card-error');
  if (!box) {
    box = el('p', { class: 'card-error error-text', role: 'alert' });
    card.insertBefore(box, card.children[1] ?? null);
  }
  box.textContent = `Could not load: ${e instanceof Error ? e.message : String(e)}`;
}

function clearCardError(section: string) {
  $(section).querySelector('.card-error')?.remove();
}

// ------------------------------------------------------------------------------------------
// Freshness banner (reporting.sync_health + reporting.freshness)

async function renderFreshness(): Promise<string | null> {
  const { health, freshness } = await S.api.health();
  const f = assessFreshness(health, freshness, S.cfg.staleAfterMinutes);
  const node = $('freshness');
  node.dataset.asOf = f.asOf ?? '';
  node.dataset.minutes = f.minutesAgo === null ? '' : String(f.minutesAgo);
  node.dataset.stale = String(f.stale);
  node.textContent = f.asOf
    ? `Data as of ${formatDateTime(f.asOf)} (${f.minutesAgo === 0 ? 'less than a minute' : describeAge((f.minutesAgo ?? 0) * 60)} ago)`
    : 'Data as of: not synced yet';
  const warn = $('stale-warning');
  const list = $('stale-reasons');
  list.replaceChildren(...f.reasons.map((r) => el('li', {}, r)));
  warn.hidden = !f.stale;
  document.body.classList.toggle('stale', f.stale);
  const notes = $('notes');
  const shown = S.cfg.ignored ? [S.cfg.ignored, ...f.notes] : f.notes;
  notes.textContent = shown.join(' ');
  notes.hidden = shown.length === 0;
  // A newcomer's first minutes: how far the first copy of the books is.
  const copy = firstCopyProgress(health);
  const firstCopy = $('first-copy');
  firstCopy.textContent = describeFirstCopy(copy);
  firstCopy.dataset.percent = String(copy.percent);
  firstCopy.hidden = copy.done || health.length === 0;
  // What identifies the data currently in the reports: reload when it changes.
  return `${freshness?.refreshed_at ?? ''}|${freshness?.data_as_of ?? ''}`;
}

// ------------------------------------------------------------------------------------------
// Aging

async function loadAging() {
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

function partnerButton(partnerId: number | null, name: string | null) {
  const b = el(
    'button',
    { type: 'button', class: 'link partner', 'data-partner': String(partnerId ?? '') },
    name ?? 'Unknown partner',
  );
  b.addEventListener('click', () => openLedger(partnerId, name ?? 'Unknown partner'));
  return b;
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

// ------------------------------------------------------------------------------------------
// Cash position

async function loadCash() {
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

// ------------------------------------------------------------------------------------------
// Cash-flow forecast

async function loadForecast() {
  const found = await S.api.forecast(S.company!.company_id, FORECAST_WEEKS);
  clearCardError('forecast');
  // Every week on the axis, also those with nothing due (the view lists weeks with items).
  const byWeek = new Map(found.map((r) => [formatDate(r.week_start), r]));
  const now = new Date();
  const monday =
    Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()) -
    ((now.getDay() + 6) % 7) * 86_400_000;
  const weeks = Array.from({ length: FORECAST_WEEKS }, (_, i) =>
    new Date(monday + i * 7 * 86_400_000).toISOString().slice(0, 10),
  );
  if (found[0] && formatDate(found[0].week_start) < weeks[0])
    weeks.unshift(formatDate(found[0].week_start));
  let running = 0;
  const rows = weeks.map((w) => {
    const r = byWeek.get(w);
    running = r ? minor(r.cumulative_net) : running;
    return {
      week_start: w,
      expected_in: r?.expected_in ?? 0,
      expected_out: r?.expected_out ?? 0,
      overdue_in: r?.overdue_in ?? 0,
      cumulative: running,
    };
  });
  const u = 10 ** dec();
  const inflow = rows.map((r) => minor(r.expected_in));
  const outflow = rows.map((r) => minor(r.expected_out));
  forecastChart(
    $('forecast-chart') as HTMLCanvasElement,
    rows.map((r) => r.week_start.slice(5)),
    inflow.map((v) => v / u),
    outflow.map((v) => v / u),
    rows.map((r) => r.cumulative / u),
    (v) => fmt(Math.round(v * u)),
  );
  const sIn = inflow.reduce((a, b) => a + b, 0);
  const sOut = outflow.reduce((a, b) => a + b, 0);
  const overdueIn = rows.reduce((a, r) => a + minor(r.overdue_in), 0);
  const summary = $('forecast-summary');
  summary.replaceChildren(
    `Expected in ${fmt(sIn)}, out ${fmt(sOut)}, net ${fmt(sIn - sOut)}`,
    overdueIn ? ` (the first week includes ${fmt(overdueIn)} already overdue)` : '',
  );
  summary.dataset.in = minorToDecimal(sIn, dec());
  summary.dataset.out = minorToDecimal(sOut, dec());
}

// ------------------------------------------------------------------------------------------
// Overdue invoices

const overdueQuery = () => ({
  companyId: S.company!.company_id,
  kind: S.overdue.kind,
  search: S.overdue.search,
  sort: S.overdue.sort,
  ascending: S.overdue.ascending,
});

async function loadOverdueCount() {
  const { total } = await S.api.overdue(
    { ...overdueQuery(), kind: null, search: '', sort: 'due_date', ascending: true },
    0,
    1,
  );
  const k = $('kpi-overdue');
  k.textContent = total.toLocaleString();
  k.dataset.value = String(total);
}

async function loadOverdue() {
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

// ------------------------------------------------------------------------------------------
// Partner ledger (drill-down)

function openLedger(partnerId: number | null, name: string) {
  S.ledger = { partnerId, name, page: 0 };
  $('ledger').hidden = false;
  void loadLedger().then(() => $('ledger').scrollIntoView({ behavior: 'smooth', block: 'start' }));
}

async function loadLedger() {
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

// ------------------------------------------------------------------------------------------
// Loading, access and login

function showLogin(message?: string) {
  $('dashboard').hidden = true;
  $('login').hidden = false;
  $('account').hidden = true;
  $('freshness').textContent = 'Sign in to see the figures';
  $('stale-warning').hidden = true;
  const err = $('login-error');
  err.textContent = message ?? '';
  err.hidden = !message;
  document.body.dataset.ready = 'login';
  $<HTMLInputElement>('login-email').focus();
}

function fatal(message: string) {
  const f = $('fatal');
  f.textContent = message;
  f.hidden = false;
  document.body.dataset.ready = 'error';
}

async function loadData() {
  const sections: Array<[string, () => Promise<void>]> = [
    ['aging', loadAging],
    ['cash', loadCash],
    ['forecast', loadForecast],
    ['overdue', async () => void (await Promise.all([loadOverdue(), loadOverdueCount()]))],
  ];
  let denied: ApiError | undefined;
  await Promise.all(
    sections.map(([id, load]) =>
      load().catch((e) => {
        if (e instanceof ApiError && e.auth) denied = e;
        else cardError(id, e);
      }),
    ),
  );
  // A permission/session problem is not a card's problem: the caller shows the login.
  if (denied) throw denied;
  if (S.ledger) await loadLedger();
}

async function loadAll() {
  document.body.dataset.ready = 'loading';
  $('fatal').hidden = true;
  try {
    S.dataVersion = await renderFreshness();
    if (S.companies.length === 0) {
      S.companies = await S.api.companies();
      const select = $<HTMLSelectElement>('company');
      select.replaceChildren(
        ...S.companies.map((c) =>
          el('option', { value: String(c.company_id) }, `${c.name} (${c.currency ?? '?'})`),
        ),
      );
      const saved = Number(localStorage.getItem('finanzas-agv-company'));
      S.company = S.companies.find((c) => c.company_id === saved) ?? S.companies[0] ?? null;
      if (S.company) select.value = String(S.company.company_id);
      $('company-field').hidden = S.companies.length < 2;
    }
    $('login').hidden = true;
    $('dashboard').hidden = false;
    const { data } = await S.api.client.auth.getSession();
    $('account').hidden = !data.session;
    $('account-email').textContent = data.session?.user.email ?? '';
    if (!S.company) {
      // Access fails closed: a signed-in user without a grant sees no company at all.
      fatal(
        data.session
          ? `No company is shared with ${data.session.user.email ?? 'this account'} yet: ask an administrator to grant access.`
          : 'No company in the reports yet: the first sync has not completed.',
      );
      return;
    }
    await loadData();
    // Exports belong to a signed-in user (the demo's anonymous reader has none).
    if (data.session) await S.exports.refresh();
    S.loads++;
    document.body.dataset.loads = String(S.loads);
    document.body.dataset.ready = 'true';
  } catch (e) {
    if (e instanceof ApiError && e.auth) {
      const { data } = await S.api.client.auth.getSession();
      if (data.session && e.status === 403) {
        $('dashboard').hidden = true;
        fatal(`Your account (${data.session.user.email}) may not read the treasury reports.`);
        return;
      }
      if (data.session) await S.api.client.auth.signOut({ scope: 'local' });
      showLogin(data.session ? 'Your session has ended: sign in again.' : undefined);
      return;
    }
    fatal(
      `Could not reach the reports at ${S.cfg.supabaseUrl}: ${e instanceof Error ? e.message : e}`,
    );
  }
}

/** Re-checks freshness; reloads the figures when the reports changed. */
async function poll() {
  if (!$('login').hidden) return;
  try {
    const version = await renderFreshness();
    $('fatal').hidden = true;
    if (version !== S.dataVersion) {
      S.dataVersion = version;
      // Opened before the first copy brought any company: start over now that data came.
      if (!S.company) return void loadAll();
      await loadData();
      S.loads++;
      document.body.dataset.loads = String(S.loads);
    }
  } catch (e) {
    if (e instanceof ApiError && e.auth) return void loadAll();
    const f = $('fatal');
    f.textContent = `Could not refresh: ${e instanceof Error ? e.message : e}. Showing the last figures loaded.`;
    f.hidden = false;
  }
}

/** What a job exported, in the words of the page. */
function describeJob(job: ExportJob): string {
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

function wireExports() {
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

function wire() {
  wireExports();
  $('reload').addEventListener('click', () => void loadAll());
  $('company').addEventListener('change', (ev) => {
    const id = Number((ev.target as HTMLSelectElement).value);
    S.company = S.companies.find((c) => c.company_id === id) ?? S.company;
    localStorage.setItem('finanzas-agv-company', String(id));
    S.ledger = null;
    $('ledger').hidden = true;
    S.overdue.page = 0;
    void loadAll();
  });
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
  let debounce: ReturnType<typeof setTimeout> | undefined;
  $<HTMLInputElement>('overdue-search').addEventListener('input', (ev) => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      S.overdue.search = (ev.target as HTMLInputElement).value;
      S.overdue.page = 0;
      void loadOverdue().catch((e) => cardError('overdue', e));
    }, 250);
  });
  $<HTMLSelectElement>('overdue-kind').addEventListener('change', (ev) => {
    S.overdue.kind = ((ev.target as HTMLSelectElement).value || null) as Kind | null;
    S.overdue.page = 0;
    void loadOverdue().catch((e) => cardError('overdue', e));
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
      void loadOverdue().catch((e) => cardError('overdue', e));
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
    void loadOverdue().catch((e) => cardError('overdue', e));
  });
  $('overdue-next').addEventListener('click', () => {
    S.overdue.page++;
    void loadOverdue().catch((e) => cardError('overdue', e));
  });
  $('overdue-csv').addEventListener('click', () => void downloadOverdueCsv());
  $('ledger-close').addEventListener('click', () => {
    S.ledger = null;
    $('ledger').hidden = true;
  });
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
  $('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const submit = $<HTMLButtonElement>('login-submit');
    submit.disabled = true;
    try {
      const { error } = await S.api.client.auth.signInWithPassword({
        email: $<HTMLInputElement>('login-email').value,
        password: $<HTMLInputElement>('login-password').value,
      });
      if (error) return showLogin(error.message);
      $<HTMLInputElement>('login-password').value = '';
      await loadAll();
    } finally {
      submit.disabled = false;
    }
  });
  $('sign-out').addEventListener('click', async () => {
    await S.api.client.auth.signOut();
    S.companies = [];
    S.company = null;
    await loadAll();
  });
}

function main() {
  let cfg: PageConfig;
  try {
    cfg = resolveConfig(window.FINANZAS_CONFIG, location.search, location.origin);
  } catch (e) {
    fatal(e instanceof ConfigError ? e.message : String(e));
    return;
  }
  const api = createApi(cfg);
  S = {
    cfg,
    api,
    companies: [],
    company: null,
    asOf: null,
    topKind: 'receivable',
    totals: { receivable: null, payable: null },
    top: { receivable: [], payable: [] },
    overdue: { search: '', kind: null, sort: 'days_overdue', ascending: false, page: 0 },
    ledger: null,
    dataVersion: null,
    loads: 0,
    exports: exportsPanel(api.client, el, (job) => describeJob(job)),
  };
  wire();
  void loadAll();
  S.timer = setInterval(() => void poll(), cfg.pollSeconds * 1000);
}

main();
