import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FileStore, storageFileStore } from '../../packages/shared/src/jobs/file-store.ts';
import { runJobsInvocation } from '../../packages/shared/src/jobs/worker.ts';
import { createLocalUser } from '../../tools/local-stack/src/auth/index.ts';
import { freePort } from '../../tools/local-stack/src/cluster.ts';
import { SERVICE_ROLE_KEY } from '../../tools/local-stack/src/keys.ts';
import { type Platform, startPlatform } from '../../tools/local-stack/src/platform.ts';
import { type ExportBooks, startBooks } from '../jobs/books.ts';
import { runUntilIdle } from '../jobs/run-jobs.ts';
import { readBack } from '../xlsx/read-back.ts';
import { collectErrors, launchChromium, ready, screenshot } from './browser.ts';

// The page's "Export to Excel" and jobs panel in Chromium: the button queues a job for the
// signed-in user with the filters on screen, the panel shows its progress while the worker
// writes it slice by slice, and a Download link once it is done. (The worker runs here, slice
// by slice, so the test sees the progress between invocations.)
let books: ExportBooks;
let platform: Platform;
let browser: Browser;
let page: Page;
let errors: string[];
// Files go to the local Storage stand-in, as the deployed worker stores them.
let store: FileStore;

beforeAll(async () => {
  books = await startBooks(3000, 'exports-page');
  [platform, browser] = await Promise.all([
    startPlatform({ dbPort: Number(new URL(books.dbUrl).port), gatewayPort: await freePort() }),
    launchChromium(),
  ]);
  store = storageFileStore(platform.url, SERVICE_ROLE_KEY, 'exports');
  const id = await createLocalUser(books.dbUrl, {
    email: 'exports@example.com',
    password: 'correct-horse',
  });
  await books.sql`insert into ods.access_grants (user_id, company_id) values (${id}, 1)`;
  const context = await browser.newContext({
    locale: 'en-US',
    timezoneId: 'UTC',
    acceptDownloads: true,
  });
  page = await context.newPage();
  errors = collectErrors(page);
  await page.goto(`${platform.url}/`);
  expect(await ready(page)).toBe('login');
  await page.locator('#login-email').fill('exports@example.com');
  await page.locator('#login-password').fill('correct-horse');
  await page.locator('#login-submit').click();
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
  await books?.close();
});

const jobs = () =>
  page.locator('[data-testid="exports-list"] li').evaluateAll((lis) =>
    lis.map((li) => ({
      job: Number((li as HTMLElement).dataset.job),
      status: (li as HTMLElement).dataset.status,
      rows: Number((li as HTMLElement).dataset.rows),
      text: li.textContent ?? '',
      download: !!li.querySelector('[data-testid="export-download"]'),
    })),
  );

describe('Export to Excel on the page', () => {
  it('queues the aged receivable with the date on screen, shows its progress, then a download link', async () => {
    expect(await page.locator('[data-testid="exports"]').isHidden()).toBe(true);
    await page.locator('#as-of').fill('2026-10-15');
    await page.locator('#as-of').dispatchEvent('change');
    await page.locator('[data-testid="aging-xlsx"]').click();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="exports-list"] li').length === 1,
    );
    const [queued] = await jobs();
    expect(queued).toMatchObject({ status: 'queued', rows: 0 });
    expect(queued.text).toContain('Aged receivable');
    const [row] = await books.sql`select kind, params from ods.jobs where id = ${queued.job}`;
    expect(row).toEqual({
      kind: 'aged_receivable',
      params: { company_id: 1, as_of: '2026-10-15' },
    });

    // One invocation: part of the file is written; the panel (polling) shows how much.
    const first = await runJobsInvocation({
      sql: books.sql,
      store,
      config: { sliceRows: 500, budgetMs: 1, leaseSeconds: 60, retrySeconds: 0, bucket: 'exports' },
    });
    expect(first.outcome).toBe('more');
    await page.waitForFunction(
      () =>
        Number(
          document.querySelector<HTMLElement>('[data-testid="exports-list"] li')?.dataset.rows,
        ) > 0,
    );
    const [running] = await jobs();
    expect(running.status).toBe('running');
    expect(running.text).toMatch(/500 of [\d,]+ rows/);

    await runUntilIdle(books.sql, store);
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLElement>('[data-testid="exports-list"] li')?.dataset.status ===
        'done',
    );
    const [done] = await jobs();
    expect(done.download).toBe(true);
    expect(done.text).toContain('ready');
    // Download: the page signs a short-lived link with the user's session and follows it.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="export-download"]').first().click(),
    ]);
    expect(download.suggestedFilename()).toBe('aged-receivable-1-2026-10-15.xlsx');
    const book = readBack(new Uint8Array(readFileSync((await download.path())!)));
    expect(book.map((s) => s.name)).toEqual(['Summary', 'Open items']);
    expect(book[0].rows[2][1]).toBe('2026-10-15T00:00:00');
    await screenshot(page, 'exports-panel.png');
  });

  it('exports the overdue table with the kind and search on screen', async () => {
    await page.locator('#overdue-kind').selectOption('receivable');
    await page.locator('#overdue-search').fill('sons');
    await page.waitForTimeout(400);
    await page.locator('[data-testid="overdue-xlsx"]').click();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="exports-list"] li').length === 2,
    );
    const [latest] = await books.sql`select kind, params from ods.jobs order by id desc limit 1`;
    expect(latest).toEqual({
      kind: 'open_invoices',
      params: { company_id: 1, overdue_only: true, kind: 'receivable', search: 'sons' },
    });
    await runUntilIdle(books.sql, store);
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLElement>('[data-testid="exports-list"] li')?.dataset.status ===
        'done',
    );
    // The anonymous reads before signing in answer 401, as on every page load without a session.
    expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });
});
