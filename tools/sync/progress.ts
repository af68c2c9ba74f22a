import type { Progress } from '../../packages/shared/src/sync/engine-context.ts';

const fmt = (n: number) => n.toLocaleString('en-US');

function duration(s: number): string {
  if (!Number.isFinite(s)) return '--';
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Progress per model: on a terminal, one redrawn bar per model (rows done / estimated total,
 * rate, ETA); otherwise one plain line per model at most every few seconds, for logs.
 */
export class ProgressView {
  private readonly started = new Map<string, { at: number; fetched: number }>();
  private readonly last = new Map<string, Progress>();
  private lastPlain = new Map<string, number>();
  private drawn = 0;
  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {}

  update(p: Progress): void {
    if (!this.started.has(p.model))
      this.started.set(p.model, { at: performance.now(), fetched: p.fetched });
    this.last.set(p.model, p);
    if (this.out.isTTY) this.redraw();
    else {
      const now = performance.now();
      const last = this.lastPlain.get(p.model);
      if (last === undefined || now - last > 5_000) {
        this.lastPlain.set(p.model, now);
        this.out.write(`${this.line(p)}\n`);
      }
    }
  }

  private line(p: Progress): string {
    const s = this.started.get(p.model)!;
    const secs = (performance.now() - s.at) / 1000;
    const rate = secs > 0 ? (p.fetched - s.fetched) / secs : 0;
    const total = p.total ?? null;
    const pct = total ? Math.min(1, p.done / total) : null;
    const eta = total && rate > 0 ? duration(Math.max(0, total - p.done) / rate) : '--';
    const bar = pct === null ? '' : `[${'#'.repeat(Math.round(pct * 20)).padEnd(20, '.')}] `;
    return `${p.model.padEnd(26)} ${p.phase.padEnd(11)} ${bar}${fmt(p.done)}${total ? `/${fmt(total)}` : ''} rows  ${fmt(Math.round(rate))}/s  ETA ${eta}`;
  }

  private redraw(): void {
    if (this.drawn) this.out.write(`\x1b[${this.drawn}A`);
    const lines = [...this.last.values()].map((p) => `\x1b[2K${this.line(p)}`);
    this.out.write(`${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }
}
