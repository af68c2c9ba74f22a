// A Docker-free stand-in for PostgREST v14 behind Supabase's `/rest/v1` gateway, for
// local development and CI. What it reproduces (per-request settings, query grammar,
// Content-Range and statuses, error JSON and the SQLSTATE → HTTP map, JWT role switching) is
// summarised in docs/architecture.md §6; tests/local-stack/rest-conformance.test.ts pins it.

import type { IncomingMessage, ServerResponse } from 'node:http';
import postgres from 'postgres';
import { checkApiKey } from './api-key-gate.ts';
import { setCorsHeaders } from './cors.ts';
import {
  connectionError,
  fromPgError,
  invalidResourcePath,
  invalidRpcMethod,
  isPgError,
  openApiDisabled,
  RestError,
  unacceptableSchema,
  unsupportedMethod,
} from './errors.ts';
import { handleRelationRead, headerValue } from './handle-relation-read.ts';
import { handleRelationWrite } from './handle-relation-write.ts';
import { handleRpc } from './handle-rpc.ts';
import { requestCookies, requestHeaders, sendError, sendResponse } from './http-io.ts';
import { authenticate } from './jwt.ts';
import { parsePreferences } from './preferences.ts';
import { decodeComponent, splitQueryString } from './query-string.ts';
import type { ReadResponse } from './read-response.ts';
import type { HandlerEnv, RequestScope } from './request-scope.ts';
import { SchemaCache } from './schema-cache.ts';

export interface RestOptions {
  /** Connection string for the `authenticator` role. */
  dbUrl: string;
  jwtSecret: string;
  /** Exposed schemas; the first is the default. */
  schemas: string[];
  anonKey: string;
  serviceKey: string;
  /** db-max-rows; Supabase's default is 1000. */
  maxRows?: number;
  /** db-extra-search-path; Supabase's default is ['public', 'extensions']. */
  extraSearchPath?: string[];
  /** Connection pool size (default 10). */
  poolSize?: number;
  /** Schema cache time-to-live in ms (default 1000). */
  schemaCacheTtlMs?: number;
}

export interface RestHandler {
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void>;
  close(): Promise<void>;
}

const ANON_ROLE = 'anon';

// postgres.js serialises parameters by the type PostgreSQL infers for them (JSON.stringify
// for json, 't'/'f' for booleans, Date for timestamps). Values here are always the
// request's text, to be parsed by PostgreSQL like PostgREST's unknownEncoder, so every
// built-in handler is replaced by the identity both ways.
const textOnly = (oids: number[]) => ({
  to: oids[0],
  from: oids,
  serialize: (x: unknown) => String(x),
  parse: (x: string) => x,
});
const TEXT_ONLY_TYPES = {
  number: textOnly([21, 23, 26, 700, 701]),
  json: textOnly([114, 3802]),
  boolean: textOnly([16]),
  date: textOnly([1184, 1082, 1114]),
  bytea: textOnly([17]),
};
const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

