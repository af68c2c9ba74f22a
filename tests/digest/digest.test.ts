import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDigestConfig } from '../../packages/shared/src/digest/digest-config.ts';
import { digestFigures } from '../../packages/shared/src/digest/digest-figures.ts';
import { handleDigestRequest } from '../../packages/shared/src/digest/http-handler.ts';
import { runDigest as runDigestHere } from '../../packages/shared/src/digest/run-digest.ts';
import { freePort } from '../../tools/local-stack/src/cluster.ts';
import { SERVICE_ROLE_KEY } from '../../tools/local-stack/src/keys.ts';
import type { CapturedEmail } from '../../tools/local-stack/src/mail-sink/index.ts';
import { type Platform, startPlatform } from '../../tools/local-stack/src/platform.ts';
import { launchChromium } from '../e2e/browser.ts';
import { BUCKETS, cents, companyIds, randomDates, refreshAll } from '../reporting/helpers.ts';
import { type SyncHarness, startSyncHarness } from '../sync/harness.ts';

// The weekly digest end to end: synced books, the `digest` Edge Function in Deno (called
// directly, and through pg_cron's path: ods.invoke_digest → pg_net → the function), the local
// mail sink over real HTTP, and the captured e-mail's figures against the reporting views.
let h: SyncHarness;
let platform: Platform;
let companies: number[];
const tag = `${process.pid}`;
const ana = `ana.${tag}@example.com`;
const luis = `luis.${tag}@example.com`;

