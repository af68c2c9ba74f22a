// What the client needs from a wire protocol, and the plumbing the three transports share.
import type { OdooErrorContext, OdooProtocolName } from './errors.ts';
import { OdooError } from './errors.ts';
import { exchange, type FetchLike, type HttpResult } from './http.ts';
import { redactUrl } from './redact.ts';

/** Server version, normalised from `common.version()` or `/web/version`. */
export interface OdooVersion {
  /** e.g. `17.0`, `saas~18.2`, `19.0`. */
  serverVersion: string;
  /** e.g. `[17, 0, 0, 'final', 0, '']`. */
  versionInfo: Array<number | string>;
  /** Major version as a number (17 for `saas~17.2`). */
  major: number;
  protocolVersion?: number;
}

/**
 * One ORM call. `positional` parameters travel positionally on XML-RPC/JSON-RPC (their Python
 * names changed across versions, e.g. `search_count(args)` before 16) and by name on JSON-2,
 * which has no positional form; `named` ones are keyword arguments on every transport.
 */
export interface RpcCall {
  model: string;
  method: string;
  /** Records the method runs on (`read`); absent for `@api.model` methods. */
  ids?: number[];
  positional: Array<[name: string, value: unknown]>;
  named: Record<string, unknown>;
  context: Record<string, unknown>;
}

export interface RequestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * Tried first on a successful JSON answer (JSON-RPC, JSON-2; XML-RPC ignores it): returns the
   * call's result in the caller's own form, wrapped in `Decoded`, or undefined to decline — the
   * body is then decoded as usual, and any fault in it named as usual. `enveloped`: the body is
   * a JSON-RPC envelope around the result rather than the bare result.
   */
  decodeBody?: (body: Uint8Array, enveloped: boolean) => Decoded<unknown> | undefined;
}

/** A result decodeBody produced, told apart from a decoded JSON value. */
export class Decoded<T> {
  constructor(readonly value: T) {}
}

/** One line of the optional request log; never contains credentials. */
export interface OdooRequestEvent {
  protocol: OdooProtocolName;
  url: string;
  model?: string;
  method: string;
  status?: number;
  bytes?: number;
  ms: number;
  error?: string;
  /** The answer's HTTP Date (Odoo's clock, whole seconds), as ms since the epoch. */
  serverDate?: number;
}

export interface TransportSettings {
  baseUrl: string;
  db: string;
  username: string;
  apiKey: string;
  timeoutMs: number;
  maxResponseBytes: number;
  fetch: FetchLike;
  userAgent: string;
  onRequest?: (e: OdooRequestEvent) => void;
}

export interface OdooTransport {
  readonly protocol: OdooProtocolName;
  version(opts?: RequestOptions): Promise<OdooVersion>;
  /** The uid the credentials belong to; throws OdooAuthError when they are refused. */
  authenticate(opts?: RequestOptions): Promise<number>;
  call(call: RpcCall, opts?: RequestOptions): Promise<unknown>;
}

export function versionFrom(raw: unknown): OdooVersion | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const info = (r.server_version_info ?? r.version_info) as unknown;
  const text = (r.server_version ?? r.version) as unknown;
  if (!Array.isArray(info) || typeof text !== 'string') return undefined;
  const major = Number.parseInt(String(info[0]).replace(/^\D+/, ''), 10);
  if (!Number.isFinite(major)) return undefined;
  return {
    serverVersion: text,
    versionInfo: info as Array<number | string>,
    major,
    protocolVersion: typeof r.protocol_version === 'number' ? r.protocol_version : undefined,
  };
}

function httpDate(value: string | null): number | undefined {
  const ms = value ? Date.parse(value) : Number.NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/** Shared by the transports: the HTTP exchange with logging and redacted error context. */
export abstract class BaseTransport implements OdooTransport {
  abstract readonly protocol: OdooProtocolName;
  protected readonly secrets: readonly string[];

  constructor(protected readonly s: TransportSettings) {
    this.secrets = [s.apiKey];
  }

  abstract version(opts?: RequestOptions): Promise<OdooVersion>;
  abstract authenticate(opts?: RequestOptions): Promise<number>;
  abstract call(call: RpcCall, opts?: RequestOptions): Promise<unknown>;

  protected ctx(path: string, method: string, model?: string): OdooErrorContext {
    return { protocol: this.protocol, url: redactUrl(this.s.baseUrl + path), model, method };
  }

  protected async send(
    path: string,
    init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: Uint8Array | string },
    ctx: OdooErrorContext,
    opts: RequestOptions | undefined,
  ): Promise<HttpResult> {
    const started = performance.now();
    const log = this.s.onRequest;
    try {
      const res = await exchange({
        url: this.s.baseUrl + path,
        method: init.method,
        // Both Node's and Deno's fetch decompress gzip themselves, also when the header is explicit.
        headers: { 'User-Agent': this.s.userAgent, 'Accept-Encoding': 'gzip', ...init.headers },
        body: init.body,
        timeoutMs: opts?.timeoutMs ?? this.s.timeoutMs,
        maxResponseBytes: this.s.maxResponseBytes,
        signal: opts?.signal,
        fetch: this.s.fetch,
        ctx,
        secrets: this.secrets,
      });
      log?.({
        protocol: this.protocol,
        url: ctx.url,
        model: ctx.model,
        method: ctx.method ?? '',
        status: res.status,
        bytes: res.body.byteLength,
        ms: performance.now() - started,
        serverDate: httpDate(res.headers.get('date')),
      });
      return res;
    } catch (e) {
      log?.({
        protocol: this.protocol,
        url: ctx.url,
        model: ctx.model,
        method: ctx.method ?? '',
        ms: performance.now() - started,
        error: e instanceof OdooError ? `${e.name}: ${e.message}` : 'error',
      });
      throw e;
    }
  }
}