export function createRestHandler(opts: RestOptions): RestHandler {
  if (opts.schemas.length === 0)
    throw new Error('createRestHandler: at least one schema must be exposed');
  const sql = postgres(opts.dbUrl, {
    max: opts.poolSize ?? 10,
    idle_timeout: 30,
    prepare: false,
    // Only text parameters are sent, so the array-type lookup on connect is not needed.
    fetch_types: false,
    onnotice: () => {},
    connection: { application_name: 'finanzas-local-rest' },
    types: TEXT_ONLY_TYPES,
  });
  const cache = new SchemaCache(sql, opts.schemas, opts.schemaCacheTtlMs ?? 1000);
  const env: HandlerEnv = {
    sql,
    cache,
    schemas: opts.schemas,
    extraSearchPath: opts.extraSearchPath ?? ['public', 'extensions'],
    maxRows: opts.maxRows ?? 1000,
    anonRole: ANON_ROLE,
  };

  // PostgREST reloads its schema cache on `NOTIFY pgrst, 'reload schema'`.
  let closed = false;
  const listening = sql
    .listen('pgrst', (payload) => {
      if (payload === '' || payload === 'reload schema') cache.invalidate();
    })
    .catch(() => undefined);

  async function handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    let role = ANON_ROLE;
    try {
      setCorsHeaders(req, res);
      if (method === 'OPTIONS') {
        sendResponse(res, 200, {}, undefined);
        return;
      }
      const rawUrl = req.url ?? '';
      const qIndex = rawUrl.indexOf('?');
      const params = splitQueryString(qIndex === -1 ? '' : rawUrl.slice(qIndex + 1));
      const rawPath = path.split('?')[0];

      const gate = checkApiKey({
        apikeyHeader: headerValue(req.headers.apikey),
        apikeyQuery: params.find(([k]) => k === 'apikey')?.[1],
        authorization: headerValue(req.headers.authorization),
        validKeys: [opts.anonKey, opts.serviceKey],
      });
      const auth = authenticate(gate.authorization, opts.jwtSecret, ANON_ROLE);
      role = auth.role;

      const segments = rawPath
        .split('/')
        .filter((s) => s !== '')
        .map(decodeComponent);
      const schema = chooseSchema(req, method, opts.schemas);
      const headers = requestHeaders(req);
      if (gate.authorization !== undefined) headers.authorization = gate.authorization;
      const scope: RequestScope = {
        req,
        method,
        schema,
        contentProfile: opts.schemas.length > 1 ? schema : undefined,
        // The gateway credential is not a PostgREST parameter: left in, it would become an
        // RPC argument on GET /rpc/<fn> and fail overload resolution.
        params: params.filter(([k]) => k !== 'apikey'),
        prefs: parsePreferences(headerList(req.headers.prefer)),
        ctx: {
          role: auth.role,
          claims: auth.claims,
          method,
          path: rawPath,
          headers,
          cookies: requestCookies(req),
        },
      };

      let result: ReadResponse;
      if (segments.length === 0) {
        throw openApiDisabled();
      } else if (segments.length === 1) {
        if (method === 'GET' || method === 'HEAD')
          result = await handleRelationRead(env, scope, segments[0]);
        else if (WRITE_METHODS.has(method))
          result = await handleRelationWrite(env, scope, segments[0]);
        else throw unsupportedMethod(method);
      } else if (segments.length === 2 && segments[0] === 'rpc') {
        if (method === 'GET' || method === 'HEAD' || method === 'POST') {
          result = await handleRpc(env, scope, segments[1]);
        } else if (WRITE_METHODS.has(method)) {
          throw invalidRpcMethod(method);
        } else {
          throw unsupportedMethod(method);
        }
      } else {
        throw invalidResourcePath();
      }
      sendResponse(res, result.status, result.headers, result.body);
    } catch (err) {
      // A failure after the status line went out can only cut the response short.
      if (res.headersSent) {
        res.destroy(err instanceof Error ? err : undefined);
        return;
      }
      sendError(res, toRestError(err, role !== ANON_ROLE), method === 'HEAD');
    }
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    const listener = await listening;
    await listener?.unlisten().catch(() => undefined);
    await sql.end({ timeout: 5 });
  }

  return { handle, close };
}

function headerList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** Accept-Profile for reads, Content-Profile for writes (PostgREST getSchema). */
function chooseSchema(req: IncomingMessage, method: string, schemas: string[]): string {
  const header = WRITE_METHODS.has(method)
    ? headerValue(req.headers['content-profile'])
    : headerValue(req.headers['accept-profile']);
  if (header === undefined) return schemas[0];
  if (!schemas.includes(header)) throw unacceptableSchema(header, schemas);
  return header;
}

function toRestError(err: unknown, authenticated: boolean): RestError {
  if (err instanceof RestError) return err;
  if (isPgError(err)) return fromPgError(err, authenticated);
  const code = (err as { code?: unknown })?.code;
  if (
    typeof code === 'string' &&
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|CONNECT_TIMEOUT|CONNECTION_)/.test(code)
  ) {
    return connectionError(String((err as Error).message));
  }
  return new RestError({
    status: 500,
    code: 'PGRSTX00',
    message: err instanceof Error ? err.message : String(err),
  });
}
