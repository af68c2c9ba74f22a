// Reading requests and writing PostgREST-shaped responses.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RestError } from './errors.ts';

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** Request headers as PostgREST exposes them: lowercased names, no Cookie, last value wins. */
export function requestHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (name !== 'cookie') out[name] = raw[i + 1];
  }
  return out;
}

export function requestCookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  const header = req.headers.cookie;
  if (!header) return out;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

export function sendResponse(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | undefined,
): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  const buf = Buffer.from(body, 'utf8');
  res.setHeader('Content-Length', String(buf.length));
  res.writeHead(status);
  res.end(buf);
}

export function sendError(res: ServerResponse, err: RestError, head: boolean): void {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json; charset=utf-8',
    ...err.headers,
  };
  if (!err.gatewayShape) headers['Proxy-Status'] = `PostgREST; error=${err.code}`;
  const body = JSON.stringify(err.body());
  if (head) {
    // HEAD answers carry the status and headers, never a body.
    headers['Content-Length'] = String(Buffer.byteLength(body));
    sendResponse(res, err.status, headers, undefined);
    return;
  }
  sendResponse(res, err.status, headers, body);
}
