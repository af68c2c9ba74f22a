// JSON-2 (Odoo 19+): POST /json/2/<model>/<method>, bearer API key, named arguments only, the
// bare result as body on success and real HTTP statuses with an Odoo error body on failure.
import { OdooAuthError, type OdooErrorContext, OdooMalformedBodyError } from './errors.ts';
import { errorFromJson2Status } from './faults.ts';
import { parseRetryAfter } from './http.ts';
import { parseJsonBody } from './json-body.ts';
import {
  BaseTransport,
  type OdooVersion,
  type RequestOptions,
  type RpcCall,
  versionFrom,
} from './transport.ts';

export class Json2Transport extends BaseTransport {
  readonly protocol = 'json2' as const;

  async version(opts?: RequestOptions): Promise<OdooVersion> {
    const path = '/web/version';
    const ctx = this.ctx(path, 'version');
    const res = await this.send(
      path,
      { method: 'GET', headers: { Accept: 'application/json' } },
      ctx,
      opts,
    );
    if (res.status !== 200) throw this.failure(res.status, res.body, res.headers, ctx);
    const v = versionFrom(parseJsonBody(res.body, ctx, this.secrets));
    if (!v) throw new OdooMalformedBodyError('/web/version answered an unknown shape', ctx);
    return v;
  }

  // JSON-2 has no login step: the key is checked on every call. `context_get` is the cheapest
  // authenticated call and carries the uid; older servers without it are asked by login.
  async authenticate(opts?: RequestOptions): Promise<number> {
    const got = await this.call(
      { model: 'res.users', method: 'context_get', positional: [], named: {}, context: {} },
      opts,
    );
    const uid = (got as { uid?: unknown } | null)?.uid;
    if (typeof uid === 'number' && uid > 0) return uid;
    const ids = await this.call(
      {
        model: 'res.users',
        method: 'search',
        positional: [['domain', [['login', '=', this.s.username]]]],
        named: { limit: 1 },
        context: { active_test: false },
      },
      opts,
    );
    if (Array.isArray(ids) && typeof ids[0] === 'number') return ids[0];
    const ctx = this.ctx('/json/2/res.users/search', 'authenticate', 'res.users');
    throw new OdooAuthError(`authenticate: no user with login ${JSON.stringify(this.s.username)}`, {
      ...ctx,
      odoo: { name: 'odoo.exceptions.AccessDenied', message: 'user not found' },
    });
  }

  async call(call: RpcCall, opts?: RequestOptions): Promise<unknown> {
    const path = `/json/2/${encodeURIComponent(call.model)}/${encodeURIComponent(call.method)}`;
    const ctx = this.ctx(path, call.method, call.model);
    const body: Record<string, unknown> = {};
    if (call.ids) body.ids = call.ids;
    for (const [name, v] of call.positional) body[name] = v;
    Object.assign(body, call.named);
    // The endpoint replaces the context instead of merging it, so it is always sent whole.
    body.context = call.context;
    const res = await this.send(
      path,
      {
        method: 'POST',
        headers: {
          Authorization: `bearer ${this.s.apiKey}`,
          'X-Odoo-Database': this.s.db,
          'Content-Type': 'application/json; charset=utf-8',
          Accept: 'application/json',
        },
        body: JSON.stringify(body),
      },
      ctx,
      opts,
    );
    if (res.status !== 200) throw this.failure(res.status, res.body, res.headers, ctx);
    return opts?.decodeBody?.(res.body, false) ?? parseJsonBody(res.body, ctx, this.secrets);
  }

  private failure(
    status: number,
    body: Uint8Array,
    headers: Headers,
    ctx: OdooErrorContext,
  ): Error {
    let parsed: unknown;
    try {
      parsed = parseJsonBody(body, ctx, this.secrets);
    } catch {
      parsed = undefined; // an HTML page from a proxy: the status alone decides
    }
    return errorFromJson2Status(
      status,
      parsed,
      parseRetryAfter(headers.get('retry-after')),
      ctx,
      this.secrets,
    );
  }
}
