// Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { ensureChromium } from '../../tools/local-stack/src/install.ts';
import { ROOT } from '../../tools/local-stack/src/paths.ts';

export const ARTIFACTS = join(ROOT, 'test-artifacts');

/** A fresh browser (playwright gives each launch its own temporary user-data-dir). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? ensureChromium(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Waits until the page says it is done: 'true' (dashboard), 'login' or 'error'. */
export async function ready(page: Page, timeout = 20_000): Promise<string> {
  await page.waitForFunction(
    () => ['true', 'login', 'error'].includes(document.body.dataset.ready ?? ''),
    null,
    { timeout },
  );
  return page.evaluate(() => document.body.dataset.ready ?? '');
}

/** The page's errors (uncaught exceptions, console errors, failed requests) for assertions. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The exact value a figure carries (data-value, a decimal string) in minor units. */
export async function minorOf(page: Page, selector: string): Promise<number> {
  const v = await page.locator(selector).getAttribute('data-value');
  if (v === null) throw new Error(`${selector} has no data-value`);
  return Math.round(Number(v) * 100);
}

/** The digits a figure shows, as minor units (what a reader sees, currency formatting aside). */
export async function shownMinorOf(page: Page, selector: string): Promise<number> {
  const text = (await page.locator(selector).textContent()) ?? '';
  const digits = text.replace(/[^\d-]/g, '').replace(/(?!^)-/g, '');
  // Negative amounts render with a minus sign (U+2212 in some locales).
  const negative = /[-\u2212]/.test(text);
  return (negative ? -1 : 1) * Math.abs(Number(digits));
}
