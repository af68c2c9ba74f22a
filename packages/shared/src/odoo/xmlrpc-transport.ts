// XML-RPC: POST /xmlrpc/2/common and /xmlrpc/2/object (all versions until 22). Faults come
// back with HTTP 200 and integer codes (reference §2.3).
import {
  OdooAuthError,
  type OdooErrorContext,
  OdooMalformedBodyError,
  OdooTruncatedBodyError,
} from './errors.ts';
import { faultFromXmlRpc, httpStatusError } from './faults.ts';
import { parseRetryAfter } from './http.ts';
import { scrub } from './redact.ts';
import {
  BaseTransport,
  type OdooVersion,
  type RequestOptions,
  type RpcCall,
  versionFrom,
} from './transport.ts';
import { decodeXmlRpcResponse, XmlRpcDecodeError, type XmlRpcValue } from './xmlrpc-decode.ts';
import { encodeXmlRpcCall } from './xmlrpc-encode.ts';

const COMMON = '/xmlrpc/2/common';
const OBJECT = '/xmlrpc/2/object';

export class XmlRpcTransport extends BaseTransport {
  readonly protocol = 'xmlrpc' as const;
  private uid?: Promise<number>;

  async version(opts?: RequestOptions): Promise<OdooVersion> {
    const ctx = this.ctx(COMMON, 'common.version');
    const v = versionFrom(await this.rpc(COMMON, 'version', [], ctx, opts));
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
    const ctx = this.ctx(COMMON, 'common.authenticate');
    const { db, username, apiKey } = this.s;
    const uid = await this.rpc(COMMON, 'authenticate', [db, username, apiKey, {}], ctx, opts);
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
    const ctx = this.ctx(OBJECT, call.method, call.model);
    const args: unknown[] = call.ids ? [call.ids] : [];
    for (const [, v] of call.positional) args.push(v);
    const kwargs = { ...call.named, context: call.context };
    const { db, apiKey } = this.s;
    return this.rpc(
      OBJECT,
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
    path: string,
    method: string,
    params: unknown[],
    ctx: OdooErrorContext,
    opts?: RequestOptions,
  ): Promise<XmlRpcValue> {
    const res = await this.send(
      path,
      {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml; charset=utf-8', Accept: 'text/xml' },
        body: encodeXmlRpcCall(method, params),
      },
      ctx,
      opts,
    );
    if (res.status !== 200) {
      throw httpStatusError(res.status, parseRetryAfter(res.headers.get('retry-after')), ctx);
    }
    let decoded: ReturnType<typeof decodeXmlRpcResponse>;
    try {
      decoded = decodeXmlRpcResponse(res.body);
    } catch (e) {
      if (!(e instanceof XmlRpcDecodeError)) throw e;
      const msg = scrub(e.message, this.secrets);
      // The decoder quotes bits of the body, so only a scrubbed copy is kept as the cause.
      const cause = new Error(msg);
      if (e.truncated) {
        throw new OdooTruncatedBodyError(`XML-RPC body ends early: ${msg}`, { ...ctx, cause });
      }
      throw new OdooMalformedBodyError(`XML-RPC body is malformed: ${msg}`, { ...ctx, cause });
    }
    if (decoded.fault)
      throw faultFromXmlRpc(decoded.faultCode, decoded.faultString, ctx, this.secrets);
    return decoded.value;
  }
}
