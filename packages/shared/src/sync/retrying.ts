import { OdooHttpStatusError } from '../odoo/errors.ts';
import { isRetriable } from '../odoo/retry.ts';
import type { Budget } from './budget.ts';

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 300, maxMs: 10_000 };

/**
 * Repeats a request after transient faults only (the rule lives in odoo/retry.ts), with
 * exponential backoff and full jitter, honouring Retry-After, never sleeping past the budget.
 */
export async function withRetries<T>(
  call: () => Promise<T>,
  budget: Budget,
  policy: RetryPolicy = DEFAULT_RETRY,
  onRetry?: (err: unknown, attempt: number, waitMs: number) => void,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!isRetriable(err) || attempt >= policy.attempts) throw err;
      const backoff = Math.random() * Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
      const hinted = err instanceof OdooHttpStatusError ? (err.retryAfterMs ?? 0) : 0;
      const waitMs = Math.max(backoff, hinted);
      if (waitMs >= budget.remainingMs()) throw err;
      onRetry?.(err, attempt, waitMs);
      await sleep(waitMs);
    }
  }
}
