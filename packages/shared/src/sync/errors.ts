// Failures of the sync engine itself (the Odoo client has its own, in ../odoo/errors.ts).

export interface SyncErrorContext {
  model?: string;
  cursor?: string | number | null;
  cause?: unknown;
}

export class SyncError extends Error {
  readonly model?: string;
  readonly cursor?: string | number | null;
  constructor(message: string, ctx: SyncErrorContext = {}) {
    super(message, ctx.cause === undefined ? undefined : { cause: ctx.cause });
    this.name = new.target.name;
    this.model = ctx.model;
    this.cursor = ctx.cursor;
  }
}

/** Configuration missing or invalid; raised once, at the edge, before any work. */
export class SyncConfigError extends SyncError {}
/** Odoo answered, but with a record the mirror cannot take (no id, a value of the wrong type). */
export class MalformedRecordError extends SyncError {}
/** The catalog names a model Odoo does not have (or the user cannot see). */
export class UnknownModelError extends SyncError {}
/** Another invocation holds this model; the loser does nothing. */
export class AlreadyRunningError extends SyncError {}
/** The cursor moved under us: another writer committed a page first; this page is discarded. */
export class CursorConflictError extends SyncError {}
/**
 * Not a failure: the invocation's budget ran out before the next step could start. The step
 * stops where its last commit left it; the next invocation resumes there.
 */
export class BudgetSpentError extends SyncError {}
