import { createReadStream, existsSync, statSync } from 'node:fs';
import {
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { jwtVerify } from 'jose';
import { contentSecurityPolicy } from '../../../web/build.ts';
import type { EdgeFunctions } from './edge-functions.ts';
import { JWT_SECRET } from './keys.ts';
import type { ProjectConfig } from './project-config.ts';

export interface RestMount {
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void>;
  close(): Promise<void>;
}

export interface GatewayOptions {
  port: number;
  config: ProjectConfig;
  functions: EdgeFunctions;
  rest?: RestMount;
  /** Local Auth stand-in at /auth/v1 (tools/local-stack/src/auth). */
  auth?: RestMount;
  /** Local Storage stand-in at /storage/v1 (tools/local-stack/src/storage). */
  storage?: RestMount;
  webDir?: string;
  /** When set, GET /config.js answers `window.FINANZAS_CONFIG = <this>` (the page's settings). */
  webConfig?: Record<string, unknown>;
  log?: (line: string) => void;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
};

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

// The local CLI's verify_jwt check, with its error codes (supabase-emulation-semantics §7.2).
async function verifyJwtError(
  req: IncomingMessage,
): Promise<{ code: string; message: string } | null> {
  const auth = req.headers.authorization;
  if (!auth)
    return { code: 'UNAUTHORIZED_NO_AUTH_HEADER', message: 'Missing authorization header' };
  const m = /^Bearer (\S+)$/.exec(auth);
  if (m?.[1].split('.').length !== 3) {
    return { code: 'UNAUTHORIZED_INVALID_JWT_FORMAT', message: 'Invalid JWT format' };
  }
  try {
    await jwtVerify(m[1], new TextEncoder().encode(JWT_SECRET), { algorithms: ['HS256'] });
    return null;
  } catch {
    return { code: 'UNAUTHORIZED_LEGACY_JWT', message: 'Invalid JWT' };
  }
}

async function serveFunction(
  opts: GatewayOptions,
  req: IncomingMessage,
  res: ServerResponse,
  rest: string,
) {
  const [name = ''] = rest.split(/[/?]/, 1);
  if (!opts.functions.exists(name)) {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('Function not found');
    return;
  }
  if (req.method !== 'OPTIONS' && opts.config.verifyJwt(name)) {
    const err = await verifyJwtError(req);
    if (err)
      return sendJson(
        res,
        401,
        { ...err, msg: `Error: ${err.message}` },
        { 'sb-error-code': err.code },
      );
  }
  let port: number;
  try {
    port = await opts.functions.portFor(name);
  } catch (e) {
    opts.log?.(String(e));
    return sendJson(res, 503, {
      code: 'BOOT_ERROR',
      message: 'Worker failed to boot (please check logs)',
    });
  }
  // The function sees /<name>/…, not /functions/v1/<name>/… (supabase-emulation-semantics §7.3).
  const upstream = request(
    { host: '127.0.0.1', port, method: req.method, path: `/${rest}`, headers: req.headers },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', (e) => {
    opts.log?.(`[${name}] ${e.message}`);
    if (!res.headersSent) sendJson(res, 500, { code: 'WORKER_ERROR', message: e.message });
    else res.destroy(e);
  });
  req.pipe(upstream);
}

function serveStatic(webDir: string, pathname: string, res: ServerResponse) {
  const rel = normalize(decodeURIComponent(pathname)).replace(/^(\.\.(\/|\\|$))+/, '');
  let file = join(webDir, rel);
  if (!file.startsWith(webDir + sep) && file !== webDir)
    return sendJson(res, 403, { message: 'Forbidden' });
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!existsSync(file)) {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('Not found');
    return;
  }
  res.writeHead(200, {
    'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
    'Cache-Control': 'no-cache',
    // The page and the API share this origin: the page may talk to nothing else.
    ...(extname(file) === '.html'
      ? { 'Content-Security-Policy': `${contentSecurityPolicy()}; frame-ancestors 'none'` }
      : {}),
  });
  createReadStream(file).pipe(res);
}

/** One port for everything, like Supabase's API gateway: /rest/v1, /auth/v1, /storage/v1, /functions/v1 and the page at /. */
export function startGateway(opts: GatewayOptions): Promise<Server> {
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const handle = async () => {
      if (url.startsWith('/functions/v1/'))
        return serveFunction(opts, req, res, url.slice('/functions/v1/'.length));
      if (url === '/rest/v1' || url.startsWith('/rest/v1/') || url.startsWith('/rest/v1?')) {
        if (!opts.rest) return sendJson(res, 503, { message: 'REST endpoint not available' });
        return opts.rest.handle(req, res, url.slice('/rest/v1'.length).split('?')[0] || '/');
      }
      if (url === '/auth/v1' || url.startsWith('/auth/v1/') || url.startsWith('/auth/v1?')) {
        if (!opts.auth)
          return sendJson(res, 404, { message: 'no Route matched with those values' });
        return opts.auth.handle(req, res, url.slice('/auth/v1'.length).split('?')[0] || '/');
      }
      if (url.startsWith('/storage/v1/')) {
        // No key-auth here on Supabase either: signed URLs work without any credential.
        if (!opts.storage)
          return sendJson(res, 404, { message: 'no Route matched with those values' });
        return opts.storage.handle(req, res, url.slice('/storage/v1'.length).split('?')[0]);
      }
      if (opts.webConfig && url.split('?')[0] === '/config.js' && req.method === 'GET') {
        res.writeHead(200, {
          'Content-Type': 'text/javascript; charset=utf-8',
          'Cache-Control': 'no-cache',
        });
        res.end(`window.FINANZAS_CONFIG = ${JSON.stringify(opts.webConfig)};\n`);
        return;
      }
      if (opts.webDir && (req.method === 'GET' || req.method === 'HEAD')) {
        return serveStatic(opts.webDir, url.split('?')[0], res);
      }
      sendJson(res, 404, { message: 'no Route matched with those values' });
    };
    handle().catch((e: unknown) => {
      opts.log?.(`[gateway] ${url}: ${e instanceof Error ? e.stack : e}`);
      if (!res.headersSent) sendJson(res, 500, { message: 'gateway error' });
      else res.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve(server));
  });
}
