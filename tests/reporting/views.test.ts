import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SyncHarness, startSyncHarness } from '../sync/harness.ts';
import { cents, refreshAll } from './helpers.ts';

// The other reporting views against the simulator's truth (independent of the SQL), plus the
// row restriction by company from the JWT claim.
type Row = Record<string, any>;
const INVOICE_TYPES = new Set([
  'out_invoice',
  'out_refund',
  'out_receipt',
  'in_invoice',
  'in_refund',
  'in_receipt',
]);
const key = (...parts: unknown[]) =>
  parts.map((p) => (p === false || p == null ? '-' : p)).join('|');
const m2o = (v: unknown): number | false =>
  Array.isArray(v) ? Number(v[0]) : typeof v === 'number' && v ? v : false;

let h: SyncHarness;
let lines: Row[];
let accounts: Map<number, Row>;
let today: string;

beforeAll(async () => {
  h = await startSyncHarness({ seed: 5, scale: 3000 });
  await h.sql`select cron.unschedule('reporting-refresh')`;
  await h.syncToEnd();
  await refreshAll(h.sql);
  lines = h.sim.control.truth('account.move.line');
  accounts = new Map(h.sim.control.truth('account.account').map((a) => [Number(a.id), a]));
  [{ today }] = await h.sql`select current_date::text as today`;
});

afterAll(async () => {
  await h?.close();
});

const accountType = (l: Row) => accounts.get(m2o(l.account_id) as number)?.account_type;
const isTrade = (l: Row) => {
  const a = accounts.get(m2o(l.account_id) as number);
  return (
    l.parent_state === 'posted' &&
    !a?.non_trade &&
    (a?.account_type === 'asset_receivable' || a?.account_type === 'liability_payable')
  );
};

function sumBy(rows: Row[], keyOf: (r: Row) => string, value: (r: Row) => number) {
  const out = new Map<string, number>();
  for (const r of rows) out.set(keyOf(r), (out.get(keyOf(r)) ?? 0) + value(r));
  return out;
}

