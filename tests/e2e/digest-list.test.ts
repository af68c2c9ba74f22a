import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLocalUser } from '../../tools/local-stack/src/auth/index.ts';
import { collectErrors, launchChromium, ready } from './browser.ts';
import { startWorld, type World } from './world.ts';

// The weekly digests beside the sync's health (reporting.digest_sends): one line per company,
// week, status and error category, for the companies the reader may see, without addresses
// or error texts; a failed read hides the list and leaves the figures alone.
let w: World;
let browser: Browser;
let first: number;
let second: number;
const names = new Map<number, string>();

beforeAll(async () => {
  [w, browser] = await Promise.all([startWorld({ sim: { scale: 1500 } }), launchChromium()]);
  expect(await w.sync()).toBe(true);
  for (const c of await w.h
    .sql`select company_id::int as id, name from reporting.companies order by company_id`)
    names.set(c.id, c.name);
  [first, second] = [...names.keys()];
  expect(second).toBeDefined();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await w?.close();
});

/** The list as shown: company, week, status and category of each line, then its text. */
async function digestLines(page: Page) {
  return page.locator('#digests-list li').evaluateAll((lis) =>
    lis.map((li) => {
      const d = (li as HTMLElement).dataset;
      return `${d.company}|${d.week}|${d.status}|${d.category}`;
    }),
  );
}

async function reload(page: Page) {
  await page.evaluate(() => {
    document.body.dataset.ready = '';
  });
  await page.locator('[data-testid="reload"]').click();
  expect(await ready(page)).toBe('true');
}

it('lists each company’s digests by week and status, without addresses or error texts', async () => {
  const page = await (await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' })).newPage();
  const errors = collectErrors(page);
  await page.goto(`${w.url}/?poll=600`);
  expect(await ready(page)).toBe('true');
  // Nothing sent yet: no list.
  await expect.poll(() => page.locator('#digests').isHidden()).toBe(true);

  await w.h.sql`insert into ods.digest_sends
      (company_id, week_start, recipient, status, attempts, sent_at, error, error_category)
    values (${first}, '2026-11-30', 'ana@example.com', 'sent', 1, now(), null, null),
           (${first}, '2026-11-30', 'bo@example.com', 'sent', 1, now(), null, null),
           (${second}, '2026-11-30', 'cy@example.com', 'failed', 4, null,
            'SMTP 550 mailbox cy@example.com unavailable', 'mail_refused'),
           (${first}, '2026-11-23', 'ana@example.com', 'sent', 1, now(), null, null)`;
  await reload(page);
  expect(await page.locator('#digests').isVisible()).toBe(true);
  expect(await digestLines(page)).toEqual([
    `${first}|2026-11-30|sent|`,
    `${second}|2026-11-30|failed|mail_refused`,
    `${first}|2026-11-23|sent|`,
  ]);
  const text = (await page.locator('#digests').textContent()) ?? '';
  expect(text).toContain(`${names.get(first)} · week of 2026-11-30 · sent · 2 recipients`);
  expect(text).toContain(`${names.get(second)} · week of 2026-11-30 · failed (mail_refused)`);
  expect(await page.locator('body').textContent()).not.toMatch(/example\.com|mailbox/);

  // The view unreadable (as on a database without it): the list goes, the figures stay.
  await w.h.sql`revoke select on reporting.digest_sends from anon`;
  try {
    await reload(page);
    expect(await page.locator('#digests').isHidden()).toBe(true);
    expect(await page.locator('#digests').getAttribute('data-error')).toBeTruthy();
    expect(await page.locator('.card-error:visible').count()).toBe(0);
    expect(await page.locator('[data-testid="login"]').isHidden()).toBe(true);
  } finally {
    await w.h.sql`grant select on reporting.digest_sends to anon`;
  }
  // Only the refused read itself may show in the console.
  expect(errors.filter((e) => !/40[13]|digest_sends/.test(e))).toEqual([]);
  await page.close();
});

it('a signed-in user sees the digests of the companies granted to them, none after signing out', async () => {
  await w.demoAccess(false);
  await createLocalUser(w.h.dbUrl, {
    email: 'digest-reader@example.com',
    password: 'digest-secret',
    appMetadata: { company_ids: [second] },
  });
  const page = await (await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' })).newPage();
  await page.goto(`${w.url}/?poll=600`);
  expect(await ready(page)).toBe('login');
  expect(await page.locator('#digests').isHidden()).toBe(true);
  await page.locator('#login-email').fill('digest-reader@example.com');
  await page.locator('#login-password').fill('digest-secret');
  await page.locator('#login-submit').click();
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  expect(await digestLines(page)).toEqual([`${second}|2026-11-30|failed|mail_refused`]);
  expect(await page.locator('#digests').isVisible()).toBe(true);
  await page.locator('[data-testid="sign-out"]').click();
  await page.waitForFunction(() => document.body.dataset.ready === 'login');
  expect(await page.locator('#digests').isHidden()).toBe(true);
  await page.close();
});
