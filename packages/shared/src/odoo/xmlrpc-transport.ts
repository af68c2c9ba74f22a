// XML-RPC: POST /xmlrpc/2/common and /xmlrpc/2/object (all versions until 22). Faults come
// back with HTTP 200 and integer codes (reference §2.3).
import { type OdooErrorContext, OdooMalformedBodyError, OdooTruncatedBodyError } from './errors.ts';
import { ExecuteKwTransport, type RpcService } from './execute-kw-transport.ts';
import { faultFromXmlRpc, httpStatusError } from './faults.ts';
import { parseRetryAfter } from './http.ts';
import { scrub } from './redact.ts';
import type { RequestOptions } from './transport.ts';
import { decodeXmlRpcResponse, XmlRpcDecodeError, type XmlRpcValue } from './xmlrpc-decode.ts';
import { encodeXmlRpcCall } from './xmlrpc-encode.ts';

export class XmlRpcTransport extends ExecuteKwTransport {
  readonly protocol = 'xmlrpc' as const;

  protected pathOf(service: RpcService): string {
    return `/xmlrpc/2/${service}`;
  }

  protected async rpc(
    service: RpcService,
    method: string,
    params: unknown[],
    ctx: OdooErrorContext,
    opts?: RequestOptions,
  ): Promise<XmlRpcValue> {
    const res = await this.send(
      this.pathOf(service),
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
