// GET and HEAD on a table, view or materialized view.

import { buildRelationRead } from './build-read.ts';
import { notEmbedded, tableNotFound } from './errors.ts';
import { fuzzyGetOne } from './fuzzy.ts';
import { negotiate } from './media-type.ts';
import { parseQuery } from './parse-query.ts';
import { effectiveRange } from './range.ts';
import { type ReadResponse, readResponse } from './read-response.ts';
import {
  contextFor,
  type HandlerEnv,
  lookupWithReload,
  type RequestScope,
} from './request-scope.ts';
import { SchemaCache } from './schema-cache.ts';
import { runInTransaction } from './transaction.ts';

export async function handleRelationRead(
  env: HandlerEnv,
  scope: RequestScope,
  table: string,
): Promise<ReadResponse> {
  const head = scope.method === 'HEAD';
  const format = negotiate(scope.req.headers.accept);
  const query = parseQuery(scope.params);
  const { data, found: relation } = await lookupWithReload(env.cache, (d) =>
    SchemaCache.relation(d, scope.schema, table),
  );
  if (relation === undefined) {
    const suggestion = fuzzyGetOne(SchemaCache.relationNames(data, scope.schema), table);
    throw tableNotFound(scope.schema, table, suggestion);
  }
  if (query.embedPaths.length > 0) throw notEmbedded(query.embedPaths[0]);
  const range = effectiveRange({
    // Only GET reads the Range header; HEAD does not (PostgREST getRanges).
    method: scope.method,
    rangeHeader: headerValue(scope.req.headers.range),
    limitRange: query.limitRange,
    limitZero: query.limitZero,
    maxRows: env.maxRows,
  });
  const statement = buildRelationRead({
    relation,
    query,
    range,
    withCount: scope.prefs.count !== undefined,
    format,
    head,
  });
  const { ctx, isolation } = contextFor(env, scope, data);
  return runInTransaction(env.sql, { readOnly: true, isolation, ctx }, statement, (row) =>
    readResponse(row, {
      offset: range.offset,
      format,
      prefs: scope.prefs,
      shape: 'rows',
      head,
      contentProfile: scope.contentProfile,
    }),
  );
}

export function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[v.length - 1] : v;
}
