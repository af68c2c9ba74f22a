import type { Fault } from '../../packages/odoo-sim/src/index.ts';

/**
 * What the engine promises for a fault (DESIGN §4 rule 8): a transient one is retried within
 * the invocation's budget and the run succeeds; a non-retriable one — or a transient one that
 * outlasts every attempt — fails the model with a clear error on its state, without retrying
 * what cannot succeed.
 */
export type EnginePromise =
  /** The run succeeds; `retries`: the log shows the fault was met and asked again. */
  | { outcome: 'succeeds'; retries: boolean }
  /** The model fails with `error` on its state; `retried`: only after every attempt. */
  | { outcome: 'recorded'; error: RegExp; retried: boolean };

/** One row of the matrix: a fault the simulator injects, and what the engine must do about it. */
export interface FaultCase {
  name: string;
  /** Scoped to the phase's model unless `global` (the whole simulator goes away). */
  fault: Fault;
  global?: boolean;
  /** The faulted slice must end within this (its retries bounded by the budget). */
  maxElapsedMs?: number;
  /** Cleared as soon as the engine logs its first retry. */
  healOnRetry?: boolean;
  expect: EnginePromise;
  /** Extra settings for the faulted run (a short request timeout for the latency cases). */
  env?: Record<string, string>;
}

const retried: EnginePromise = { outcome: 'succeeds', retries: true };
const recorded = (error: RegExp, retried = false): EnginePromise => ({
  outcome: 'recorded',
  error,
  retried,
});

// Adding a fault kind is one line here; every phase picks it up.
export const FAULT_CASES: FaultCase[] = [
  {
    name: 'latency under the timeout',
    fault: { kind: 'latency', ms: 250 },
    expect: { outcome: 'succeeds', retries: false },
  },
  {
    name: 'latency past the timeout, once',
    fault: { kind: 'latency', ms: 1500, times: 1 },
    env: { ODOO_TIMEOUT_MS: '700' },
    expect: retried,
  },
  {
    // Back as soon as the engine has met it (a timed outage could end before the first request).
    name: 'down, back after the first retry',
    fault: { kind: 'down' },
    global: true,
    healOnRetry: true,
    expect: retried,
  },
  {
    name: 'down until cleared',
    fault: { kind: 'down' },
    global: true,
    expect: recorded(/OdooConnectionError/, true),
  },
  {
    name: 'http 429 with Retry-After, once',
    fault: { kind: 'http', status: 429, retryAfter: 1, times: 1 },
    expect: retried,
  },
  {
    // Waiting as told would outlast the invocation: fail now, the next tick asks again.
    name: 'http 429 with Retry-After beyond the slice',
    fault: { kind: 'http', status: 429, retryAfter: 120, times: 1 },
    env: { SYNC_SLICE_SECONDS: '20' },
    maxElapsedMs: 5_000,
    expect: recorded(/429/),
  },
  {
    // Retries stop where the invocation's wall budget does.
    name: 'http 503 until cleared, in a 4 s slice',
    fault: { kind: 'http', status: 503 },
    env: { SYNC_SLICE_SECONDS: '4' },
    maxElapsedMs: 4_000 + 1_000,
    expect: recorded(/503/, true),
  },
  { name: 'http 500, once', fault: { kind: 'http', status: 500, times: 1 }, expect: retried },
  { name: 'http 502, twice', fault: { kind: 'http', status: 502, times: 2 }, expect: retried },
  { name: 'http 503, once', fault: { kind: 'http', status: 503, times: 1 }, expect: retried },
  { name: 'http 504, once', fault: { kind: 'http', status: 504, times: 1 }, expect: retried },
  {
    name: 'http 503 until cleared',
    fault: { kind: 'http', status: 503 },
    expect: recorded(/503/, true),
  },
  {
    name: 'http 404 (a proxy without the route)',
    fault: { kind: 'http', status: 404, times: 1 },
    expect: recorded(/404/),
  },
  {
    name: 'http 401 from a proxy',
    fault: { kind: 'http', status: 401, times: 1 },
    expect: recorded(/401|OdooAuthError/),
  },
  {
    name: 'odoo AccessError (permission)',
    fault: { kind: 'odoo', error: 'AccessError', times: 1 },
    expect: recorded(/OdooAccessError/),
  },
  {
    name: 'odoo AccessDenied (auth)',
    fault: { kind: 'odoo', error: 'AccessDenied', times: 1 },
    expect: recorded(/OdooAuthError/),
  },
  {
    name: 'odoo LockError (concurrent update), once',
    fault: { kind: 'odoo', error: 'LockError', message: 'could not serialize access', times: 1 },
    expect: retried,
  },
  {
    // The simulator's default ServerError is a serialization failure: worth asking again.
    name: 'odoo serialization failure (psycopg2), once',
    fault: { kind: 'odoo', error: 'ServerError', times: 1 },
    expect: retried,
  },
  {
    name: 'odoo programming error (psycopg2)',
    fault: { kind: 'odoo', error: 'ServerError', message: 'column "x_gone" does not exist' },
    expect: recorded(/OdooServerError/),
  },
  {
    name: 'odoo ValueError (bad domain)',
    fault: { kind: 'odoo', error: 'ValueError', times: 1 },
    expect: recorded(/OdooServerError/),
  },
  {
    name: 'malformed body',
    fault: { kind: 'malformed', times: 1 },
    expect: recorded(/Malformed/),
  },
  { name: 'truncated body, once', fault: { kind: 'truncated', times: 1 }, expect: retried },
  { name: 'reset mid-body, once', fault: { kind: 'reset', times: 1 }, expect: retried },
  {
    name: 'reset mid-body until cleared',
    fault: { kind: 'reset' },
    expect: recorded(/OdooTruncatedBodyError|OdooConnectionError/, true),
  },
  {
    name: 'wrong key',
    fault: { kind: 'wrong-key', times: 1 },
    expect: recorded(/OdooAuthError/),
  },
];
