// Freshness markers: payments made in the simulator (the full residual of an open customer
// invoice), each timed until its invoice leaves reporting.open_invoices as read through
// /rest/v1 — the change in Odoo visible to the page's client, end to end.
import type postgres from 'postgres';
import type { Api } from './bench-stack.ts';
import type { SimProcess } from './sim-process.ts';

export interface MarkerRun {
  /** Seconds from the payment to its invoice leaving the open invoices, one per marker. */
  lags: number[];
  /** When each seen marker's payment was made (epoch ms), in the order of `lags`. */
  paidAt: number[];
  /** Markers never seen within the timeout. */
  timeouts: number;
  /** Payments Odoo refused (the invoice had been paid meanwhile): picked again. */
  refused: number;
}

export interface MarkerOptions {
  sim: SimProcess;
  sql: postgres.Sql;
  api: Api;
  /** New markers are placed during this long. */
  windowMs: number;
  /** Mean spacing of markers (each spacing drawn from ±⅓ around it, off the schedule's beat). */
  everyMs: number;
  timeoutMs: number;
  pollMs?: number;
  log?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function visible(api: Api, ids: number[]): Promise<Set<number>> {
  const r = await api.client
    .schema('reporting')
    .from('open_invoices')
    .select('move_id')
    .in('move_id', ids);
  if (r.error) throw new Error(`open_invoices: ${r.error.message}`);
  return new Set((r.data ?? []).map((x: { move_id: number }) => Number(x.move_id)));
}

export async function runMarkers(o: MarkerOptions): Promise<MarkerRun> {
  // Invoices long open are seldom touched by the simulator's activity; the reports already
  // show each one before it is paid (checked again just before paying).
  const candidates = (
    await o.sql`select id from odoo.account_move where state = 'posted' and move_type = 'out_invoice'
      and payment_state = 'not_paid' and amount_residual > 0 order by random() limit 2000`
  ).map((r) => Number(r.id));
  const out: MarkerRun = { lags: [], paidAt: [], timeouts: 0, refused: 0 };
  const open = new Map<number, number>();
  const place = async () => {
    while (candidates.length) {
      const id = candidates.pop()!;
      if (!(await visible(o.api, [id])).has(id)) continue;
      const at = Date.now();
      try {
        await o.sim.control('pay', { moveId: id });
      } catch {
        out.refused++;
        continue;
      }
      open.set(id, at);
      return;
    }
    throw new Error('no open invoice left to pay');
  };
  const t0 = Date.now();
  const spacing = () => o.everyMs * (2 / 3 + (2 / 3) * Math.random());
  let nextAt = t0 + spacing() / 2;
  while (Date.now() < t0 + o.windowMs || open.size) {
    if (Date.now() >= nextAt && Date.now() < t0 + o.windowMs) {
      await place();
      nextAt += spacing();
    }
    if (open.size) {
      const still = await visible(o.api, [...open.keys()]);
      const now = Date.now();
      for (const [id, at] of open) {
        if (!still.has(id)) {
          out.lags.push((now - at) / 1000);
          out.paidAt.push(at);
          open.delete(id);
          o.log?.(`marker ${id}: visible after ${((now - at) / 1000).toFixed(1)} s`);
        } else if (now - at > o.timeoutMs) {
          out.timeouts++;
          open.delete(id);
          o.log?.(`marker ${id}: not visible after ${o.timeoutMs / 1000} s`);
        }
      }
    }
    await sleep(o.pollMs ?? 500);
  }
  return out;
}
