// RPC: choosing the overload (PostgREST's findProc/matchesParams, reference §1.10) and
// the call statement, with named arguments typed through json_to_record so every
// argument value stays inside one bound JSON parameter.

import { type BodyShape, limitOffsetSql, type Statement, wrapRead } from './build-read.ts';
import { RestError } from './errors.ts';
import { fuzzyGetOne } from './fuzzy.ts';
import type { ResponseFormat } from './media-type.ts';
import type { EffectiveRange } from './range.ts';
import type { Routine } from './schema-cache.ts';
import {
  orderSql,
  quoteIdent,
  type SourceRef,
  SqlParams,
  selectListSql,
  whereSql,
} from './sql-fragments.ts';
import type { ParsedQuery } from './types.ts';

export type RpcPayload =
  | { kind: 'keys'; keys: string[]; json: string; isArray: boolean }
  | { kind: 'single'; raw: string };

function matchesParams(routine: Routine, keys: ReadonlySet<string>): boolean {
  const params = routine.params;
  if (params.length === 0) return keys.size === 0;
  const required = new Set(params.filter((p) => !p.hasDefault).map((p) => p.name));
  const optional = new Set(params.filter((p) => p.hasDefault).map((p) => p.name));
  const sameSet = (a: Set<string>, b: ReadonlySet<string>) =>
    a.size === b.size && [...a].every((x) => b.has(x));
  if (optional.size === 0) return sameSet(required, keys);
  if (required.size === 0) return [...keys].every((k) => optional.has(k));
  const rest = new Set([...keys].filter((k) => !optional.has(k)));
  return sameSet(rest, required);
}

const SINGLE_PARAM_TYPES: Record<string, string[]> = {
  'application/json': ['json', 'jsonb'],
  'text/plain': ['text'],
  'text/xml': ['xml'],
  'application/octet-stream': ['bytea'],
};

function singleUnnamedParam(routine: Routine, contentType: string): boolean {
  const [p] = routine.params;
  return (
    routine.params.length === 1 &&
    p.name === '' &&
    (SINGLE_PARAM_TYPES[contentType] ?? []).includes(p.type)
  );
}

export function resolveRoutine(opts: {
  schema: string;
  name: string;
  candidates: Routine[];
  allRoutineNames: string[];
  keys: string[];
  isPost: boolean;
  contentType: string;
}): { routine: Routine; single: boolean } {
  const keySet = new Set(opts.keys);
  const named = opts.candidates.filter((r) => matchesParams(r, keySet));
  const fallbacks = opts.isPost
    ? opts.candidates.filter((r) => singleUnnamedParam(r, opts.contentType))
    : [];
  const matches = named.length > 0 ? named : fallbacks;
  if (matches.length === 1) return { routine: matches[0], single: named.length === 0 };
  if (matches.length > 1) {
    const sig = (r: Routine) =>
      `${r.schema}.${r.name}(${r.params.map((p) => `${p.name} => ${p.type}`).join(', ')})`;
    throw new RestError({
      status: 300,
      code: 'PGRST203',
      message: `Could not choose the best candidate function between: ${matches.map(sig).join(', ')}`,
      hint: 'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
    });
  }
  throw noRpc(opts);
}

function noRpc(opts: {
  schema: string;
  name: string;
  candidates: Routine[];
  allRoutineNames: string[];
  keys: string[];
  isPost: boolean;
  contentType: string;
}): RestError {
  const keys = [...opts.keys].sort();
  const func = `${opts.schema}.${opts.name}`;
  const singleOnly =
    opts.isPost &&
    ['text/plain', 'text/xml', 'application/octet-stream'].includes(opts.contentType);
  const prms = keys.length === 0 ? ' without parameters' : `(${keys.join(', ')})`;
  const prmsDetail =
    keys.length === 0
      ? ' without parameters'
      : ` with parameter${keys.length > 1 ? 's ' : ' '}${keys.join(', ')}`;
  let detailSuffix = prmsDetail;
  if (opts.isPost) {
    if (opts.contentType === 'text/plain') detailSuffix = ' with a single unnamed text parameter';
    else if (opts.contentType === 'text/xml') detailSuffix = ' with a single unnamed xml parameter';
    else if (opts.contentType === 'application/octet-stream') {
      detailSuffix = ' with a single unnamed bytea parameter';
    } else if (opts.contentType === 'application/json') {
      detailSuffix = `${prmsDetail} or with a single unnamed json/jsonb parameter`;
    }
  }
  const listText = (names: string[]) => `(${[...names].sort().join(', ')})`;
  let hint: string | null = null;
  if (!singleOnly) {
    const suggestion =
      opts.candidates.length === 0
        ? fuzzyGetOne(opts.allRoutineNames, opts.name)
        : (() => {
            const lists = opts.candidates.map((r) => listText(r.params.map((p) => p.name)));
            const best = fuzzyGetOne(lists, listText(keys));
            return best === undefined ? undefined : `${opts.name}${best}`;
          })();
    if (suggestion !== undefined) {
      hint = `Perhaps you meant to call the function ${opts.schema}.${suggestion}`;
    }
  }
  return new RestError({
    status: 404,
    code: 'PGRST202',
    message: `Could not find the function ${func}${singleOnly ? '' : prms} in the schema cache`,
    details: `Searched for the function ${func}${detailSuffix}, but no matches were found in the schema cache.`,
    hint,
  });
}