const runDigest = async () => {
  const res = await fetch(`${platform.url}/functions/v1/digest`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${SERVICE_ROLE_KEY}`, 'Content-Type': 'application/json' },
    body: '{}',
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { claimed: number; sent: number; retry: number; failed: number };
};

const mailTo = (address: string): CapturedEmail[] =>
  platform.mail.messages().filter((m) => m.to.includes(address));

/** data-figure → data-value of every figure in a digest's HTML. */
function figuresOf(html: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of html.matchAll(/data-figure="([^"]+)"[^>]*?data-value="([^"]*)"/g))
    out.set(m[1], m[2]);
  return out;
}

async function subscribe(companyId: number, recipients: string[]) {
  // Due now: today (UTC) at 00:00.
  await h.sql`insert into ods.digest_subscriptions (company_id, recipients, weekday, hour, timezone)
    values (${companyId}, ${recipients}, extract(isodow from now() at time zone 'UTC')::int, 0, 'UTC')
    on conflict (company_id) do update set recipients = excluded.recipients`;
}

/** What the digest must say for a company, computed here from the reporting views. */
async function expected(companyId: number) {
  const [rec] = await h.sql`select * from reporting.aged_totals
    where company_id = ${companyId} and kind = 'receivable'`;
  const [pay] = await h.sql`select * from reporting.aged_totals
    where company_id = ${companyId} and kind = 'payable'`;
  const before =
    await h.sql`select total from reporting.aged_balance(current_date - 7, 'receivable')
    where company_id = ${companyId}`;
  const open = await h.sql`select partner_id, residual_company, days_overdue
    from reporting.open_invoices where company_id = ${companyId} and kind = 'receivable' and overdue`;
  const byPartner = new Map<string, { amount: number; days: number; invoices: number }>();
  for (const o of open) {
    const k = String(o.partner_id);
    const e = byPartner.get(k) ?? { amount: 0, days: 0, invoices: 0 };
    byPartner.set(k, {
      amount: e.amount + cents(o.residual_company),
      days: Math.max(e.days, Number(o.days_overdue)),
      invoices: e.invoices + 1,
    });
  }
  const top = [...byPartner.entries()]
    .filter(([, v]) => v.amount > 0)
    .sort((a, b) => b[1].amount - a[1].amount)
    .slice(0, 10);
  const cash =
    await h.sql`select position from reporting.cash_position where company_id = ${companyId}`;
  const [fresh] = await h.sql`select data_as_of from reporting.freshness`;
  return {
    rec,
    pay,
    previousTotal: before.reduce((s, r) => s + cents(r.total), 0),
    top,
    cash: cash.reduce((s, r) => s + cents(r.position), 0),
    dataAsOf: fresh.data_as_of ? new Date(fresh.data_as_of).toISOString() : '',
  };
}

beforeAll(async () => {
  h = await startSyncHarness({ seed: 47, scale: 2000 });
  // Nothing runs behind the test's back: it drives the digest (and the schedule's path) itself.
  await h.sql`select cron.unschedule(jobname) from cron.job`;
  await h.syncToEnd();
  await refreshAll(h.sql);
  companies = companyIds(h);
  platform = await startPlatform({
    dbPort: Number(new URL(h.dbUrl).port),
    gatewayPort: await freePort(),
    functionEnv: { DIGEST_RETRY_SECONDS: '0', DIGEST_MAX_ATTEMPTS: '3' },
  });
  for (const [name, value] of [
    ['project_url', platform.url],
    ['service_role_key', SERVICE_ROLE_KEY],
  ])
    await h.sql`select vault.create_secret(${value}, ${name})`;
}, 240_000);

afterAll(async () => {
  await platform?.close();
  await h?.close();
});

describe('weekly digest', () => {
  it('a run sends one e-mail per recipient with the reporting views’ figures', async () => {
    const c = companies[0];
    await subscribe(c, [ana, luis]);
    const summary = await runDigest();
    expect(summary).toMatchObject({ claimed: 2, sent: 2, failed: 0 });
    expect(mailTo(ana)).toHaveLength(1);
    expect(mailTo(luis)).toHaveLength(1);
    const mail = mailTo(ana)[0];
    expect(mail.to).toEqual([ana]);
    expect(mail.text).toContain('Weekly digest');
    const f = figuresOf(mail.html ?? '');
    const want = await expected(c);
    for (const side of ['receivable', 'payable'] as const) {
      const row = side === 'receivable' ? want.rec : want.pay;
      for (const b of BUCKETS)
        expect(cents(f.get(`${side}.${b}`)), `${side}.${b}`).toBe(cents(row[b]));
      expect(cents(f.get(`${side}.overdue`))).toBe(cents(row.total) - cents(row.not_due));
      const share =
        cents(row.total) === 0
          ? ''
          : ((100 * (cents(row.total) - cents(row.not_due))) / cents(row.total)).toFixed(1);
      expect(f.get(`${side}.overdue_share`)).toBe(share);
    }
    expect(cents(f.get('receivable.previous_total'))).toBe(want.previousTotal);
    expect(cents(f.get('receivable.change_total'))).toBe(
      cents(want.rec.total) - want.previousTotal,
    );
    expect(want.top.length).toBeGreaterThan(0);
    want.top.forEach(([, v], i) => {
      expect(cents(f.get(`top.${i}.amount`)), `top ${i}`).toBe(v.amount);
      expect(Number(f.get(`top.${i}.days_overdue`))).toBe(v.days);
      expect(Number(f.get(`top.${i}.invoices`))).toBe(v.invoices);
    });
    expect(f.has(`top.${want.top.length}.amount`)).toBe(false);
    expect(cents(f.get('cash.total'))).toBe(want.cash);
    expect(f.get('freshness.data_as_of')).toBe(want.dataAsOf);
    const [send] = await h.sql`select status, attempts, sent_at from reporting.digest_sends
      where recipient = ${ana}`;
    expect(send).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('the change against the week before is aged_balance seven days earlier (dates with activity)', async () => {
    let moved = 0;
    for (const asOf of randomDates(1313, 6, '2025-03-01', '2026-10-31')) {
      for (const c of companies) {
        const f = await digestFigures(h.sql, c, asOf);
        for (const kind of ['receivable', 'payable'] as const) {
          const rows = async (d: string) =>
            h.sql`select total, not_due from reporting.aged_balance(${d}::date, ${kind})
              where company_id = ${c}`;
          const sum = (rs: readonly Record<string, unknown>[], k: string) =>
            rs.reduce((s, r) => s + cents(r[k]), 0);
          const now = await rows(asOf);
          const before = await rows(f.previousAsOf);
          const side = f[kind];
          expect(f.previousAsOf).toBe(
            new Date(Date.parse(asOf) - 7 * 86_400_000).toISOString().slice(0, 10),
          );
          expect(cents(side.total), `${asOf} ${c} ${kind}`).toBe(sum(now, 'total'));
          expect(cents(side.previousTotal)).toBe(sum(before, 'total'));
          expect(cents(side.changeTotal)).toBe(sum(now, 'total') - sum(before, 'total'));
          expect(cents(side.changeOverdue)).toBe(
            sum(now, 'total') -
              sum(now, 'not_due') -
              (sum(before, 'total') - sum(before, 'not_due')),
          );
          if (cents(side.changeTotal) !== 0) moved++;
        }
      }
    }
    expect(moved).toBeGreaterThan(0);
  });

  it('running the schedule again the same week sends nothing twice', async () => {
    const before = platform.mail.messages().length;
    expect(await runDigest()).toMatchObject({ claimed: 0, sent: 0 });
    const [{ id }] = await h.sql`select ods.invoke_digest('test') as id`;
    expect(id).toBeNull(); // nothing due: the function is not even called
    // A new subscription, and the cron path twice at once: each recipient still gets one.
    const c = companies[1] ?? companies[0];
    const pia = `pia.${tag}@example.com`;
    const noa = `noa.${tag}@example.com`;
    await subscribe(c, c === companies[0] ? [ana, luis, pia, noa] : [pia, noa]);
    const ids = [];
    for (let i = 0; i < 2; i++)
      ids.push((await h.sql`select ods.invoke_digest('test') as id`)[0].id);
    expect(ids.every((x) => x !== null)).toBe(true);
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      const [{ n }] = await h.sql`select count(*)::int as n from net._http_response
        where id = any(${ids.map(Number)})`;
      if (n === ids.length) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const responses = await h.sql`select status_code from net._http_response
      where id = any(${ids.map(Number)})`;
    expect(responses.map((r) => r.status_code)).toEqual([200, 200]);
    expect(mailTo(pia)).toHaveLength(1);
    expect(mailTo(noa)).toHaveLength(1);
    expect(mailTo(ana)).toHaveLength(1);
    expect(platform.mail.messages().length).toBe(before + 2);
    expect(await runDigest()).toMatchObject({ claimed: 0 });
  });

  it('a failing mail API is retried, then the send is visible as failed (text for admins only)', async () => {
    const c = companies[0];
    const flaky = `flaky.${tag}@example.com`;
    const down = `down.${tag}@example.com`;
    const [{ recipients }] = await h.sql`select recipients from ods.digest_subscriptions
      where company_id = ${c}`;
    const fail = (count: number) =>
      fetch(`${platform.mail.url}/api/fail`, {
        method: 'POST',
        body: JSON.stringify({ count, status: 500 }),
      });
    // flaky: one 500, then delivered on the retry.
    await subscribe(c, [...recipients, flaky]);
    await fail(1);
    expect(await runDigest()).toMatchObject({ claimed: 1, retry: 1 });
    expect(await runDigest()).toMatchObject({ claimed: 1, sent: 1 });
    expect(mailTo(flaky)).toHaveLength(1);
    // down: 500 on every attempt; DIGEST_MAX_ATTEMPTS=3.
    await subscribe(c, [...recipients, flaky, down]);
    await fail(100);
    try {
      expect(await runDigest()).toMatchObject({ claimed: 1, retry: 1 });
      expect(await runDigest()).toMatchObject({ claimed: 1, retry: 1 });
      expect(await runDigest()).toMatchObject({ claimed: 1, failed: 1 });
      expect(await runDigest()).toMatchObject({ claimed: 0 });
    } finally {
      await fail(0);
    }
    expect(mailTo(down)).toHaveLength(0);
    const [admin] = await h.sql`select status, attempts, error, error_category
      from reporting.digest_sends where recipient = ${down}`;
    expect(admin).toMatchObject({ status: 'failed', attempts: 3, error_category: 'mail' });
    expect(admin.error).toContain('500');
    // A reader granted the company sees the failure and its category, not the text.
    const user = '6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
    await h.sql`insert into ods.access_grants (user_id, company_id) values (${user}, ${c})`;
    const seen = await h.sql.begin(async (tx) => {
      await tx`select set_config('role', 'authenticated', true),
        set_config('request.jwt.claims', ${JSON.stringify({ sub: user, role: 'authenticated' })}, true)`;
      return tx`select status, error, error_category from reporting.digest_sends
        where recipient = ${down}`;
    });
    expect(seen).toEqual([{ status: 'failed', error: null, error_category: 'mail' }]);
  });

  it('a send whose worker died after the mail API took it is taken over and not sent twice', async () => {
    const c = companies[0];
    const lost = `lost.${tag}@example.com`;
    const [{ id }] = await h.sql`insert into ods.digest_sends
        (company_id, week_start, recipient, status, attempts, locked_until, last_attempt_at)
      values (${c}, date_trunc('week', now() at time zone 'UTC')::date, ${lost}, 'sending', 1,
              now() - interval '1 minute', now() - interval '6 minutes')
      returning id`;
    // What the dead attempt had sent: the figures have moved since, so another payload.
    const earlier = await fetch(`${platform.mail.url}/emails`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${platform.mail.apiKey}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': `weekly-digest/${id}`,
      },
      body: JSON.stringify({ from: 'a@example.com', to: [lost], subject: 'earlier', html: '<p/>' }),
    });
    expect(earlier.status).toBe(200);
    expect(await runDigest()).toMatchObject({ claimed: 1, sent: 1 });
    expect(mailTo(lost)).toHaveLength(1);
    const [row] = await h.sql`select status, attempts from ods.digest_sends where id = ${id}`;
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('the workbook hook: bytes are attached, a link is linked', async () => {
    const c = companies[0];
    const config = loadDigestConfig({
      SUPABASE_DB_URL: h.dbUrl,
      RESEND_BASE_URL: platform.mail.url,
      RESEND_API_KEY: platform.mail.apiKey,
      MAIL_FROM: 'Finanzas <digest@example.com>',
    });
    const [{ recipients }] = await h.sql`select recipients from ods.digest_subscriptions
      where company_id = ${c}`;
    const attached = `attached.${tag}@example.com`;
    const linked = `linked.${tag}@example.com`;
    const bytes = new Uint8Array([80, 75, 3, 4, 0, 255, 7]);
    const asked: unknown[] = [];
    await subscribe(c, [...recipients, attached]);
    const one = await runDigestHere({
      sql: h.sql,
      config,
      workbook: async (req) => {
        asked.push(req);
        return { filename: 'aged-receivable.xlsx', content: bytes };
      },
    });
    expect(one).toMatchObject({ claimed: 1, sent: 1 });
    expect(asked).toEqual([expect.objectContaining({ companyId: c })]);
    const [a] = mailTo(attached);
    expect(a.attachments).toEqual([
      expect.objectContaining({
        filename: 'aged-receivable.xlsx',
        content: Buffer.from(bytes).toString('base64'),
        content_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      }),
    ]);
    await subscribe(c, [...recipients, attached, linked]);
    const link = 'https://example.supabase.co/storage/v1/object/sign/exports/u/f.xlsx?token=t';
    expect(
      await runDigestHere({ sql: h.sql, config, workbook: async () => ({ link }) }),
    ).toMatchObject({ sent: 1 });
    const [l] = mailTo(linked);
    expect(l.attachments).toEqual([]);
    expect(l.html).toContain(`href="${link}"`);
  });

  it('a full batch calls the function again at once (pg_net), which sends the rest', async () => {
    const c = companies[0];
    const [{ recipients }] = await h.sql`select recipients from ods.digest_subscriptions
      where company_id = ${c}`;
    const more = [`more1.${tag}@example.com`, `more2.${tag}@example.com`];
    await subscribe(c, [...recipients, ...more]);
    const res = await handleDigestRequest(
      new Request('http://local/digest', {
        method: 'POST',
        headers: { Authorization: `Bearer ${SERVICE_ROLE_KEY}` },
      }),
      {
        SUPABASE_DB_URL: h.dbUrl,
        SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY,
        RESEND_BASE_URL: platform.mail.url,
        RESEND_API_KEY: platform.mail.apiKey,
        MAIL_FROM: 'Finanzas <digest@example.com>',
        DIGEST_BATCH: '1',
      },
    );
    expect(await res.json()).toMatchObject({ claimed: 1, sent: 1, continued: true });
    const until = Date.now() + 60_000;
    while (Date.now() < until && more.some((m) => mailTo(m).length === 0))
      await new Promise((r) => setTimeout(r, 250));
    expect(more.map((m) => mailTo(m).length)).toEqual([1, 1]);
  });

  it('Chromium: the captured e-mail on the sink’s page shows the database’s figures', async () => {
    const c = companies[0];
    const mail = mailTo(ana)[0];
    const want = await expected(c);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${platform.mail.url}/`);
      await page.locator(`tr[data-id="${mail.id}"] a`).click();
      await page.waitForURL(`**/messages/${mail.id}`);
      const body = page.frameLocator('iframe#body');
      const shown = async (figure: string) => {
        const el = body.locator(`[data-figure="${figure}"]`);
        return {
          value: await el.getAttribute('data-value'),
          text: (await el.textContent()) ?? '',
        };
      };
      const digits = (t: string) => Number(t.replace(/[^\d-]/g, ''));
      for (const [figure, cents_] of [
        ['receivable.total', cents(want.rec.total)],
        ['receivable.days_1_30', cents(want.rec.days_1_30)],
        ['payable.total', cents(want.pay.total)],
        ['cash.total', want.cash],
        ['top.0.amount', want.top[0][1].amount],
      ] as const) {
        const s = await shown(figure);
        expect(cents(s.value), figure).toBe(cents_);
        expect(digits(s.text), `${figure} as shown`).toBe(cents_);
      }
      expect((await shown('company')).text).toBe(
        (await h.sql`select name from reporting.companies where company_id = ${c}`)[0].name,
      );
    } finally {
      await browser.close();
    }
  });
});
