import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestInfo } from './faults.ts';
import { encodeJson } from './json-response.ts';
import { OdooError } from './odoo-error.ts';
import type { RequestCounts } from './odoo-http-server.ts';
import type { OdooValue } from './values.ts';
import { encodeXmlRpcFaultResponse } from './xmlrpc-response.ts';

/** Replies, error envelopes and socket helpers of the simulator's HTTP server. */
export interface Reply {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

export const XML = 'text/xml; charset=utf-8';
export const JSON_CT = 'application/json; charset=utf-8';
export const HTML = 'text/html; charset=utf-8';

export const NOT_FOUND_HTML =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n' +
  '<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';

export function emptyCounts(): RequestCounts {
  return { total: 0, byTransport: {}, byMethod: {}, faultsInjected: 0, namesComputed: 0 };
}

export function targetOf(
  service: string,
  method: string,
  params: unknown[],
): { model?: string; method?: string } {
  if (service === 'object' && (method === 'execute_kw' || method === 'execute')) {
    return { model: String(params?.[3]), method: String(params?.[4]) };
  }
  return { method: `${service}.${method}` };
}

export function defaultMessage(kind: string, info: RequestInfo): string {
  switch (kind) {
    case 'AccessError':
      return `You are not allowed to access '${info.model ?? 'record'}' records.`;
    case 'MissingError':
      return 'Record does not exist or has been deleted.';
    case 'ValidationError':
      return 'The operation cannot be completed: simulated constraint.';
    case 'AccessDenied':
      return 'Access Denied';
    case 'ServerError':
      return 'could not serialize access due to concurrent update';
    default:
      return `Simulated ${kind}`;
  }
}

export function legacyFault(err: OdooError): string {
  switch (err.kind) {
    case 'MissingError':
      return encodeXmlRpcFaultResponse(`warning -- MissingError\n\n${err.message}`, '');
    case 'AccessError':
      return encodeXmlRpcFaultResponse(`warning -- AccessError\n\n${err.message}`, '');
    case 'AccessDenied':
      return encodeXmlRpcFaultResponse('AccessDenied', err.message);
    case 'UserError':
    case 'ValidationError':
      return encodeXmlRpcFaultResponse(`warning -- UserError\n\n${err.message}`, '');
    default:
      return encodeXmlRpcFaultResponse(err.message, err.traceback());
  }
}

export function jsonRpcReply(id: unknown, result: OdooValue, _version: number): Reply {
  return {
    status: 200,
    contentType: JSON_CT,
    body: `{"jsonrpc": "2.0", "id": ${encodeJson((id ?? null) as OdooValue)}, "result": ${encodeJson(result)}}`,
  };
}

export function asOdooError(err: unknown): OdooError {
  if (err instanceof OdooError) return err;
  const e = err as Error;
  if (e?.name === 'ValueError') return new OdooError('ValueError', e.message);
  if (e?.name === 'XmlRpcMarshalError') return new OdooError('TypeError', e.message);
  return new OdooError(
    'ServerError',
    String(e?.message ?? e),
    `builtins.${e?.name ?? 'Exception'}`,
  );
}

export type Safe<T> = { ok: true; value: T } | { ok: false; error: Error };

export function safe<T>(fn: () => T): Safe<T> {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error: error as Error };
  }
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function send(res: ServerResponse, r: Reply): void {
  const buf = Buffer.from(r.body, 'utf8');
  res.writeHead(r.status, {
    'content-type': r.contentType,
    'content-length': String(buf.length),
    ...(r.headers ?? {}),
  });
  res.end(buf);
}

/** Headers promise the full body; the connection ends (or is reset) halfway through it. */
export function sendBroken(res: ServerResponse, r: Reply, mode: 'truncated' | 'reset'): void {
  const buf = Buffer.from(r.body, 'utf8');
  res.writeHead(r.status, { 'content-type': r.contentType, 'content-length': String(buf.length) });
  const half = buf.subarray(0, Math.max(1, Math.floor(buf.length / 2)));
  res.write(half, () => {
    const sock = res.socket;
    if (!sock) return;
    if (mode === 'reset' && typeof (sock as any).resetAndDestroy === 'function') {
      (sock as any).resetAndDestroy();
    } else if (mode === 'reset') sock.destroy();
    else sock.end();
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
