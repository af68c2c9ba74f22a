// What JSON-RPC and XML-RPC share: the `common` service (version, authenticate) and `object`
// calls through `execute_kw` with db, uid and key as leading arguments. Only how one call is put
// on the wire differs, in each subclass's rpc().
import { OdooAuthError, type OdooErrorContext, OdooMalformedBodyError } from './errors.ts';
import {
  BaseTransport,
  type OdooVersion,
  type RequestOptions,
  type RpcCall,
  versionFrom,
} from './transport.ts';

export type RpcService = 'common' | 'object';

export abstract class ExecuteKwTransport extends BaseTransport {
  private uid?: Promise<number>;

  /** The URL path a service is called on. */
  protected abstract pathOf(service: RpcService): string;

  /** One call of `service.method(args)`; resolves to its result, throws mapped errors. */
  protected abstract rpc(
    service: RpcService,
    method: string,
    args: unknown[],
    ctx: OdooErrorContext,
    opts?: RequestOptions,
  ): Promise<unknown>;

  async version(opts?: RequestOptions): Promise<OdooVersion> {
    const ctx = this.ctx(this.pathOf('common'), 'common.version');
    const v = versionFrom(await this.rpc('common', 'version', [], ctx, opts));
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
    const ctx = this.ctx(this.pathOf('common'), 'common.authenticate');
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
    const uid = await (this.uid ??
      this.authenticate(opts && { signal: opts.signal, timeoutMs: opts.timeoutMs }));
    const ctx = this.ctx(this.pathOf('object'), call.method, call.model);
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
}
