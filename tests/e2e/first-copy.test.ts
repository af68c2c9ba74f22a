import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { collectErrors, launchChromium, ready } from './browser.ts';
import { startWorld, type World } from './world.ts';

// A newcomer opens the page while the first copy of the books is still running: the page says
// how far it is, then shows the reports by itself once the copy is complete.
let w: World;
let browser: Browser;

beforeAll(async () => {
  [w, browser] = await Promise.all([startWorld({ sim: { scale: 1500 } }), launchChromium()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await w?.close();
});

it('shows the first copy’s progress, then the reports without a reload', async () => {
  // One small slice: some models copied, the journal items not yet.
  await w.h.syncToEnd({ maxSlices: 1, extraEnv: { SYNC_SLICE_RECORDS: '800' } });
  const [{ pending }] = await w.h
    .sql`select count(*)::int as pending from reporting.sync_health where last_success_at is null`;
  expect(pending).toBeGreaterThan(0);

  const page = await (await browser.newContext()).newPage();
  const errors = collectErrors(page);
  await page.goto(`${w.url}/?poll=1`);
  await ready(page);
  const firstCopy = page.locator('[data-testid="first-copy"]');
  expect(await firstCopy.isVisible()).toBe(true);
  expect(await firstCopy.textContent()).toMatch(
    /^First copy of the books from Odoo: \d+ % \([\d,]+ of [\d,]+ records\); still copying /,
  );
  const percent = Number(await firstCopy.getAttribute('data-percent'));
  expect(percent).toBeGreaterThan(0);
  expect(percent).toBeLessThan(100);

  expect(await w.sync()).toBe(true);
  await expect
    .poll(() => page.evaluate(() => document.body.dataset.ready), { timeout: 15_000 })
    .toBe('true');
  expect(await firstCopy.isHidden()).toBe(true);
  expect(await page.locator('[data-testid="kpi-receivable"]').textContent()).not.toBe('');
  expect(errors).toEqual([]);
});
