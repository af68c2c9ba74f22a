import type postgres from 'postgres';
import type { AgedRow } from '../../packages/odoo-sim/src/aged-balance.ts';
import { dateToDays } from '../../packages/odoo-sim/src/dates.ts';
import type { SyncHarness } from '../sync/harness.ts';

/** Amount → integer cents (numeric columns arrive as strings). */
export const cents = (v: unknown): number => Math.round(Number(v ?? 0) * 100);

/** The aging columns, in order, total last. */
export const BUCKETS = [
  'not_due',
  'days_1_30',
  'days_31_60',
  'days_61_90',
  'days_91_120',
  'older',
  'total',
] as const;

/** One comparable line per aged row: company|partner|name|buckets in cents. */
export function agedKey(r: Record<string, unknown> | AgedRow): string {
  const partner = r.partner_id === false || r.partner_id == null ? '-' : Number(r.partner_id);
  const name = r.partner_name === false || r.partner_name == null ? '-' : r.partner_name;
  return [
    Number(r.company_id),
    partner,
    name,
    ...BUCKETS.map((b) => cents(r[b as keyof typeof r])),
  ].join('|');
}

export const agedKeys = (rows: readonly (Record<string, unknown> | AgedRow)[]) =>
  rows.map(agedKey).sort();

/** Deterministic PRNG (mulberry32) for reproducible random dates. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function isoDay(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

/** `n` distinct random dates between `from` and `to` (inclusive), sorted. */
export function randomDates(seed: number, n: number, from: string, to: string): string[] {
  const rnd = prng(seed);
  const a = dateToDays(from);
  const b = dateToDays(to);
  const out = new Set<string>();
  while (out.size < n) out.add(isoDay(a + Math.floor(rnd() * (b - a + 1))));
  return [...out].sort();
}

/** Refreshes every report (forced) and returns the rows of ods.refresh_reporting. */
export async function refreshAll(sql: postgres.Sql, force = true) {
  return sql`select * from ods.refresh_reporting(${force})`;
}

/** Company ids of the simulator's books. */
export const companyIds = (h: SyncHarness): number[] =>
  h.sim.control.books.companies.map((c) => c.id);

export const today = (): string => new Date().toISOString().slice(0, 10);
