import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalUser } from '../../tools/local-stack/src/auth/index.ts';
import { ANON_KEY } from '../../tools/local-stack/src/keys.ts';
import { ROOT } from '../../tools/local-stack/src/paths.ts';
import { type Books, startBooks } from './books.ts';

// The attack: with the public anon key from the page's config.js, sign up and read every
// company's books. Now sign-ups are off, and a user who exists anyway (sign-ups left on, an
// invited user nobody granted anything) reads zero rows until an administrator grants a company.
let b: Books;

beforeAll(async () => {
  b = await startBooks();
}, 180_000);
afterAll(async () => {
  await b?.close();
});

const headers = (token?: string) => ({
  apikey: ANON_KEY,
  Authorization: `Bearer ${token ?? ANON_KEY}`,
  'Content-Type': 'application/json',
});

async function signIn(email: string, password: string): Promise<string> {
  const res = await fetch(`${b.platform.url}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: headers(),
    body: JSON.stringify({ email, password }),
  });
  expect(res.status).toBe(200);
  return (await res.json()).access_token;
}

const today = new Date().toISOString().slice(0, 10);
const FUNCTIONS: [string, Record<string, unknown>][] = [
  ['aged_balance', { as_of: today, kind: 'receivable' }],
  ['aged_totals_as_of', { as_of: today, kind: 'receivable' }],
  ['aged_balance_top', { as_of: today, kind: 'receivable', n: 50 }],
];

/** Per view and function: the companies its rows belong to (count for views without one). */
async function readEverything(token: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const read = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${b.platform.url}/rest/v1/${path}`, {
      ...init,
      headers: { ...headers(token), 'Accept-Profile': 'reporting', 'Content-Profile': 'reporting' },
    });
    expect(res.status, path).toBe(200);
    return (await res.json()) as Record<string, unknown>[];
  };
  for (const v of b.views) {
    const rows = await read(v);
    out[v] = b.withoutCompany.includes(v)
      ? `${rows.length} rows`
      : [...new Set(rows.map((r) => Number(r.company_id)))].sort();
  }
  for (const [fn, args] of FUNCTIONS) {
    const rows = await read(`rpc/${fn}`, { method: 'POST', body: JSON.stringify(args) });
    out[fn] = [...new Set(rows.map((r) => Number(r.company_id)))].sort();
  }
  return out;
}

// Asynchronous, so the gateway this process serves keeps answering while the command runs
// (a blocked event loop lets keep-alive sockets expire under the client: ECONNRESET).
const access = (...args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'tools/local-stack/bin/stack.mjs'), 'run', 'tools/access/cli.ts', ...args],
      { cwd: ROOT, env: { ...process.env, SUPABASE_DB_URL: b.dbUrl } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });

describe('sign up, then read', () => {
  it('sign-ups are off: in supabase/config.toml and on the local stack', async () => {
    const toml = parse(readFileSync(join(ROOT, 'supabase', 'config.toml'), 'utf8')) as any;
    expect(toml.auth.enable_signup).toBe(false);
    expect(toml.auth.email.enable_signup).toBe(false);
    const res = await fetch(`${b.platform.url}/auth/v1/signup`, {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({ email: 'attacker@example.com', password: 'attacker-pass' }),
    });
    expect(res.status).toBe(422);
    expect((await res.json()).error_code).toBe('signup_disabled');
  });

  it('a user without a grant reads zero rows from every view and function', async () => {
    expect(b.views.length).toBeGreaterThanOrEqual(11);
    await createLocalUser(b.dbUrl, { email: 'signed-up@example.com', password: 'signed-up-pass' });
    const token = await signIn('signed-up@example.com', 'signed-up-pass');
    const seen = await readEverything(token);
    for (const [name, value] of Object.entries(seen))
      expect(value, name).toEqual(Array.isArray(value) ? [] : '0 rows');
  }, 60_000);

  it('`npm run access -- grant <email> 1` shows company 1 only; revoke takes it back', async () => {
    const granted = await access('grant', 'signed-up@example.com', '1');
    expect(granted.stdout + granted.stderr).toContain('granted companies 1');
    expect(granted.status).toBe(0);
    const token = await signIn('signed-up@example.com', 'signed-up-pass');
    // An export of company 1 (reporting.export_jobs shows a user their own).
    const asked = await fetch(`${b.platform.url}/rest/v1/rpc/request_export`, {
      method: 'POST',
      headers: { ...headers(token), 'Content-Profile': 'reporting' },
      body: JSON.stringify({ kind: 'open_invoices', params: { company_id: 1 } }),
    });
    expect(asked.status).toBe(200);
    const seen = await readEverything(token);
    for (const [name, value] of Object.entries(seen))
      expect(value, name).toEqual(Array.isArray(value) ? [1] : expect.not.stringMatching(/^0 /));

    const listed = await access('list');
    expect(listed.stdout).toMatch(/signed-up@example.com\t[0-9a-f-]{36}\tcompanies: 1/);
    const revoked = await access('revoke', 'signed-up@example.com');
    expect(revoked.status).toBe(0);
    // The grant is checked on every request: the same token reads nothing any more.
    for (const [name, value] of Object.entries(await readEverything(token)))
      expect(value, name).toEqual(Array.isArray(value) ? [] : '0 rows');
  }, 60_000);
});
