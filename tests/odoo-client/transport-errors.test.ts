// Transport error paths the simulator cannot produce (proxies, odd servers, runtimes), with msw
// standing in for the network. Everything that Odoo itself does is tested against the simulator.
import { inspect } from 'node:util';
import { gzipSync } from 'node:zlib';
import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createOdooClient,
  encodeXmlRpcFault,
  encodeXmlRpcResponse,
  isRetriable,
  OdooAbortedError,
  OdooAccessError,
  OdooAuthError,
  type OdooConfig,
  OdooConnectionError,
  OdooHttpStatusError,
  OdooMalformedBodyError,
  OdooMissingError,
  type OdooRequestEvent,
  OdooResponseTooLargeError,
  OdooServerError,
  OdooTimeoutError,
  OdooTruncatedBodyError,
  OdooUserError,
  parseRetryAfter,
} from '../../packages/shared/src/odoo/index.ts';

const BASE = 'http://odoo.test';
const KEY = 'sk-SECRET-4f9a1c77d2';
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function client(
  protocol: OdooConfig['protocol'],
  extra: Partial<OdooConfig> = {},
  onRequest?: (e: OdooRequestEvent) => void,
) {
  return createOdooClient(
    {
      url: BASE,
      db: 'demo',
      username: 'admin',
      apiKey: KEY,
      protocol,
      timeoutMs: 2000,
      maxResponseBytes: 1_000_000,
      lang: 'en_US',
      ...extra,
    },
    { onRequest },
  );
}

const xml = (body: Uint8Array, init: ResponseInit = {}) =>
  new HttpResponse(body as BodyInit, {
    ...init,
    headers: { 'content-type': 'text/xml', ...(init.headers ?? {}) },
  });
const jsonrpcResult = (result: unknown) => HttpResponse.json({ jsonrpc: '2.0', id: 1, result });

/** XML-RPC: authenticate answers uid 2; `object` answers with `respond`. */
function xmlrpcServer(respond: (body: string) => Response | Promise<Response>) {
  server.use(
    http.post(`${BASE}/xmlrpc/2/common`, () => xml(encodeXmlRpcResponse(2))),
    http.post(`${BASE}/xmlrpc/2/object`, async ({ request }) => respond(await request.text())),
  );
}