export function bodyShape(routine: Routine): BodyShape {
  if (routine.returnsVoid) return 'void';
  if (!routine.returnsComposite) return routine.setof ? 'setofScalar' : 'scalar';
  return routine.setof ? 'rows' : 'singleComposite';
}

function callSql(routine: Routine, payload: RpcPayload, params: SqlParams): string {
  const fn = `${quoteIdent(routine.schema)}.${quoteIdent(routine.name)}`;
  const scalar = !routine.returnsComposite;
  const wrap = (args: string) =>
    scalar ? `(SELECT ${fn}(${args}) pgrst_scalar) pgrst_call` : `${fn}(${args}) pgrst_call`;
  const selected = scalar ? 'pgrst_call.pgrst_scalar' : 'pgrst_call.*';
  if (payload.kind === 'single') {
    const type = routine.params[0].type;
    return `SELECT ${selected} FROM ${wrap(`${params.add(payload.raw)}::${type}`)}`;
  }
  const keys = new Set(payload.keys);
  const specified = routine.params.filter((p) => keys.has(p.name));
  if (specified.length === 0) return `SELECT ${selected} FROM ${wrap('')}`;
  const columns = specified.map((p) => quoteIdent(p.name)).join(', ');
  // Types come from pg_catalog's format_type, never from the request.
  const definitions = specified.map((p) => `${quoteIdent(p.name)} ${p.type}`).join(', ');
  const recordFn = payload.isArray ? 'json_to_recordset' : 'json_to_record';
  const args = specified
    .map(
      (p) =>
        `${p.mode === 'v' ? 'VARIADIC ' : ''}${quoteIdent(p.name)} := pgrst_body.${quoteIdent(p.name)}`,
    )
    .join(', ');
  return [
    `SELECT ${selected} FROM (SELECT ${params.add(payload.json)}::json AS json_data) pgrst_payload,`,
    `LATERAL (SELECT ${columns} FROM ${recordFn}(pgrst_payload.json_data) AS _(${definitions})${payload.isArray ? '' : ' LIMIT 1'}) pgrst_body,`,
    `LATERAL ${wrap(args)}`,
  ].join(' ');
}

export function buildRpcCall(opts: {
  routine: Routine;
  payload: RpcPayload;
  query: ParsedQuery;
  range: EffectiveRange;
  withCount: boolean;
  format: ResponseFormat;
  head: boolean;
}): Statement {
  const { routine, query } = opts;
  const params = new SqlParams();
  const shape = bodyShape(routine);
  const source = callSql(routine, opts.payload, params);
  const alias = quoteIdent(routine.name);
  const src: SourceRef = { qualified: alias, columns: undefined };
  const select =
    shape === 'rows' || shape === 'singleComposite'
      ? selectListSql(src, query.select, params, { parent: routine.name, schema: routine.schema })
      : `${alias}.pgrst_scalar`;
  const where = whereSql(src, query.filters, query.logic, params);
  const order = orderSql(src, query.order, params);
  const page = limitOffsetSql(opts.range, params);
  const text = wrapRead({
    sourceSql: source,
    pageSql: `SELECT ${select} FROM pgrst_source AS ${alias}${where}${order}${page}`,
    countSql: opts.withCount ? `SELECT 1 FROM pgrst_source AS ${alias}${where}` : undefined,
    shape,
    format: opts.format,
    head: opts.head,
  });
  return { text, values: params.values };
}
