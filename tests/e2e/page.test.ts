import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalUser } from '../../tools/local-stack/src/auth/index.ts';
import { BUCKETS, cents } from '../reporting/helpers.ts';
import {
  collectErrors,
  launchChromium,
  minorOf,
  ready,
  screenshot,
  shownMinorOf,
} from './browser.ts';
import { startWorld, type World } from './world.ts';

// The report page in headless Chromium against a real world: cluster with every migration,
// the Odoo simulator, the sync, the reports refreshed, the gateway serving the built page.
let w: World;
let browser: Browser;
let context: BrowserContext;
let companyId: number;

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 10_000, interval: 100 });

/** Bucket totals of a set of aged rows, in cents. */
function bucketTotals(rows: readonly Record<string, unknown>[]): Record<string, number> {
  return Object.fromEntries(BUCKETS.map((b) => [b, rows.reduce((s, r) => s + cents(r[b]), 0)]));
}

async function pageBuckets(page: Page, prefix: 'ar' | 'ap') {
  const out: Record<string, number> = {};
  for (const b of BUCKETS) out[b] = await minorOf(page, `[data-testid="${prefix}-${b}"]`);
  return out;
}

/** The top-partners table as shown: partner id ('' = Unknown) and total in cents per row. */
async function topPartners(page: Page) {
  const rows = page.locator('#top-partners tbody tr:has(button.partner)');
  const out: string[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const r = rows.nth(i);
    const id = await r.locator('button.partner').getAttribute('data-partner');
    out.push(`${id}|${cents(await r.locator('td:nth-child(4)').getAttribute('data-value'))}`);
  }
  return out;
}
const topOf = (rows: readonly Record<string, unknown>[]) =>
  [...rows]
    .sort(
      (a, b) =>
        cents(b.total) - cents(a.total) ||
        (a.partner_id == null ? 1 : 0) - (b.partner_id == null ? 1 : 0) ||
        Number(a.partner_id) - Number(b.partner_id),
    )
    .slice(0, 10)
    .map((r) => `${r.partner_id ?? ''}|${cents(r.total)}`);

async function open(path = '/?poll=1', ctx = context): Promise<{ page: Page; errors: string[] }> {
  const page = await ctx.newPage();
  const errors = collectErrors(page);
  await page.goto(`${w.url}${path}`);
  return { page, errors };
}

beforeAll(async () => {
  [w, browser] = await Promise.all([startWorld(), launchChromium()]);
  expect(await w.sync()).toBe(true);
  context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', acceptDownloads: true });
  [{ companyId }] = await w.h
    .sql`select min(company_id)::int as "companyId" from reporting.companies`;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await w?.close();
});

