// POST (insert), PATCH and DELETE on a table, kept simple: the project's consumers only
// read, but writes must still fail (or succeed) the way PostgREST's do, including the
// role's privilege errors (42501 → 401 for anon, 403 otherwise) and Supabase's
// pg-safeupdate refusal of unfiltered PATCH/DELETE.

import { type Statement, wrapRead } from './build-read.ts';
import { invalidBody, notEmbedded, notImplemented, RestError, tableNotFound } from './errors.ts';
import { fuzzyGetOne } from './fuzzy.ts';
import { readBody } from './http-io.ts';
import { contentTypeOf, negotiate, type ResponseFormat } from './media-type.ts';
import { parseQuery } from './parse-query.ts';
import { appliedPreferences } from './preferences.ts';
import type { ReadResponse } from './read-response.ts';
import {
  contextFor,
  type HandlerEnv,
  lookupWithReload,
  type RequestScope,
} from './request-scope.ts';
import { type Relation, SchemaCache } from './schema-cache.ts';
import { quoteIdent, type SourceRef, SqlParams, selectListSql, whereSql } from './sql-fragments.ts';
import { runInTransaction } from './transaction.ts';

function parseJsonBody(body: Buffer): { json: string; keys: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw invalidBody('Empty or invalid json');
  }
  const rows = Array.isArray(value) ? value : [value];
  if (rows.length === 0) return { json: '[]', keys: [] };
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!rows.every(isObj)) throw invalidBody('All object keys must match');
  const keys = Object.keys(rows[0]).sort();
  const sig = keys.join('\u0000');
  if (!rows.every((r) => Object.keys(r).sort().join('\u0000') === sig)) {
    throw invalidBody('All object keys must match');
  }
  return { json: JSON.stringify(rows), keys };
}

export async function handleRelationWrite(
  env: HandlerEnv,
  scope: RequestScope,
  table: string,
): Promise<ReadResponse> {
  const method = scope.method;
  if (method === 'PUT') throw notImplemented('PUT is not emulated by the local stack');
  const representation = scope.prefs.returnPref === 'representation';
  const format: ResponseFormat = representation
    ? negotiate(scope.req.headers.accept)
    : { kind: 'json', stripNulls: false };
  const query = parseQuery(scope.params);
  const { data, found: relation } = await lookupWithReload(env.cache, (d) =>
    SchemaCache.relation(d, scope.schema, table),
  );
  if (relation === undefined) {
    throw tableNotFound(
      scope.schema,
      table,
      fuzzyGetOne(SchemaCache.relationNames(data, scope.schema), table),
    );
  }
  if (query.embedPaths.length > 0) throw notEmbedded(query.embedPaths[0]);
  const hasFilters = query.filters.length > 0 || query.logic.length > 0;
  if ((method === 'PATCH' || method === 'DELETE') && !hasFilters) {
    // Supabase enables pg-safeupdate for API requests (reference §4).
    throw new RestError({
      status: 400,
      code: '21000',
      message: `${method === 'PATCH' ? 'UPDATE' : 'DELETE'} requires a WHERE clause`,
    });
  }
  const body = method === 'DELETE' ? undefined : parseJsonBody(await readBody(scope.req));
  const statement = buildWrite(relation, method, query, body, format, representation);
  const { ctx, isolation } = contextFor(env, scope, data);
  return runInTransaction(env.sql, { readOnly: false, isolation, ctx }, statement, (row) => {
    const n = Number(row.page_total);
    if (representation && format.kind === 'object' && n !== 1) {
      throw new RestError({
        status: 406,
        code: 'PGRST116',
        message: 'Cannot coerce the result to a single JSON object',
        details: `The result contains ${n} rows`,
      });
    }
    const total = scope.prefs.count !== undefined ? String(n) : '*';
    const headers: Record<string, string> = {};
    if (scope.contentProfile !== undefined) headers['Content-Profile'] = scope.contentProfile;
    const applied = appliedPreferences(scope.prefs);
    const returnApplied = scope.prefs.returnPref ? `return=${scope.prefs.returnPref}` : undefined;
    const allApplied = [returnApplied, applied].filter(Boolean).join(', ');
    if (allApplied !== '') headers['Preference-Applied'] = allApplied;
    headers['Content-Range'] = method === 'PATCH' && n > 0 ? `0-${n - 1}/${total}` : `*/${total}`;
    if (representation) {
      headers['Content-Type'] = contentTypeOf(format);
      return { status: method === 'POST' ? 201 : 200, headers, body: row.body ?? '[]' };
    }
    return { status: method === 'POST' ? 201 : 204, headers, body: undefined };
  });
}

function buildWrite(
  relation: Relation,
  method: string,
  query: ReturnType<typeof parseQuery>,
  body: { json: string; keys: string[] } | undefined,
  format: ResponseFormat,
  representation: boolean,
): Statement {
  const params = new SqlParams();
  const qualified = `${quoteIdent(relation.schema)}.${quoteIdent(relation.name)}`;
  const src: SourceRef = { qualified, columns: relation.columns };
  const returning = representation
    ? ` RETURNING ${selectListSql(src, query.select, params, { parent: relation.name, schema: relation.schema })}`
    : ' RETURNING 1';
  let mutation: string;
  if (method === 'POST') {
    const cols = (body?.keys ?? []).map(quoteIdent).join(', ');
    mutation =
      cols === ''
        ? `INSERT INTO ${qualified} DEFAULT VALUES${returning}`
        : `INSERT INTO ${qualified}(${cols}) SELECT ${cols} FROM json_populate_recordset(null::${qualified}, ${params.add(body?.json ?? '[]')}::json) _${returning}`;
  } else if (method === 'PATCH') {
    const keys = body?.keys ?? [];
    if (keys.length === 0) throw invalidBody('Empty or invalid json');
    const payload = params.add(body?.json ?? '[]');
    const assignments = keys
      .map((k) => `${quoteIdent(k)} = pgrst_body.${quoteIdent(k)}`)
      .join(', ');
    const where = whereSql(src, query.filters, query.logic, params);
    mutation = `UPDATE ${qualified} SET ${assignments} FROM (SELECT * FROM json_populate_recordset(null::${qualified}, ${payload}::json) LIMIT 1) pgrst_body${where}${returning}`;
  } else {
    mutation = `DELETE FROM ${qualified}${whereSql(src, query.filters, query.logic, params)}${returning}`;
  }
  const text = wrapRead({
    sourceSql: mutation,
    pageSql: 'SELECT * FROM pgrst_source',
    countSql: undefined,
    shape: 'rows',
    format,
    head: !representation,
  });
  return { text, values: params.values };
}
