// CORS as Supabase's gateway answers it: any origin, the headers supabase-js sends, and
// the response headers the client must be able to read (Content-Range for counts).

import type { IncomingMessage, ServerResponse } from 'node:http';

const ALLOW_HEADERS =
  'apikey, authorization, x-client-info, content-type, prefer, range, range-unit, accept, accept-profile, content-profile, x-supabase-api-version';
const EXPOSE_HEADERS =
  'Content-Encoding, Content-Location, Content-Range, Content-Type, Date, Location, Server, Transfer-Encoding, Range-Unit, Content-Profile, Preference-Applied, Proxy-Status';
const ALLOW_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

export function setCorsHeaders(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
  if (req.method === 'OPTIONS') {
    // The fixed list plus whatever the browser asks for, as Kong reflects requested headers.
    const requested = req.headers['access-control-request-headers'];
    const extra = typeof requested === 'string' ? requested.split(',').map((h) => h.trim()) : [];
    const all = new Set([
      ...ALLOW_HEADERS.split(', '),
      ...extra.filter(Boolean).map((h) => h.toLowerCase()),
    ]);
    res.setHeader('Access-Control-Allow-Headers', [...all].join(', '));
    res.setHeader('Access-Control-Allow-Methods', ALLOW_METHODS);
    res.setHeader('Access-Control-Max-Age', '86400');
  }
}
