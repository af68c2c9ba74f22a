// JSON-RPC: POST /jsonrpc {"method":"call","params":{service, method, args}} (Odoo 8–21).
// Errors always come back with HTTP 200 and an `error` member named by `data.name`.
import { type OdooErrorContext, OdooMalformedBodyError } from './errors.ts';
import { ExecuteKwTransport, type RpcService } from './execute-kw-transport.ts';
import { faultFromJsonRpc, httpStatusError } from './faults.ts';
import { parseRetryAfter } from './http.ts';
import { parseJsonBody } from './json-body.ts';
import type { RequestOptions } from './transport.ts';

const PATH = '/jsonrpc';

export class JsonRpcTransport extends ExecuteKwTransport {
  readonly protocol = 'jsonrpc' as const;
  private seq = 0;

  protected pathOf(): string {
    return PATH;
  }

  protected async rpc(
    service: RpcService,
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
    const decoded = opts?.decodeBody?.(res.body, true);
    if (decoded) return decoded;
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
