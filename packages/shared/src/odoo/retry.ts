// The single place that decides whether a failed Odoo request is worth repeating (DESIGN §4.8:
// back off and retry transient faults; never retry auth or permission faults, which must land
// as a clear error on the model's state instead of burning the invocation's budget).
import {
  OdooAbortedError,
  OdooConnectionError,
  OdooFaultError,
  OdooHttpStatusError,
  OdooResponseTooLargeError,
  OdooServerError,
  OdooTimeoutError,
  OdooTruncatedBodyError,
  OdooUserError,
} from './errors.ts';

// Statuses a proxy or an overloaded Odoo answers when a later attempt may succeed.
const TRANSIENT_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

// Server exceptions that only mean "another transaction got in the way": Odoo itself retries
// these a few times (`retrying()`), and when it gives up the next attempt usually passes.
const CONCURRENCY_FAILURE =
  /SerializationFailure|TransactionRollbackError|could not serialize access|LockNotAvailable|deadlock detected|concurrent update|odoo\.exceptions\.LockError/i;

export function isRetriable(err: unknown): boolean {
  if (err instanceof OdooAbortedError) return false; // the caller chose to stop
  if (err instanceof OdooResponseTooLargeError) return false; // same page, same size: shrink it
  if (err instanceof OdooConnectionError) return true;
  if (err instanceof OdooTimeoutError) return true;
  if (err instanceof OdooTruncatedBodyError) return true;
  if (err instanceof OdooHttpStatusError) return TRANSIENT_STATUSES.has(err.status);
  if (err instanceof OdooServerError || err instanceof OdooUserError) {
    return CONCURRENCY_FAILURE.test(err.odoo.name) || CONCURRENCY_FAILURE.test(err.odoo.message);
  }
  if (err instanceof OdooFaultError) return false; // auth, access, missing: retrying cannot help
  // Malformed bodies are deterministic (a proxy page with status 200, an encoding bug), and
  // anything unrecognised is treated as a bug rather than a transient fault.
  return false;
}
