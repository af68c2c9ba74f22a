// `/rpc/<fn>` by GET, HEAD or POST (reference §1.10).

import { bodyShape, buildRpcCall, type RpcPayload, resolveRoutine } from './build-rpc.ts';
import { invalidBody, notEmbedded, RestError } from './errors.ts';
import { headerValue } from './handle-relation-read.ts';
import { readBody } from './http-io.ts';
import { negotiate } from './media-type.ts';
import { parseQuery } from './parse-query.ts';
import { splitQueryString } from './query-string.ts';
import { effectiveRange } from './range.ts';
import { type ReadResponse, readResponse } from './read-response.ts';
import {
  contextFor,
  type HandlerEnv,
  lookupWithReload,
  type RequestScope,
} from './request-scope.ts';
import { type Routine, SchemaCache, type SchemaCacheData } from './schema-cache.ts';
import { runInTransaction } from './transaction.ts';

interface DecodedBody {
  keys: string[];
  /** Builds the JSON payload once the routine (and its variadic parameter) is known. */
  payload: (routine: Routine, single: boolean) => RpcPayload;
}

function mediaTypeOf(header: string | undefined): string {
  if (header === undefined || header.trim() === '') return 'application/json';
  return header.split(';')[0].trim().toLowerCase();
}

function decodePostBody(body: Buffer, contentType: string): DecodedBody {
  const raw = body.toString('utf8');
  switch (contentType) {
    case 'application/json': {
      const jsonText = body.length > 0 ? raw : '{}';
      let value: unknown = {};
      if (body.length > 0) {
        try {
          value = JSON.parse(raw);
        } catch {
          throw invalidBody('Empty or invalid json');
        }
      }
      if (Array.isArray(value)) {
        const first = value[0];
        if (
          value.length > 0 &&
          (typeof first !== 'object' || first === null || Array.isArray(first))
        ) {
          throw invalidBody('All object keys must match');
        }
        const keys = value.length === 0 ? [] : Object.keys(first as object).sort();
        const uniform = value.every(
          (v) =>
            typeof v === 'object' &&
            v !== null &&
            !Array.isArray(v) &&
            Object.keys(v).sort().join('\u0000') === keys.join('\u0000'),
        );
        if (!uniform) throw invalidBody('All object keys must match');
        return {
          keys,
          payload: (_r, single) =>
            single
              ? { kind: 'single', raw: jsonText }
              : { kind: 'keys', keys, json: raw, isArray: true },
        };
      }
      const isObject = typeof value === 'object' && value !== null && body.length > 0;
      const keys = isObject ? Object.keys(value as object) : [];
      // Scalars are truncated to an empty array by PostgREST, i.e. no arguments.
      return {
        keys,
        payload: (_r, single) =>
          single
            ? { kind: 'single', raw: jsonText }
            : { kind: 'keys', keys, json: isObject ? raw : '{}', isArray: false },
      };
    }
    case 'application/x-www-form-urlencoded': {
      const pairs = splitQueryString(raw).map(([k, v]) => [k, v ?? ''] as [string, string]);
      return argsPayload(pairs);
    }
    case 'text/plain':
    case 'text/xml':
    case 'application/octet-stream':
      return { keys: [], payload: () => ({ kind: 'single', raw }) };
    default:
      throw invalidBody(`Content-Type not acceptable: ${contentType}`);
  }
}

/** Arguments from the query string or a form: strings, repeated keys feeding a variadic. */
function argsPayload(args: [string, string][]): DecodedBody {
  const keys = [...new Set(args.map(([k]) => k))];
  return {
    keys,
    payload: (routine) => {
      const variadic = routine.params.find((p) => p.mode === 'v')?.name;
      const obj: Record<string, string | string[]> = {};
      for (const [k, v] of args) {
        if (k === variadic) obj[k] = [...((obj[k] as string[] | undefined) ?? []), v];
        else obj[k] = v;
      }
      return { kind: 'keys', keys, json: JSON.stringify(obj), isArray: false };
    },
  };
}

export async function handleRpc(
  env: HandlerEnv,
  scope: RequestScope,
  fnName: string,
): Promise<ReadResponse> {
  const isPost = scope.method === 'POST';
  const head = scope.method === 'HEAD';
  const format = negotiate(scope.req.headers.accept);
  const query = parseQuery(scope.params);
  const contentType = mediaTypeOf(headerValue(scope.req.headers['content-type']));
  const decoded = isPost
    ? decodePostBody(await readBody(scope.req), contentType)
    : argsPayload(query.rpcArgs);

  // Resolution is retried once on fresh catalog data, so a function just created or
  // re-declared with other parameters is found without waiting for the cache to expire.
  const resolve = (d: SchemaCacheData) => {
    try {
      return resolveRoutine({
        schema: scope.schema,
        name: fnName,
        candidates: SchemaCache.routines(d, scope.schema, fnName),
        allRoutineNames: SchemaCache.routineNames(d, scope.schema),
        keys: decoded.keys,
        isPost,
        contentType,
      });
    } catch (err) {
      if (err instanceof RestError) return err;
      throw err;
    }
  };
  const { data, found } = await lookupWithReload(env.cache, (d) => {
    const outcome = resolve(d);
    return outcome instanceof RestError ? undefined : { outcome };
  });
  if (found === undefined) {
    const failure = resolve(data);
    throw failure instanceof RestError
      ? failure
      : new Error('rpc resolution changed between attempts');
  }
  const { routine, single } = found.outcome;
  if (query.embedPaths.length > 0) throw notEmbedded(query.embedPaths[0]);
  const range = effectiveRange({
    method: scope.method,
    rangeHeader: headerValue(scope.req.headers.range),
    limitRange: query.limitRange,
    limitZero: query.limitZero,
    maxRows: env.maxRows,
  });
  const statement = buildRpcCall({
    routine,
    payload: decoded.payload(routine, single),
    query,
    range,
    withCount: scope.prefs.count !== undefined,
    format,
    head,
  });
  // GET/HEAD calls are always read-only; POST is read-only only for STABLE/IMMUTABLE.
  const readOnly = !isPost || routine.volatility !== 'v';
  const { ctx, isolation } = contextFor(env, scope, data, routine.settings);
  return runInTransaction(env.sql, { readOnly, isolation, ctx }, statement, (row) =>
    readResponse(row, {
      offset: range.offset,
      format,
      prefs: scope.prefs,
      shape: bodyShape(routine),
      head,
      contentProfile: scope.contentProfile,
    }),
  );
}