function jsonrpcServer(
  respond: (body: {
    params: { service: string; method: string; args: unknown[] };
  }) => Response | Promise<Response>,
) {
  server.use(
    http.post(`${BASE}/jsonrpc`, async ({ request }) => {
      const body = (await request.json()) as {
        params: { service: string; method: string; args: unknown[] };
      };
      if (body.params.service === 'common' && body.params.method === 'authenticate')
        return jsonrpcResult(2);
      return respond(body);
    }),
  );
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

describe('bodies', () => {
  it('decompresses a gzip body that the fetch implementation passed through', async () => {
    const recs = [{ id: 1, name: 'Café' }];
    xmlrpcServer(() =>
      xml(gzipSync(encodeXmlRpcResponse(recs)), { headers: { 'content-encoding': 'gzip' } }),
    );
    await expect(client('xmlrpc').searchRead('res.partner', [])).resolves.toEqual(recs);
  });

  it('refuses a body over maxResponseBytes, by Content-Length or while streaming', async () => {
    jsonrpcServer(() => jsonrpcResult('x'.repeat(5000)));
    const e1 = await failure(
      client('jsonrpc', { maxResponseBytes: 1000 }).search('res.partner', []),
    );
    expect(e1).toBeInstanceOf(OdooResponseTooLargeError);
    expect(isRetriable(e1)).toBe(false);

    jsonrpcServer(() => {
      const chunk = new TextEncoder().encode('x'.repeat(400));
      let n = 0;
      const stream = new ReadableStream({
        pull(c) {
          if (n++ < 10) c.enqueue(chunk);
          else c.close();
        },
      });
      return new HttpResponse(stream, { headers: { 'content-type': 'application/json' } });
    });
    const e2 = await failure(
      client('jsonrpc', { maxResponseBytes: 1000 }).search('res.partner', []),
    );
    expect(e2).toBeInstanceOf(OdooResponseTooLargeError);
  });

  it('names truncated and malformed JSON-RPC bodies', async () => {
    const cases: Array<[string, new (...a: never[]) => Error]> = [
      ['{"jsonrpc": "2.0", "id": 1, "result": [{"id": 1, "name": "ab', OdooTruncatedBodyError],
      ['', OdooTruncatedBodyError],
      ['<html><body>Bad Gateway</body></html>', OdooMalformedBodyError],
      ['{"jsonrpc": "2.0", "id": 1}', OdooMalformedBodyError],
      ['[1, 2]', OdooMalformedBodyError],
    ];
    for (const [body, cls] of cases) {
      jsonrpcServer(
        () => new HttpResponse(body, { headers: { 'content-type': 'application/json' } }),
      );
      const e = await failure(client('jsonrpc').search('res.partner', []));
      expect(e, body).toBeInstanceOf(cls);
    }
    jsonrpcServer(() => new HttpResponse(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) as BodyInit));
    expect(await failure(client('jsonrpc').search('res.partner', []))).toBeInstanceOf(
      OdooMalformedBodyError,
    );
  });

  it('names truncated and malformed XML-RPC bodies, and malformed JSON-2 bodies', async () => {
    const full = encodeXmlRpcResponse([{ id: 1 }]);
    xmlrpcServer(() => xml(full.subarray(0, full.length - 20)));
    const t = await failure(client('xmlrpc').search('res.partner', []));
    expect(t).toBeInstanceOf(OdooTruncatedBodyError);
    expect(isRetriable(t)).toBe(true);
    xmlrpcServer(() => xml(new TextEncoder().encode('<html>oops</html>')));
    const m = await failure(client('xmlrpc').search('res.partner', []));
    expect(m).toBeInstanceOf(OdooMalformedBodyError);
    expect(isRetriable(m)).toBe(false);
    server.use(http.post(`${BASE}/json/2/res.partner/search`, () => new HttpResponse('<p>hi</p>')));
    expect(await failure(client('json2').search('res.partner', []))).toBeInstanceOf(
      OdooMalformedBodyError,
    );
  });
});

describe('HTTP statuses and network', () => {
  it('parses Retry-After as seconds or as an HTTP date', async () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter(new Date(Date.now() + 30_000).toUTCString())).toBeGreaterThan(28_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    server.use(
      http.post(
        `${BASE}/json/2/res.partner/search`,
        () =>
          new HttpResponse('<h1>Bad Gateway</h1>', {
            status: 502,
            headers: { 'retry-after': new Date(Date.now() + 60_000).toUTCString() },
          }),
      ),
    );
    const e = await failure(client('json2').search('res.partner', []));
    expect(e).toBeInstanceOf(OdooHttpStatusError);
    expect((e as OdooHttpStatusError).status).toBe(502);
    expect((e as OdooHttpStatusError).retryAfterMs).toBeGreaterThan(55_000);
    expect(isRetriable(e)).toBe(true);
  });

  it('maps JSON-2 statuses without an Odoo body by status', async () => {
    const at = (status: number) =>
      server.use(
        http.post(
          `${BASE}/json/2/res.partner/search`,
          () => new HttpResponse('<h1>no</h1>', { status }),
        ),
      );
    at(401);
    expect(await failure(client('json2').search('res.partner', []))).toBeInstanceOf(OdooAuthError);
    at(403);
    const forbidden = await failure(client('json2').search('res.partner', []));
    expect(forbidden).toBeInstanceOf(OdooHttpStatusError);
    expect(isRetriable(forbidden)).toBe(false);
    at(504);
    expect(isRetriable(await failure(client('json2').search('res.partner', [])))).toBe(true);
  });

  it('turns a network failure into a retriable OdooConnectionError', async () => {
    server.use(http.post(`${BASE}/jsonrpc`, () => HttpResponse.error()));
    const e = await failure(client('jsonrpc').search('res.partner', []));
    expect(e).toBeInstanceOf(OdooConnectionError);
    expect(isRetriable(e)).toBe(true);
  });

  it('times out a slow answer, and honours the caller abort signal', async () => {
    jsonrpcServer(async () => {
      await delay(1000);
      return jsonrpcResult([]);
    });
    const t = await failure(client('jsonrpc', { timeoutMs: 100 }).search('res.partner', []));
    expect(t).toBeInstanceOf(OdooTimeoutError);
    expect(isRetriable(t)).toBe(true);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const a = await failure(client('jsonrpc').search('res.partner', [], { signal: ac.signal }));
    expect(a).toBeInstanceOf(OdooAbortedError);
    expect(isRetriable(a)).toBe(false);
  });
});

