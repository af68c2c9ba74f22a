// The read statement PostgREST generates (reference §1.5, captured SQL [S26, S27]):
// a `pgrst_source` CTE, an optional `pgrst_source_count` CTE for Prefer: count, and an
// outer select that aggregates the page into the response body in one round trip.

import type { ResponseFormat } from './media-type.ts';
import type { EffectiveRange } from './range.ts';
import type { Relation } from './schema-cache.ts';
import {
  orderSql,
  quoteIdent,
  type SourceRef,
  SqlParams,
  selectListSql,
  whereSql,
} from './sql-fragments.ts';
import type { ParsedQuery } from './types.ts';

/** What the body aggregates: table rows, or one of the RPC result shapes (§1.8). */
export type BodyShape = 'rows' | 'scalar' | 'setofScalar' | 'singleComposite' | 'void';

export interface Statement {
  text: string;
  values: string[];
}

function bodySql(shape: BodyShape, format: ResponseFormat, head: boolean): string {
  if (head || shape === 'void') return `''`;
  if (format.kind === 'csv') {
    const header = `coalesce((SELECT string_agg(k, ',') FROM json_object_keys(json_agg(_postgrest_t)->0) AS k), '')`;
    const lines = `coalesce(string_agg(substring(_postgrest_t::text, 2, length(_postgrest_t::text) - 2), chr(10)), '')`;
    return `${header} || chr(10) || ${lines}`;
  }
  const strip = (expr: string) => (format.stripNulls ? `json_strip_nulls(${expr})` : expr);
  const scalar = shape === 'scalar' || shape === 'setofScalar';
  const agg = scalar ? 'json_agg(_postgrest_t.pgrst_scalar)' : 'json_agg(_postgrest_t)';
  // A singular response, a scalar and a single composite are the first element or null.
  if (format.kind === 'object' || shape === 'scalar' || shape === 'singleComposite') {
    return `coalesce((${strip(`${agg}->0`)})::text, 'null')`;
  }
  return `coalesce(${strip(agg)}, '[]')::text`;
}

export function wrapRead(opts: {
  sourceSql: string;
  pageSql: string;
  countSql: string | undefined;
  shape: BodyShape;
  format: ResponseFormat;
  head: boolean;
}): string {
  const ctes = [`pgrst_source AS (${opts.sourceSql})`];
  if (opts.countSql !== undefined) ctes.push(`pgrst_source_count AS (${opts.countSql})`);
  const total =
    opts.countSql !== undefined
      ? '(SELECT pg_catalog.count(*) FROM pgrst_source_count)'
      : 'null::bigint';
  return [
    `WITH ${ctes.join(', ')}`,
    `SELECT ${total} AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total,`,
    `${bodySql(opts.shape, opts.format, opts.head)} AS body,`,
    `nullif(current_setting('response.headers', true), '') AS response_headers,`,
    `nullif(current_setting('response.status', true), '') AS response_status`,
    `FROM (${opts.pageSql}) _postgrest_t`,
  ].join('\n');
}

export function limitOffsetSql(range: EffectiveRange, params: SqlParams): string {
  return ` LIMIT ${params.add(String(range.limit))} OFFSET ${params.add(String(range.offset))}`;
}

export function buildRelationRead(opts: {
  relation: Relation;
  query: ParsedQuery;
  range: EffectiveRange;
  withCount: boolean;
  format: ResponseFormat;
  head: boolean;
}): Statement {
  const { relation, query } = opts;
  const params = new SqlParams();
  const qualified = `${quoteIdent(relation.schema)}.${quoteIdent(relation.name)}`;
  const src: SourceRef = { qualified, columns: relation.columns };
  const select = selectListSql(src, query.select, params, {
    parent: relation.name,
    schema: relation.schema,
  });
  const where = whereSql(src, query.filters, query.logic, params);
  const order = orderSql(src, query.order, params);
  const page = limitOffsetSql(opts.range, params);
  const text = wrapRead({
    sourceSql: `SELECT ${select} FROM ${qualified}${where}${order}${page}`,
    pageSql: 'SELECT * FROM pgrst_source',
    countSql: opts.withCount ? `SELECT 1 FROM ${qualified}${where}` : undefined,
    shape: 'rows',
    format: opts.format,
    head: opts.head,
  });
  return { text, values: params.values };
}