describe('report page', () => {
  it('shows the database figures: aging per bucket, cash position, overdue count, freshness', async () => {
    const { page, errors } = await open();
    expect(await ready(page)).toBe('true');
    const ar = await w.h
      .sql`select * from reporting.aged_receivable where company_id = ${companyId}`;
    const ap = await w.h.sql`select * from reporting.aged_payable where company_id = ${companyId}`;
    expect(ar.length).toBeGreaterThan(0);
    expect(await pageBuckets(page, 'ar')).toEqual(bucketTotals(ar));
    expect(await pageBuckets(page, 'ap')).toEqual(bucketTotals(ap));
    // The page reads reporting.aged_totals: the same sums, and the partner counts shown.
    const totals = await w.h.sql`select * from reporting.aged_totals
      where company_id = ${companyId} order by kind desc`;
    expect(totals.map((t) => t.kind)).toEqual(['receivable', 'payable']);
    expect(bucketTotals(totals.slice(0, 1))).toEqual(bucketTotals(ar));
    expect(bucketTotals(totals.slice(1))).toEqual(bucketTotals(ap));
    const status = page.locator('[data-testid="aging-status"]');
    expect(Number(await status.getAttribute('data-customers'))).toBe(ar.length);
    expect(Number(await status.getAttribute('data-vendors'))).toBe(ap.length);
    expect(Number(totals[0].partners)).toBe(ar.length);
    // Top partners: the ten largest receivable totals, as the database orders them.
    expect(await topPartners(page)).toEqual(topOf(ar));
    await page.locator('#aging .tabs button[data-kind="payable"]').click();
    await poll(() => topPartners(page)).toEqual(topOf(ap));
    // What the reader sees is the same number, not just the attribute.
    expect(await shownMinorOf(page, '[data-testid="ar-total"]')).toBe(bucketTotals(ar).total);
    expect(await shownMinorOf(page, '[data-testid="kpi-payable"]')).toBe(bucketTotals(ap).total);

    const [cash] = await w.h.sql`select coalesce(sum(position), 0) as total, count(*)::int as n
      from reporting.cash_position where company_id = ${companyId}`;
    expect(await minorOf(page, '[data-testid="cash-total"]')).toBe(cents(cash.total));
    expect(await minorOf(page, '[data-testid="kpi-cash"]')).toBe(cents(cash.total));
    expect(await page.locator('#cash-table tbody tr[data-journal]').count()).toBe(cash.n);

    const [od] = await w.h.sql`select count(*)::int as n from reporting.open_invoices
      where company_id = ${companyId} and overdue`;
    expect(od.n).toBeGreaterThan(0);
    expect(
      Number(await page.locator('[data-testid="kpi-overdue"]').getAttribute('data-value')),
    ).toBe(od.n);
    expect(
      Number(await page.locator('[data-testid="overdue-page"]').getAttribute('data-total')),
    ).toBe(od.n);

    const [fc] = await w.h
      .sql`select coalesce(sum(expected_in), 0) as i, coalesce(sum(expected_out), 0) as o
      from reporting.cashflow_forecast where company_id = ${companyId}
      and week_start < current_date + 91`;
    const summary = page.locator('[data-testid="forecast-summary"]');
    expect(cents(await summary.getAttribute('data-in'))).toBe(cents(fc.i));
    expect(cents(await summary.getAttribute('data-out'))).toBe(cents(fc.o));

    const fresh = page.locator('[data-testid="freshness"]');
    await poll(() => fresh.textContent()).toMatch(
      /^Data as of .+ \((less than a minute|\d+ minutes?) ago\)$/,
    );
    expect(await page.locator('[data-testid="stale-warning"]').isHidden()).toBe(true);
    await screenshot(page, 'report-page.png');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('is readable on a phone: nothing wider than the screen', async () => {
    const phone = await browser.newContext({
      locale: 'en-US',
      timezoneId: 'UTC',
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const { page, errors } = await open('/', phone);
    expect(await ready(page)).toBe('true');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await screenshot(page, 'report-page-phone.png');
    expect(errors).toEqual([]);
    await phone.close();
  });

  it('the as-of date picker shows reporting.aged_balance, equal to the simulator’s own aging', async () => {
    const { page } = await open();
    expect(await ready(page)).toBe('true');
    const asOf = '2026-03-31';
    await page.locator('[data-testid="as-of"]').fill(asOf);
    await poll(() => page.locator('[data-testid="aging-status"]').textContent()).toContain(
      `As of ${asOf}`,
    );
    for (const [kind, prefix] of [
      ['receivable', 'ar'],
      ['payable', 'ap'],
    ] as const) {
      const rows = await w.h.sql`select * from reporting.aged_balance(${asOf}::date, ${kind})
        where company_id = ${companyId}`;
      const truth = w.h.sim.control.agedBalance(asOf, kind, companyId);
      expect(await pageBuckets(page, prefix), kind).toEqual(bucketTotals(rows));
      expect(bucketTotals(rows), kind).toEqual(bucketTotals(truth as never));
      // The page read reporting.aged_totals_as_of: equal to the sums of aged_balance's rows.
      const [t] = await w.h.sql`select * from reporting.aged_totals_as_of(${asOf}::date, ${kind},
        ${companyId})`;
      expect(bucketTotals([t]), kind).toEqual(bucketTotals(rows));
      expect(Number(t.partners), kind).toBe(rows.length);
      const status = page.locator('[data-testid="aging-status"]');
      const shown = await status.getAttribute(
        `data-${kind === 'receivable' ? 'customers' : 'vendors'}`,
      );
      expect(Number(shown), kind).toBe(rows.length);
      // Top partners as of the date (reporting.aged_balance_top), for the tab shown.
      await page.locator(`#aging .tabs button[data-kind="${kind}"]`).click();
      await poll(() => topPartners(page)).toEqual(topOf(rows));
    }
    await page.close();
  });

  it('overdue table: search, sort, paging and a CSV of every matching row', async () => {
    const { page, errors } = await open();
    expect(await ready(page)).toBe('true');
    const rows = page.locator('#overdue-table tbody tr[data-move]');
    // Default order: most overdue first.
    const days = await rows.locator('td:nth-child(4)').allTextContents();
    expect(days.map(Number)).toEqual([...days.map(Number)].sort((a, b) => b - a));
    // Sort by due date ascending.
    await page.locator('#overdue-table th[data-sort="due_date"]').click();
    await poll(() =>
      page.locator('#overdue-table th[data-sort="due_date"]').getAttribute('aria-sort'),
    ).toBe('ascending');
    const due = await rows.locator('td:nth-child(3)').allTextContents();
    expect(due).toEqual([...due].sort());
    // Paging.
    const [od] = await w.h.sql`select count(*)::int as n from reporting.open_invoices
      where company_id = ${companyId} and overdue`;
    if (od.n > 25) {
      const first = await rows.first().getAttribute('data-move');
      await page.locator('#overdue-next').click();
      await poll(() => page.locator('[data-testid="overdue-page"]').textContent()).toMatch(
        /^Page 2 of/,
      );
      expect(await rows.first().getAttribute('data-move')).not.toBe(first);
    }
    // Search by partner name fragment.
    const [p] = await w.h.sql`select partner_name from reporting.open_invoices
      where company_id = ${companyId} and overdue and partner_name is not null
      group by partner_name order by count(*) desc, partner_name limit 1`;
    const term = String(p.partner_name).slice(0, 6);
    const [m] = await w.h.sql`select count(*)::int as n from reporting.open_invoices
      where company_id = ${companyId} and overdue and (name ilike ${`%${term}%`}
        or partner_name ilike ${`%${term}%`} or ref ilike ${`%${term}%`})`;
    await page.locator('[data-testid="overdue-search"]').fill(term);
    await poll(() => page.locator('[data-testid="overdue-page"]').getAttribute('data-total')).toBe(
      String(m.n),
    );
    await page.locator('[data-testid="overdue-search"]').fill('');
    await poll(() => page.locator('[data-testid="overdue-page"]').getAttribute('data-total')).toBe(
      String(od.n),
    );
    // CSV: every overdue document (not just the page shown), with a header.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="overdue-csv"]').click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(csv[0]).toBe(
      'number,kind,type,partner,reference,invoice_date,due_date,days_overdue,currency,open_amount_currency,open_amount_company,company_currency',
    );
    expect(csv.length - 1).toBe(od.n);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('drills down from a partner to its ledger', async () => {
    const { page, errors } = await open();
    expect(await ready(page)).toBe('true');
    const partner = page.locator('#top-partners button.partner:not([data-partner=""])').first();
    const partnerId = Number(await partner.getAttribute('data-partner'));
    await partner.click();
    const ledger = page.locator('[data-testid="ledger"]');
    await poll(() => ledger.isVisible()).toBe(true);
    await poll(() => page.locator('#ledger-page').getAttribute('data-total')).not.toBeNull();
    const [b] = await w.h.sql`select balance, lines::int from reporting.partner_balances
      where company_id = ${companyId} and partner_id = ${partnerId}`;
    expect(Number(await page.locator('#ledger-page').getAttribute('data-total'))).toBe(b.lines);
    expect(
      cents(await page.locator('[data-testid="ledger-summary"]').getAttribute('data-balance')),
    ).toBe(cents(b.balance));
    // Newest line first, its running balance as the database computed it.
    const [last] = await w.h.sql`select line_id::int, running_balance from reporting.partner_ledger
      where company_id = ${companyId} and partner_id = ${partnerId} order by date desc, line_id desc limit 1`;
    const firstRow = page.locator('#ledger-table tbody tr').first();
    expect(Number(await firstRow.getAttribute('data-line'))).toBe(last.line_id);
    expect(await minorOf(page, '#ledger-table tbody tr:first-child td:nth-child(8)')).toBe(
      cents(last.running_balance),
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('warns when the data is stale or the last sync failed, keeps the last numbers with Odoo down, and clears after a good sync', async () => {
    const { page } = await open();
    expect(await ready(page)).toBe('true');
    const warning = page.locator('[data-testid="stale-warning"]');
    expect(await warning.isHidden()).toBe(true);
    const before = await pageBuckets(page, 'ar');
    const cashBefore = await minorOf(page, '[data-testid="cash-total"]');

    // 1. Old data: the last complete sync two hours ago.
    await w.h.sql`update ods.sync_state set last_success_at = now() - interval '2 hours'`;
    await poll(() => warning.isVisible()).toBe(true);
    expect(await warning.textContent()).toMatch(/2 hours old/);
    await poll(() => page.locator('[data-testid="freshness"]').textContent()).toMatch(
      /\(2 hours ago\)/,
    );

    // 2. Odoo stopped: the sync fails (last_error set); a fresh page load still works and shows
    //    the last known numbers with the warning.
    await w.h.sim.control.setFault({ kind: 'down' });
    expect(await w.sync()).toBe(false);
    const { page: reloaded, errors } = await open();
    expect(await ready(reloaded)).toBe('true');
    const warning2 = reloaded.locator('[data-testid="stale-warning"]');
    expect(await warning2.isVisible()).toBe(true);
    // The demo reader (anon) sees the category and since when, not the error text.
    expect(await warning2.textContent()).toMatch(
      /Last sync of .+ failed: Odoo or the sync function could not be reached \(network\), failing for less than a minute/,
    );
    expect(await warning2.textContent()).not.toMatch(/OdooConnectionError/);
    expect(await pageBuckets(reloaded, 'ar')).toEqual(before);
    expect(await minorOf(reloaded, '[data-testid="cash-total"]')).toBe(cashBefore);
    await screenshot(reloaded, 'report-page-stale.png');
    expect(errors).toEqual([]);

    // 3. Odoo back, a successful sync: the open page clears the warning by itself (polling).
    await w.h.sim.control.clearFaults();
    expect(await w.sync()).toBe(true);
    await poll(() => warning2.isHidden()).toBe(true);
    await poll(() => reloaded.locator('[data-testid="freshness"]').textContent()).toMatch(
      /less than a minute ago|\(1 minute ago\)/,
    );
    await page.close();
    await reloaded.close();
  }, 60_000);
});

describe('report page without anonymous access', () => {
  beforeAll(async () => {
    await w.demoAccess(false);
    const id = await createLocalUser(w.h.dbUrl, {
      email: 'finance@example.com',
      password: 'correct-horse',
    });
    // Access fails closed: the finance user reads what an administrator granted (every company).
    await w.h.sql`insert into ods.access_grants (user_id, company_id) values (${id}, null)`;
  });
  afterAll(async () => {
    await w.demoAccess(true);
  });

  it('asks for a login, refuses a wrong password, shows the figures after signing in and signs out', async () => {
    const fresh = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
    const { page, errors } = await open('/', fresh);
    expect(await ready(page)).toBe('login');
    expect(await page.locator('[data-testid="login"]').isVisible()).toBe(true);
    expect(await page.locator('#dashboard').isHidden()).toBe(true);

    await page.locator('#login-email').fill('finance@example.com');
    await page.locator('#login-password').fill('wrong-password');
    await page.locator('#login-submit').click();
    await poll(() => page.locator('[data-testid="login-error"]').textContent()).toBe(
      'Invalid login credentials',
    );

    await page.locator('#login-password').fill('correct-horse');
    await page.locator('#login-submit').click();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    const ar = await w.h
      .sql`select * from reporting.aged_receivable where company_id = ${companyId}`;
    expect(await pageBuckets(page, 'ar')).toEqual(bucketTotals(ar));
    expect(await page.locator('#account-email').textContent()).toBe('finance@example.com');

    // The session survives a reload (supabase-js keeps it in localStorage).
    await page.reload();
    expect(await ready(page)).toBe('true');

    await page.locator('[data-testid="sign-out"]').click();
    await page.waitForFunction(() => document.body.dataset.ready === 'login');
    const [{ n }] = await w.h.sql`select count(*)::int as n from auth.sessions`;
    expect(n).toBe(0);
    // The browser logs the expected 401s (anonymous reads) and the 400 (wrong password).
    expect(errors.filter((e) => !/status of 40[01]/.test(e))).toEqual([]);
    await fresh.close();
  });

  it('a user restricted to one company (app_metadata.company_ids) sees that company only', async () => {
    const [{ other }] = await w.h
      .sql`select max(company_id)::int as other from reporting.companies`;
    expect(other).not.toBe(companyId);
    await createLocalUser(w.h.dbUrl, {
      email: 'branch@example.com',
      password: 'branch-secret',
      appMetadata: { company_ids: [other] },
    });
    const fresh = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
    const { page } = await open('/', fresh);
    expect(await ready(page)).toBe('login');
    await page.locator('#login-email').fill('branch@example.com');
    await page.locator('#login-password').fill('branch-secret');
    await page.locator('#login-submit').click();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    expect(await page.locator('#company option').allTextContents()).toHaveLength(1);
    expect(await page.locator('#company').inputValue()).toBe(String(other));
    const ap = await w.h.sql`select * from reporting.aged_payable where company_id = ${other}`;
    expect(await pageBuckets(page, 'ap')).toEqual(bucketTotals(ap));
    const [cash] = await w.h.sql`select coalesce(sum(position), 0) as total
      from reporting.cash_position where company_id = ${other}`;
    expect(await minorOf(page, '[data-testid="cash-total"]')).toBe(cents(cash.total));
    await fresh.close();
  });
});