describe('Odoo error signals', () => {
  it('maps XML-RPC fault codes and legacy string codes', async () => {
    const cases: Array<[number | string, string, new (...a: never[]) => Error]> = [
      [
        1,
        'Traceback (most recent call last):\n  File "x"\nValueError: Invalid field \'x\'',
        OdooServerError,
      ],
      [2, 'The operation cannot be completed', OdooUserError],
      [
        2,
        'Record does not exist or has been deleted.\n(Record: res.partner(9,), User: 2)',
        OdooMissingError,
      ],
      [3, 'Access Denied', OdooAuthError],
      [4, "You are not allowed to access 'Contact' (res.partner) records.", OdooAccessError],
      ['AccessDenied', 'Access Denied', OdooAuthError],
      ['warning -- MissingError\n\nRecord does not exist', '', OdooMissingError],
      ['warning -- AccessError\n\nno', '', OdooAccessError],
      ['warning -- UserError\n\nno', '', OdooUserError],
    ];
    for (const [code, text, cls] of cases) {
      xmlrpcServer(() => xml(encodeXmlRpcFault(code, text)));
      const e = await failure(client('xmlrpc').read('res.partner', [9]));
      expect(e, String(code)).toBeInstanceOf(cls);
      expect((e as OdooServerError).model).toBe('res.partner');
      expect((e as OdooServerError).method).toBe('read');
    }
    xmlrpcServer(() =>
      xml(
        encodeXmlRpcFault(
          1,
          'Traceback (most recent call last):\n  File "x"\nValueError: Invalid field \'x\'',
        ),
      ),
    );
    const e = (await failure(client('xmlrpc').read('res.partner', [9]))) as OdooServerError;
    expect(e.odoo.name).toBe('ValueError');
    expect(e.odoo.message).toBe("Invalid field 'x'");
    expect(e.message).toBe("res.partner.read: Invalid field 'x' (ValueError)");
  });

  it('maps JSON-RPC errors without data by their code', async () => {
    jsonrpcServer(() =>
      HttpResponse.json({
        jsonrpc: '2.0',
        id: 1,
        error: { code: 100, message: 'Odoo Session Expired' },
      }),
    );
    expect(await failure(client('jsonrpc').search('res.partner', []))).toBeInstanceOf(
      OdooAuthError,
    );
    jsonrpcServer(() =>
      HttpResponse.json({ jsonrpc: '2.0', id: 1, error: { code: 404, message: '404: Not Found' } }),
    );
    expect(await failure(client('jsonrpc').search('res.partner', []))).toBeInstanceOf(
      OdooServerError,
    );
  });

  it('treats concurrency failures as retriable, other server errors not', async () => {
    const err = (name: string, message: string) =>
      HttpResponse.json({
        jsonrpc: '2.0',
        id: 1,
        error: { code: 200, message: 'Odoo Server Error', data: { name, message, debug: '' } },
      });
    jsonrpcServer(() =>
      err(
        'psycopg2.errors.SerializationFailure',
        'could not serialize access due to concurrent update',
      ),
    );
    expect(isRetriable(await failure(client('jsonrpc').search('res.partner', [])))).toBe(true);
    jsonrpcServer(() => err('builtins.ValueError', 'Invalid leaf'));
    expect(isRetriable(await failure(client('jsonrpc').search('res.partner', [])))).toBe(false);
  });
});