const nonZero = (m: Map<string, number>) =>
  [...m].filter(([, v]) => v !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

describe('reporting views vs the simulator', () => {
  it('open_invoices: posted invoices/bills with a residual, due date, days overdue', async () => {
    const truth = h.sim.control
      .truth('account.move')
      .filter((m) => m.state === 'posted' && INVOICE_TYPES.has(m.move_type as string))
      .filter((m) => cents(m.amount_residual) !== 0);
    const rows = await h.sql`select * from reporting.open_invoices`;
    const asKey = (id: unknown, residual: unknown, signed: unknown, due: unknown) =>
      key(Number(id), cents(residual), cents(signed), due);
    const actual = (
      await h.sql`select move_id, amount_residual, residual_company, due_date::text as due,
        days_overdue, kind, move_type from reporting.open_invoices`
    )
      .map((r) => asKey(r.move_id, r.amount_residual, r.residual_company, r.due))
      .sort();
    const expected = truth
      .map((m) =>
        asKey(
          m.id,
          m.amount_residual,
          (String(m.move_type).startsWith('in_') ? -1 : 1) * Number(m.amount_residual_signed),
          m.invoice_date_due || m.invoice_date || m.date,
        ),
      )
      .sort();
    expect(actual).toEqual(expected);
    expect(actual.length).toBeGreaterThan(20);
    const [bad] = await h.sql`select count(*)::int as n from reporting.open_invoices
      where days_overdue <> greatest(current_date - due_date, 0)
         or (kind = 'receivable') <> (move_type like 'out\\_%')`;
    expect(bad.n).toBe(0);
    expect(rows.every((r) => r.partner_name && r.currency && r.company_currency)).toBe(true);
  });

  it('partner_balances: Σ posted trade receivable/payable items per company and partner', async () => {
    const trade = lines.filter(isTrade);
    const k = (l: Row) => key(m2o(l.company_id), m2o(l.partner_id));
    const recv = sumBy(
      trade.filter((l) => accountType(l) === 'asset_receivable'),
      k,
      (l) => cents(l.balance),
    );
    const pay = sumBy(
      trade.filter((l) => accountType(l) === 'liability_payable'),
      k,
      (l) => -cents(l.balance),
    );
    const bal = sumBy(trade, k, (l) => cents(l.balance));
    const rows = await h.sql`select * from reporting.partner_balances`;
    const got = (col: string) =>
      nonZero(
        new Map(
          rows.map((r) => [
            key(Number(r.company_id), r.partner_id && Number(r.partner_id)),
            cents(r[col]),
          ]),
        ),
      );
    expect(got('receivable_balance')).toEqual(nonZero(recv));
    expect(got('payable_balance')).toEqual(nonZero(pay));
    expect(got('balance')).toEqual(nonZero(bal));
    expect(rows.reduce((s, r) => s + Number(r.lines), 0)).toBe(trade.length);
  });

  it('partner_ledger: every trade item once, running balance per company and partner', async () => {
    const rows = await h.sql`select company_id, partner_id, line_id, date::text as date, balance,
      running_balance from reporting.partner_ledger order by company_id, partner_id, date, line_id`;
    expect(rows.map((r) => Number(r.line_id)).sort((a, b) => a - b)).toEqual(
      lines
        .filter(isTrade)
        .map((l) => Number(l.id))
        .sort((a, b) => a - b),
    );
    let group = '';
    let running = 0;
    for (const r of rows) {
      const g = key(r.company_id, r.partner_id);
      if (g !== group) [group, running] = [g, 0];
      running += cents(r.balance);
      expect(cents(r.running_balance), `line ${r.line_id}`).toBe(running);
    }
    // The last running balance of each partner is its balance.
    const last = await h.sql`select distinct on (company_id, partner_id) company_id, partner_id,
        running_balance from reporting.partner_ledger order by company_id, partner_id, date desc, line_id desc`;
    const balances =
      await h.sql`select company_id, partner_id, balance from reporting.partner_balances`;
    const b = new Map(balances.map((r) => [key(r.company_id, r.partner_id), cents(r.balance)]));
    for (const r of last)
      expect(cents(r.running_balance)).toBe(b.get(key(r.company_id, r.partner_id)));
  });

  it('revenue_expenses_by_month: Σ posted income/expense items per company and month', async () => {
    const posted = lines.filter((l) => l.parent_state === 'posted');
    const k = (l: Row) => key(m2o(l.company_id), String(l.date).slice(0, 7));
    const sum = (types: string[], sign: number) =>
      nonZero(
        sumBy(
          posted.filter((l) => types.includes(accountType(l) as string)),
          k,
          (l) => sign * cents(l.balance),
        ),
      );
    const rows = await h.sql`select *, to_char(month, 'YYYY-MM') as ym
      from reporting.revenue_expenses_by_month`;
    const got = (col: string) =>
      nonZero(new Map(rows.map((r) => [key(Number(r.company_id), r.ym), cents(r[col])])));
    expect(got('revenue')).toEqual(sum(['income'], -1));
    expect(got('other_income')).toEqual(sum(['income_other'], -1));
    expect(got('cost_of_revenue')).toEqual(sum(['expense_direct_cost'], 1));
    expect(got('expenses')).toEqual(sum(['expense', 'expense_other'], 1));
    expect(got('revenue').length).toBeGreaterThan(12);
    const [bad] = await h.sql`select count(*)::int as n from reporting.revenue_expenses_by_month
      where net_income <> total_income - total_expenses`;
    expect(bad.n).toBe(0);
  });

  it('cash_position: default account balance and outstanding payments per bank/cash journal', async () => {
    const journals = h.sim.control
      .truth('account.journal')
      .filter((j) => (j.type === 'bank' || j.type === 'cash') && j.active !== false);
    const posted = lines.filter((l) => l.parent_state === 'posted');
    const rows = await h.sql`select * from reporting.cash_position`;
    expect(rows.map((r) => Number(r.journal_id)).sort()).toEqual(
      journals.map((j) => Number(j.id)).sort(),
    );
    for (const j of journals) {
      const acc = m2o(j.default_account_id);
      const gl = posted
        .filter((l) => m2o(l.account_id) === acc)
        .reduce((s, l) => s + cents(l.balance), 0);
      const out = posted.filter((l) => {
        const a = accounts.get(m2o(l.account_id) as number);
        return (
          m2o(l.journal_id) === j.id &&
          a?.reconcile &&
          (a.account_type === 'asset_current' || a.account_type === 'liability_current') &&
          m2o(l.account_id) !== acc &&
          !l.reconciled &&
          cents(l.amount_residual) !== 0
        );
      });
      const receipts = out.reduce((s, l) => s + Math.max(0, cents(l.amount_residual)), 0);
      const payments = out.reduce((s, l) => s - Math.min(0, cents(l.amount_residual)), 0);
      const r = rows.find((x) => Number(x.journal_id) === j.id)!;
      expect([
        cents(r.balance),
        cents(r.outstanding_receipts),
        cents(r.outstanding_payments),
      ]).toEqual([gl, receipts, payments]);
      expect(cents(r.position)).toBe(gl + receipts - payments);
    }
    expect(rows.some((r) => cents(r.outstanding_receipts) > 0)).toBe(true);
  });

  it('cashflow_forecast: open trade residuals by due week, overdue folded into this week', async () => {
    const open = lines.filter(isTrade).filter((l) => cents(l.amount_residual) !== 0);
    const rows = await h.sql`select company_id, week_start::text as week, expected_in, expected_out,
      overdue_in, overdue_out, net, cumulative_net,
      date_trunc('week', current_date)::date::text as this_week from reporting.cashflow_forecast
      order by company_id, week_start`;
    const thisWeek = rows[0].this_week as string;
    const mondayOf = (d: string) => {
      const t = new Date(`${d}T00:00:00Z`);
      t.setUTCDate(t.getUTCDate() - ((t.getUTCDay() + 6) % 7));
      const w = t.toISOString().slice(0, 10);
      return w.localeCompare(thisWeek) < 0 ? thisWeek : w; // ISO dates compare as strings
    };
    const k = (l: Row) => key(m2o(l.company_id), mondayOf(String(l.date_maturity || l.date)));
    const inflow = sumBy(
      open.filter((l) => accountType(l) === 'asset_receivable'),
      k,
      (l) => cents(l.amount_residual),
    );
    const outflow = sumBy(
      open.filter((l) => accountType(l) === 'liability_payable'),
      k,
      (l) => -cents(l.amount_residual),
    );
    const got = (col: string) =>
      nonZero(new Map(rows.map((r) => [key(Number(r.company_id), r.week), cents(r[col])])));
    expect(got('expected_in')).toEqual(nonZero(inflow));
    expect(got('expected_out')).toEqual(nonZero(outflow));
    expect(rows.every((r) => r.week >= thisWeek)).toBe(true);
    const perCompany = new Map<number, number>();
    for (const r of rows) {
      const c = Number(r.company_id);
      perCompany.set(c, (perCompany.get(c) ?? 0) + cents(r.net));
      expect(cents(r.cumulative_net)).toBe(perCompany.get(c));
    }
  });

  it('companies and partners carry names and currencies', async () => {
    const companies = await h.sql`select * from reporting.companies order by company_id`;
    expect(companies.map((c) => c.currency)).toEqual(['EUR', 'MXN', 'USD']);
    const [{ n }] = await h.sql`select count(*)::int as n from reporting.partners`;
    expect(n).toBe(h.sim.control.truth('res.partner').length);
  });

  it('sync_health: one row per catalog model with lag from last_success_at', async () => {
    const rows = await h.sql`select * from reporting.sync_health`;
    const state = await h.sql`select model, rows, last_success_at from ods.sync_state`;
    expect(rows.map((r) => r.model).sort()).toEqual(state.map((s) => s.model).sort());
    for (const r of rows) {
      const s = state.find((x) => x.model === r.model)!;
      expect(Number(r.rows)).toBe(Number(s.rows));
      expect(r.last_success_at).toEqual(s.last_success_at);
      const age = (Date.now() - s.last_success_at.getTime()) / 1000;
      expect(Math.abs(Number(r.lag_seconds) - age)).toBeLessThan(5);
      expect(r.last_error).toBeNull();
    }
    const [f] = await h.sql`select * from reporting.freshness`;
    const oldest = Math.min(...state.map((s) => s.last_success_at.getTime()));
    expect(f.data_as_of.getTime()).toBeLessThanOrEqual(Date.now());
    expect(f.data_as_of.getTime()).toBeGreaterThanOrEqual(oldest);
    expect(f.refresh_pending).toBe(false);
    expect(f.failing_models).toEqual([]);
    expect(today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('row restriction by company (JWT claim company_ids)', () => {
  const views = [
    'aged_receivable',
    'aged_payable',
    'open_invoices',
    'partner_balances',
    'partner_ledger',
    'cash_position',
    'cashflow_forecast',
    'revenue_expenses_by_month',
    'companies',
  ];

  async function companiesSeen(claims: string | null): Promise<Record<string, number[]>> {
    return h.sql.begin(async (tx) => {
      await tx`set local role authenticated`;
      if (claims !== null) await tx`select set_config('request.jwt.claims', ${claims}, true)`;
      const out: Record<string, number[]> = {};
      for (const v of views) {
        const rows = await tx.unsafe(
          `select distinct company_id from reporting.${v} order by company_id`,
        );
        out[v] = rows.map((r) => Number(r.company_id));
      }
      const fn =
        await tx`select distinct company_id from reporting.aged_balance(current_date, 'receivable')
        order by company_id`;
      out.aged_balance = fn.map((r) => Number(r.company_id));
      return out;
    }) as Promise<Record<string, number[]>>;
  }

  it('no claim and no grant: nothing (fails closed)', async () => {
    const seen = await companiesSeen(null);
    for (const [v, ids] of Object.entries(seen)) expect(ids, v).toEqual([]);
    const withRole = await companiesSeen('{"role":"authenticated","sub":"x"}');
    for (const [v, ids] of Object.entries(withRole)) expect(ids, v).toEqual([]);
  });

  it('a grant in ods.access_grants: those companies (NULL = every company)', async () => {
    const user = '00000000-0000-4000-8000-0000000000b1';
    const claims = JSON.stringify({ role: 'authenticated', sub: user });
    await h.sql`insert into ods.access_grants (user_id, company_id) values (${user}, 3)`;
    try {
      for (const [v, ids] of Object.entries(await companiesSeen(claims)))
        expect(ids, v).toEqual([3]);
      await h.sql`insert into ods.access_grants (user_id, company_id) values (${user}, null)`;
      for (const [v, ids] of Object.entries(await companiesSeen(claims)))
        expect(ids, v).toEqual([1, 2, 3]);
    } finally {
      await h.sql`delete from ods.access_grants where user_id = ${user}`;
    }
  });

  it('company_ids claim (top level or app_metadata): only those companies', async () => {
    const top = await companiesSeen('{"role":"authenticated","company_ids":[2]}');
    for (const [v, ids] of Object.entries(top)) expect(ids, v).toEqual([2]);
    const meta = await companiesSeen(
      '{"role":"authenticated","app_metadata":{"company_ids":[1,3]}}',
    );
    for (const [v, ids] of Object.entries(meta)) expect(ids, v).toEqual([1, 3]);
  });

  it('a malformed claim shows nothing (fails closed)', async () => {
    const bad = await companiesSeen('{"role":"authenticated","company_ids":"all"}');
    for (const [v, ids] of Object.entries(bad)) expect(ids, v).toEqual([]);
  });
});
