// JSON-RPC: POST /jsonrpc {"method":"call","params":{service, method, args}} (Odoo 8–21).
// Errors always come back with HTTP 200 and an `error` member named by `data.name`.
import { OdooAuthError, type OdooErrorContext, OdooMalformedBodyError } from './errors.ts';
import { faultFromJsonRpc, httpStatusError } from './faults.ts';
import { parseRetryAfter } from './http.ts';
import { parseJsonBody } from './json-body.ts';
import {
  BaseTransport,
  type OdooVersion,
  type RequestOptions,
  type RpcCall,
  versionFrom,
} from './transport.ts';

const PATH = '/jsonrpc';

export class JsonRpcTransport extends BaseTransport {
  readonly protocol = 'jsonrpc' as const;
  private seq = 0;
  private uid?: Promise<number>;

  async version(opts?: RequestOptions): Promise<OdooVersion> {
    const ctx = this.ctx(PATH, 'common.version');
    const raw = await this.rpc('common', 'version', [], ctx, opts);
    const v = versionFrom(raw);
    if (!v) throw new OdooMalformedBodyError('common.version() answered an unknown shape', ctx);
    return v;
  }

  // Also opens the session the object calls use (a failed login is not remembered).
  authenticate(opts?: RequestOptions): Promise<number> {
    const p = this.login(opts);
    this.uid = p;
    p.catch(() => {
      if (this.uid === p) this.uid = undefined;
    });
    return p;
  }

  private async login(opts?: RequestOptions): Promise<number> {
    const ctx = this.ctx(PATH, 'common.authenticate');
    const { db, username, apiKey } = this.s;
    const uid = await this.rpc('common', 'authenticate', [db, username, apiKey, {}], ctx, opts);
    if (typeof uid !== 'number' || uid <= 0) {
      throw new OdooAuthError(`common.authenticate: login ${JSON.stringify(username)} refused`, {
        ...ctx,
        odoo: { name: 'odoo.exceptions.AccessDenied', message: 'authentication failed' },
      });
    }
    return uid;
  }

  async call(call: RpcCall, opts?: RequestOptions): Promise<unknown> {
    const uid = await this.sessionUid(opts);
    const ctx = this.ctx(PATH, call.method, call.model);
    const args: unknown[] = call.ids ? [call.ids] : [];
    for (const [, v] of call.positional) args.push(v);
    const kwargs = { ...call.named, context: call.context };
    const { db, apiKey } = this.s;
    return this.rpc(
      'object',
      'execute_kw',
      [db, uid, apiKey, call.model, call.method, args, kwargs],
      ctx,
      opts,
    );
  }

  private sessionUid(opts?: RequestOptions): Promise<number> {
    return this.uid ?? this.authenticate(opts);
  }

  private async rpc(
    service: string,
    method: string,
    args: unknown[],
    ctx: OdooErrorContext,
    opts?: RequestOptions,
  ): Promise<unknown> {
    const body = JSON.stringify({
      jsonrpc: '2.0',
      method: 'call',
      id: ++this.seq,
      params: { service, method, args },
    });
    const res = await this.send(
      PATH,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body,
      },
      ctx,
      opts,
    );
    if (res.status !== 200) {
      throw httpStatusError(res.status, parseRetryAfter(res.headers.get('retry-after')), ctx);
    }
    const doc = parseJsonBody(res.body, ctx, this.secrets);
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      throw new OdooMalformedBodyError('JSON-RPC answer is not an object', ctx);
    }
    const d = doc as { result?: unknown; error?: unknown };
    if (d.error !== undefined) throw faultFromJsonRpc(d.error, ctx, this.secrets);
    if (!('result' in d)) throw new OdooMalformedBodyError('JSON-RPC answer has no result', ctx);
    return d.result;
  }
}
