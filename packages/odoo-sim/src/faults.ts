import type { OdooErrorKind } from './odoo-error.ts';

/** Failure modes a test can inject (each optionally limited by count, model, method, transport). */
export type FaultKind =
  | { kind: 'latency'; ms: number }
  | { kind: 'down'; forMs?: number }
  | { kind: 'http'; status: number; retryAfter?: number; body?: string }
  | { kind: 'odoo'; error: OdooErrorKind; message?: string }
  | { kind: 'malformed'; body?: string }
  | { kind: 'truncated' }
  | { kind: 'reset' }
  | { kind: 'wrong-key' };

export type Transport = 'xmlrpc' | 'jsonrpc' | 'json2' | 'web';

export type Fault = FaultKind & {
  /** Applies to this many matching requests, then expires (default: until cleared). */
  times?: number;
  model?: string;
  method?: string;
  transport?: Transport;
};

export interface RequestInfo {
  transport: Transport;
  model?: string;
  method?: string;
}

export class FaultBook {
  private faults: { id: number; fault: Fault; left: number }[] = [];
  private nextId = 1;
  injected = 0;

  add(f: Fault): number {
    const id = this.nextId++;
    this.faults.push({ id, fault: f, left: f.times ?? Number.POSITIVE_INFINITY });
    return id;
  }

  clear(): void {
    this.faults = [];
  }

  remove(id: number): void {
    this.faults = this.faults.filter((f) => f.id !== id);
  }

  list(): Fault[] {
    return this.faults.map((f) => f.fault);
  }

  /** Faults hitting this request (consumes their counts). Latency first. */
  take(req: RequestInfo): Fault[] {
    const hit: Fault[] = [];
    for (const entry of this.faults) {
      const f = entry.fault;
      if (f.kind === 'down') continue;
      if (f.transport && f.transport !== req.transport) continue;
      if (f.model && f.model !== req.model) continue;
      if (f.method && f.method !== req.method) continue;
      if (entry.left <= 0) continue;
      entry.left--;
      hit.push(f);
    }
    this.faults = this.faults.filter((e) => e.left > 0);
    if (hit.length) this.injected++;
    return hit.sort((a, b) => (a.kind === 'latency' ? -1 : 0) - (b.kind === 'latency' ? -1 : 0));
  }
}
