// Every failure the Odoo client can raise. The sync engine branches on the class (and on
// `retriable`, computed in retry.ts), never on message text, so each transport's own signals
// (XML-RPC fault codes, JSON-RPC `error.data.name`, JSON-2 statuses) are mapped onto these.
import { isRetriable } from './retry.ts';

export type OdooProtocolName = 'json2' | 'jsonrpc' | 'xmlrpc';

/** Where a failure happened. `url` never carries credentials (see redact.ts). */
export interface OdooErrorContext {
  protocol?: OdooProtocolName;
  url: string;
  model?: string;
  method?: string;
  cause?: unknown;
}

/** Odoo's own description of a server-side exception, when the server sent one. */
export interface OdooFaultDetails {
  /** e.g. `odoo.exceptions.AccessError`, or an XML-RPC fault code as text. */
  name: string;
  message: string;
  /** Traceback or `debug` text; may be long. */
  debug?: string;
}

export class OdooError extends Error {
  readonly protocol?: OdooProtocolName;
  readonly url: string;
  readonly model?: string;
  readonly method?: string;

  constructor(message: string, ctx: OdooErrorContext) {
    super(message, ctx.cause === undefined ? undefined : { cause: ctx.cause });
    this.name = new.target.name;
    this.protocol = ctx.protocol;
    this.url = ctx.url;
    this.model = ctx.model;
    this.method = ctx.method;
  }

  /** Whether repeating the same request may succeed; decided in one place (retry.ts). */
  get retriable(): boolean {
    return isRetriable(this);
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      protocol: this.protocol,
      url: this.url,
      model: this.model,
      method: this.method,
      retriable: this.retriable,
    };
  }
}

/** An exception raised by Odoo itself (the request reached Odoo and was answered). */
export class OdooFaultError extends OdooError {
  readonly odoo: OdooFaultDetails;
  constructor(message: string, ctx: OdooErrorContext & { odoo: OdooFaultDetails }) {
    super(message, ctx);
    this.odoo = ctx.odoo;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), odoo: { name: this.odoo.name, message: this.odoo.message } };
  }
}

/** Wrong login or API key, expired or revoked key (AccessDenied, HTTP 401). */
export class OdooAuthError extends OdooFaultError {}
/** Authenticated, but not allowed to read this model/record (AccessError, HTTP 403). */
export class OdooAccessError extends OdooFaultError {}
/** The record no longer exists (MissingError). */
export class OdooMissingError extends OdooFaultError {}
/** A user-facing refusal: UserError, ValidationError, RedirectWarning, LockError (HTTP 422/409). */
export class OdooUserError extends OdooFaultError {}
/** Any other server-side exception: bad domain or field, programming error, database error. */
export class OdooServerError extends OdooFaultError {}

/** The request never got a usable answer: network, timeout, HTTP layer, body encoding. */
export class OdooTransportError extends OdooError {}
/** Could not connect, or the connection dropped before the response headers. */
export class OdooConnectionError extends OdooTransportError {}
/** No complete response within `timeoutMs`. */
export class OdooTimeoutError extends OdooTransportError {
  readonly timeoutMs: number;
  constructor(message: string, ctx: OdooErrorContext & { timeoutMs: number }) {
    super(message, ctx);
    this.timeoutMs = ctx.timeoutMs;
  }
}
/** The caller's own AbortSignal fired. */
export class OdooAbortedError extends OdooTransportError {}
/** The body ended early: connection reset mid-body, or a document that stops before its end. */
export class OdooTruncatedBodyError extends OdooTransportError {}
/** The body is complete but is not the XML-RPC/JSON document the protocol promises. */
export class OdooMalformedBodyError extends OdooTransportError {}
/** The body exceeds `maxResponseBytes` (after decompression); ask for smaller pages. */
export class OdooResponseTooLargeError extends OdooTransportError {
  readonly limitBytes: number;
  constructor(message: string, ctx: OdooErrorContext & { limitBytes: number }) {
    super(message, ctx);
    this.limitBytes = ctx.limitBytes;
  }
}
/** An HTTP status the protocol does not use for answers (proxy errors, 429, 5xx, 404 route). */
export class OdooHttpStatusError extends OdooTransportError {
  readonly status: number;
  /** Parsed `Retry-After`, in milliseconds from when the response arrived. */
  readonly retryAfterMs?: number;
  constructor(message: string, ctx: OdooErrorContext & { status: number; retryAfterMs?: number }) {
    super(message, ctx);
    this.status = ctx.status;
    this.retryAfterMs = ctx.retryAfterMs;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status, retryAfterMs: this.retryAfterMs };
  }
}
