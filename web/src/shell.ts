// The page shell: loads every card (a card's failure stays in its card, a session or
// permission failure shows the login), the company picker, sign-in and sign-out, and the poll
// that reloads the figures when the reports changed.
import { loadAging } from './aging-card.ts';
import { ApiError } from './api.ts';
import { cardError } from './card-error.ts';
import { loadCash } from './cash-card.ts';
import { hideDigests, renderDigests } from './digest-list.ts';
import { $, el } from './dom.ts';
import { loadForecast } from './forecast-card.ts';
import { renderFreshness } from './freshness-banner.ts';
import { closeLedger, loadLedger } from './ledger-card.ts';
import { loadOverdue, loadOverdueCount } from './overdue-card.ts';
import { S } from './state.ts';

function showLogin(message?: string) {
  $('dashboard').hidden = true;
  $('login').hidden = false;
  $('account').hidden = true;
  $('freshness').textContent = 'Sign in to see the figures';
  $('stale-warning').hidden = true;
  hideDigests();
  const err = $('login-error');
  err.textContent = message ?? '';
  err.hidden = !message;
  document.body.dataset.ready = 'login';
  $<HTMLInputElement>('login-email').focus();
}

export function fatal(message: string) {
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
  await Promise.all([
    ...sections.map(([id, load]) =>
      load().catch((e) => {
        if (e instanceof ApiError && e.auth) denied = e;
        else cardError(id, e);
      }),
    ),
    renderDigests(),
  ]);
  // A permission/session problem is not a card's problem: the caller shows the login.
  if (denied) {
    hideDigests();
    throw denied;
  }
  if (S.ledger) await loadLedger();
}

export async function loadAll() {
  document.body.dataset.ready = 'loading';
  $('fatal').hidden = true;
  // Whoever signs in next sees only their own companies' digests.
  hideDigests();
  // Freshness and the companies in parallel: one round trip before the cards, not two.
  const companies = S.companies.length === 0 ? S.api.companies() : undefined;
  companies?.catch(() => {}); // a failure is seen where it is awaited, below
  try {
    S.dataVersion = await renderFreshness();
    if (companies) {
      S.companies = await companies;
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
export async function poll() {
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

/** Reload, the company picker, sign-in and sign-out. */
export function wireShell() {
  $('reload').addEventListener('click', () => void loadAll());
  $('company').addEventListener('change', (ev) => {
    const id = Number((ev.target as HTMLSelectElement).value);
    S.company = S.companies.find((c) => c.company_id === id) ?? S.company;
    localStorage.setItem('finanzas-agv-company', String(id));
    closeLedger();
    S.overdue.page = 0;
    void loadAll();
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
