// Every read the dashboard makes, through supabase-js against the `reporting` schema of
// /rest/v1 (PostgREST). Nothing here computes figures: the database does.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { type PageConfig, storageKeyFor } from './config.ts';
import type { FreshnessRow, SyncHealthRow } from './freshness.ts';

export type Kind = 'receivable' | 'payable';
export type Row = Record<string, any>;

export interface Company {
  company_id: number;
  name: string;
  currency: string | null;
  currency_symbol: string | null;
  decimal_places: number;
}

/** A failed read; `auth` when logging in (again) may fix it. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly auth: boolean,
  ) {
    super(message);
  }
}

// PostgREST answers anon 401 / authenticated 403 to 42501 (permission denied), and 401 with
// PGRST301-303 for a bad or expired token.
function toError(e: { message: string; code?: string }, status: number): ApiError {
  const auth =
    status === 401 || e.code === '42501' || /^PGRST30[0-3]$/.test(e.code ?? '') || status === 403;
  return new ApiError(e.message || `HTTP ${status}`, status, e.code, auth);
}

// Every request answers within this, or fails (a hung database must not hang the page).
const TIMEOUT_MS = 20_000;

export const PAGE = 1000; // Supabase's default max_rows

const KINDS = ['receivable', 'payable'] as const;
const AGED_COLS =
  'partner_id,partner_name,not_due,days_1_30,days_31_60,days_61_90,days_91_120,older,total';
const TOTAL_COLS =
  'company_id,kind,not_due,days_1_30,days_31_60,days_61_90,days_91_120,older,total,partners,currency';

/** `extra`: more supabase-js options (e.g. Node's realtime placeholder in the benchmark). */
export function createApi(cfg: PageConfig, extra: Record<string, unknown> = {}) {
  const client: SupabaseClient<any, any, any> = createClient(cfg.supabaseUrl, cfg.anonKey, {
    ...extra,
    db: { schema: 'reporting' },
    // One storage key per project: a session is only ever sent to the URL it was made for.
    auth: {
      persistSession: true,
      autoRefreshToken: true,
      storageKey: storageKeyFor(cfg.supabaseUrl),
    },
    global: {
      fetch: (input, init) =>
        fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(TIMEOUT_MS) }),
    },
  });
  const db = client.schema('reporting');

  async function run<T>(
    q: PromiseLike<{ data: T | null; error: any; status: number; count?: number | null }>,
  ): Promise<{ data: T; count: number | null }> {
    const r = await q;
    if (r.error) throw toError(r.error, r.status);
    return { data: (r.data ?? []) as T, count: r.count ?? null };
  }

  /** Every row of a query, 1000 at a time (max_rows), pages after the first in parallel. */
  async function all(make: () => any, order: (q: any) => any, limit = 200_000): Promise<Row[]> {
    const first = await run<Row[]>(order(make()).range(0, PAGE - 1));
    if (first.data.length < PAGE) return first.data;
    const out = [...first.data];
    for (let from = PAGE; from < limit; from += PAGE * 4) {
      const pages = await Promise.all(
        [0, 1, 2, 3].map((i) =>
          run<Row[]>(order(make()).range(from + i * PAGE, from + (i + 1) * PAGE - 1)),
        ),
      );
      for (const p of pages) out.push(...p.data);
      if (pages.some((p) => p.data.length < PAGE)) break;
    }
    return out;
  }

  return {
    client,

    async health(): Promise<{ health: SyncHealthRow[]; freshness: FreshnessRow | null }> {
      const [h, f] = await Promise.all([
        run<SyncHealthRow[]>(db.from('sync_health').select('*')),
        run<FreshnessRow[]>(db.from('freshness').select('*')),
      ]);
      return { health: h.data, freshness: f.data[0] ?? null };
    },

    /**
     * The latest weekly digest sends of the visible companies (reporting.digest_sends), newest
     * week first: no recipient addresses, no error texts (the category tells what went wrong).
     */
    async digestSends(limit = 50): Promise<Row[]> {
      return (
        await run<Row[]>(
          db
            .from('digest_sends')
            .select('company_id,week_start,status,error_category')
            .order('week_start', { ascending: false })
            .order('company_id')
            .limit(limit),
        )
      ).data;
    },

    async companies(): Promise<Company[]> {
      return (await run<Company[]>(db.from('companies').select('*').order('company_id'))).data;
    },

    /**
     * Aging totals per kind for one company: as of today from the `aged_totals` view (over the
     * materialized aged balances), as of another date from `aged_totals_as_of` (computed for
     * that company only). One row per kind: buckets, total, partners, currency.
     */
    async agedTotals(companyId: number, asOf: string | null): Promise<Record<Kind, Row | null>> {
      const [receivable, payable] = await Promise.all(
        KINDS.map(async (kind) => {
          const q: any = asOf
            ? db
                .rpc('aged_totals_as_of', { as_of: asOf, kind, company: companyId }, { get: true })
                .select(TOTAL_COLS)
            : db
                .from('aged_totals')
                .select(TOTAL_COLS)
                .eq('company_id', companyId)
                .eq('kind', kind);
          return (await run<Row[]>(q)).data[0] ?? null;
        }),
      );
      return { receivable, payable };
    },

    /**
     * The `n` partners with the largest aged total, largest first: as of today from the
     * materialized views (order=total.desc&limit=n), as of another date from `aged_balance_top`
     * (the database ranks them; the page never fetches every partner).
     */
    async agedTop(kind: Kind, companyId: number, asOf: string | null, n = 10): Promise<Row[]> {
      const q: any = asOf
        ? db
            .rpc('aged_balance_top', { as_of: asOf, kind, n, company: companyId }, { get: true })
            .select(AGED_COLS)
        : db
            .from(kind === 'receivable' ? 'aged_receivable' : 'aged_payable')
            .select(AGED_COLS)
            .eq('company_id', companyId)
            .order('total', { ascending: false })
            .order('partner_id', { ascending: true, nullsFirst: false })
            .limit(n);
      return (await run<Row[]>(q)).data;
    },

    /**
     * Every aged row per partner (1000 per request): as of today (report tables) or any date
     * (reporting.aged_balance for the company, which computes its every partner for each
     * request). Not used by the page (it reads totals and top lists); kept for tools and the
     * benchmark's comparison.
     */
    async aged(kind: Kind, companyId: number, asOf: string | null): Promise<Row[]> {
      const make = () =>
        asOf
          ? db
              .rpc('aged_balance', { as_of: asOf, kind, company: companyId }, { get: true })
              .select(AGED_COLS)
          : db.from(kind === 'receivable' ? 'aged_receivable' : 'aged_payable').select(AGED_COLS);
      return all(make, (q) =>
        q.eq('company_id', companyId).order('partner_id', { nullsFirst: true }),
      );
    },

    async cash(companyId: number): Promise<Row[]> {
      return (
        await run<Row[]>(
          db.from('cash_position').select('*').eq('company_id', companyId).order('journal_code'),
        )
      ).data;
    },

    /** Weeks (Monday) of the next `weeks` weeks that have open items due, overdue in the first. */
    async forecast(companyId: number, weeks: number): Promise<Row[]> {
      const until = new Date(Date.now() + weeks * 7 * 86_400_000).toISOString().slice(0, 10);
      return (
        await run<Row[]>(
          db
            .from('cashflow_forecast')
            .select('*')
            .eq('company_id', companyId)
            .lt('week_start', until)
            .order('week_start'),
        )
      ).data;
    },

    overdueQuery(o: OverdueQuery, count: boolean) {
      let q: any = db
        .from('open_invoices')
        .select(
          'move_id,kind,move_type,name,ref,partner_id,partner_name,invoice_date,due_date,days_overdue,currency,amount_residual,residual_company,company_currency',
          count ? { count: 'exact' } : undefined,
        )
        .eq('company_id', o.companyId)
        .eq('overdue', true);
      if (o.kind) q = q.eq('kind', o.kind);
      const term = o.search.trim().replace(/[*%\\"]/g, '');
      if (term) {
        const v = `"*${term}*"`;
        q = q.or(`name.ilike.${v},partner_name.ilike.${v},ref.ilike.${v}`);
      }
      // Overdue documents only: days overdue descending is due date ascending, which an index
      // returns in order; sorting on the computed column read and sorted every overdue document.
      const byDue = o.sort === 'days_overdue';
      return q
        .order(byDue ? 'due_date' : o.sort, {
          ascending: byDue ? !o.ascending : o.ascending,
          nullsFirst: false,
        })
        .order('move_id', { ascending: true });
    },

    async overdue(o: OverdueQuery, page: number, pageSize: number) {
      const r = await run<Row[]>(
        this.overdueQuery(o, true).range(page * pageSize, (page + 1) * pageSize - 1),
      );
      return { rows: r.data, total: r.count ?? r.data.length };
    },

    async overdueAll(o: OverdueQuery): Promise<Row[]> {
      return all(
        () => this.overdueQuery(o, false),
        (q) => q,
      );
    },

    async partnerBalance(companyId: number, partnerId: number | null): Promise<Row | null> {
      let q: any = db.from('partner_balances').select('*').eq('company_id', companyId);
      q = partnerId === null ? q.is('partner_id', null) : q.eq('partner_id', partnerId);
      return (await run<Row[]>(q)).data[0] ?? null;
    },

    async ledger(companyId: number, partnerId: number | null, page: number, pageSize: number) {
      let q: any = db
        .from('partner_ledger')
        .select(
          'line_id,date,due_date,move_name,journal_code,account_code,label,ref,debit,credit,balance,running_balance,matching_number,reconciled',
          { count: 'exact' },
        )
        .eq('company_id', companyId);
      q = partnerId === null ? q.is('partner_id', null) : q.eq('partner_id', partnerId);
      const r = await run<Row[]>(
        q
          .order('date', { ascending: false })
          .order('line_id', { ascending: false })
          .range(page * pageSize, (page + 1) * pageSize - 1),
      );
      return { rows: r.data, total: r.count ?? r.data.length };
    },
  };
}

export type Api = ReturnType<typeof createApi>;

export interface OverdueQuery {
  companyId: number;
  kind: Kind | null;
  search: string;
  sort: string;
  ascending: boolean;
}