describe('protocol auto', () => {
  it('falls back to /web/version when /jsonrpc is gone, then uses JSON-2', async () => {
    server.use(
      http.post(`${BASE}/jsonrpc`, () => new HttpResponse('<h1>Not Found</h1>', { status: 404 })),
      http.get(`${BASE}/web/version`, () =>
        HttpResponse.json({ version_info: [22, 0, 0, 'final', 0, ''], version: '22.0' }),
      ),
      http.post(`${BASE}/json/2/res.partner/search_count`, () => HttpResponse.json(3)),
    );
    const c = client('auto');
    expect(await c.protocol()).toBe('json2');
    expect((await c.version()).major).toBe(22);
    expect(await c.searchCount('res.partner', [])).toBe(3);
  });

  it('reads saas version strings', async () => {
    jsonrpcServer(() =>
      jsonrpcResult({
        server_version: 'saas~18.2',
        server_version_info: ['saas~18', 2, 0, 'final', 0, ''],
        protocol_version: 1,
      }),
    );
    const c = client('auto');
    expect(await c.protocol()).toBe('jsonrpc');
    expect((await c.version()).major).toBe(18);
  });
});

describe('the API key stays secret', () => {
  // A hostile or buggy server echoes the request (which carries the key) into every error.
  function echo(body: string) {
    return body.replaceAll('&amp;', '&');
  }
  const scenarios: Array<[string, OdooConfig['protocol'], () => void]> = [
    [
      'XML-RPC fault string',
      'xmlrpc',
      () => xmlrpcServer((b) => xml(encodeXmlRpcFault(1, `Traceback\nValueError: bad ${echo(b)}`))),
    ],
    [
      'XML-RPC malformed body',
      'xmlrpc',
      () => xmlrpcServer((b) => xml(new TextEncoder().encode(`<x>${b}`))),
    ],
    [
      'JSON-RPC error data',
      'jsonrpc',
      () =>
        jsonrpcServer((b) =>
          HttpResponse.json({
            jsonrpc: '2.0',
            id: 1,
            error: {
              code: 200,
              message: 'x',
              data: {
                name: 'builtins.ValueError',
                message: JSON.stringify(b),
                debug: JSON.stringify(b),
              },
            },
          }),
        ),
    ],
    [
      'JSON-RPC malformed body',
      'jsonrpc',
      () => jsonrpcServer((b) => new HttpResponse(`<p>${JSON.stringify(b)}</p>`)),
    ],
    [
      'JSON-2 error body',
      'json2',
      () =>
        server.use(
          http.post(`${BASE}/json/2/res.partner/search`, ({ request }) =>
            HttpResponse.json(
              {
                name: 'odoo.exceptions.AccessError',
                message: `denied ${request.headers.get('authorization')}`,
                debug: '',
              },
              { status: 403 },
            ),
          ),
        ),
    ],
    [
      'network failure',
      'jsonrpc',
      () => server.use(http.post(`${BASE}/jsonrpc`, () => HttpResponse.error())),
    ],
  ];

  it.each(scenarios)('%s', async (_name, protocol, arrange) => {
    arrange();
    const events: OdooRequestEvent[] = [];
    const c = client(protocol, { url: `${BASE}` }, (e) => events.push(e));
    const e = await failure(c.search('res.partner', [['name', '=', 'x']]));
    const surfaces = [
      e.message,
      String(e.stack),
      JSON.stringify(e),
      inspect(e, { depth: 8, showHidden: true }),
      String((e as { cause?: unknown }).cause),
      inspect(c, { depth: 8 }),
      JSON.stringify(c),
      JSON.stringify(events),
    ];
    for (const s of surfaces) expect(s).not.toContain(KEY);
    expect(events.length).toBeGreaterThan(0);
  });
});
