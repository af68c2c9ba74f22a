import { describe, expect, it } from 'vitest';
import {
  OdooAuthError,
  OdooConnectionError,
  OdooHttpStatusError,
} from '../../packages/shared/src/odoo/errors.ts';
import { Budget } from '../../packages/shared/src/sync/budget.ts';
import { PageSize } from '../../packages/shared/src/sync/page-size.ts';
import { RateLimiter } from '../../packages/shared/src/sync/rate-limiter.ts';
import { withRetries } from '../../packages/shared/src/sync/retrying.ts';

/** A clock that only moves when the code under test sleeps. */
function fakeClock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

describe('request-rate cap', () => {
  it('lets a burst through, then spaces requests at the configured rate', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(5, 2, clock.now, clock.sleep);
    const at: number[] = [];
    for (let i = 0; i < 7; i++) {
      await limiter.take();
      at.push(clock.now());
    }
    expect(at.slice(0, 2)).toEqual([0, 0]);
    // 5 per second afterwards: 200 ms apart.
    expect(at.slice(2).map((t, i) => Math.round(t - (i ? at[i + 1] : 0)))).toEqual([
      200, 200, 200, 200, 200,
    ]);
  });

  it('0 means no cap', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(0, 1, clock.now, clock.sleep);
    for (let i = 0; i < 100; i++) await limiter.take();
    expect(clock.sleeps).toEqual([]);
  });
});

describe('retries', () => {
  const ctx = { url: 'http://odoo.example/jsonrpc', model: 'res.partner', method: 'search_read' };

  it('retries transient faults with growing jittered waits, then succeeds', async () => {
    const clock = fakeClock();
    let calls = 0;
    const result = await withRetries(
      async () => {
        if (++calls < 4) throw new OdooConnectionError('refused', ctx);
        return 'ok';
      },
      new Budget({ wallMs: 60_000, records: 1 }, clock.now),
      { attempts: 5, baseMs: 100, maxMs: 1_000 },
      undefined,
      clock.sleep,
    );
    expect(result).toBe('ok');
    expect(calls).toBe(4);
    expect(clock.sleeps).toHaveLength(3);
    for (const [i, ms] of clock.sleeps.entries()) expect(ms).toBeLessThanOrEqual(100 * 2 ** i);
  });

  it('honours Retry-After on 429', async () => {
    const clock = fakeClock();
    let calls = 0;
    await withRetries(
      async () => {
        if (++calls === 1)
          throw new OdooHttpStatusError('429', { ...ctx, status: 429, retryAfterMs: 7_000 });
      },
      new Budget({ wallMs: 60_000, records: 1 }, clock.now),
      { attempts: 3, baseMs: 10, maxMs: 100 },
      undefined,
      clock.sleep,
    );
    expect(clock.sleeps).toEqual([7_000]);
  });

  it('never retries auth faults', async () => {
    const clock = fakeClock();
    let calls = 0;
    const failing = withRetries(
      async () => {
        calls++;
        throw new OdooAuthError('denied', {
          ...ctx,
          odoo: { name: 'odoo.exceptions.AccessDenied', message: 'Access Denied' },
        });
      },
      new Budget({ wallMs: 60_000, records: 1 }, clock.now),
      undefined,
      undefined,
      clock.sleep,
    );
    await expect(failing).rejects.toBeInstanceOf(OdooAuthError);
    expect(calls).toBe(1);
  });

  it('gives up rather than sleep past the invocation budget', async () => {
    const clock = fakeClock();
    const failing = withRetries(
      async () => {
        throw new OdooHttpStatusError('503', { ...ctx, status: 503, retryAfterMs: 30_000 });
      },
      new Budget({ wallMs: 10_000, records: 1 }, clock.now),
      undefined,
      undefined,
      clock.sleep,
    );
    await expect(failing).rejects.toBeInstanceOf(OdooHttpStatusError);
    expect(clock.sleeps).toEqual([]);
  });
});

describe('budget and page size', () => {
  it('a slice stops at its record or wall-time limit', () => {
    const clock = fakeClock();
    const b = new Budget({ wallMs: 1_000, records: 100 }, clock.now);
    expect(b.allows()).toBe(true);
    b.spend(100);
    expect(b.allows()).toBe(false);
    const t = new Budget({ wallMs: 1_000, records: 100 }, clock.now);
    void clock.sleep(900);
    expect(t.allows(50)).toBe(true);
    expect(t.allows(200)).toBe(false);
  });

  it('grows on quick full pages, halves on slow ones, within its bounds', () => {
    const p = new PageSize(1000, 100, 4000, 3000);
    p.observe(200, true);
    expect(p.current).toBe(1500);
    p.observe(200, false);
    expect(p.current).toBe(1500);
    for (let i = 0; i < 10; i++) p.observe(100, true);
    expect(p.current).toBe(4000);
    p.observe(7000, true);
    expect(p.current).toBe(2000);
    while (p.shrink());
    expect(p.current).toBe(100);
    expect(p.shrink()).toBe(false);
  });
});
