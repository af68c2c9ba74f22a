// SQL fragments for filters, logic trees, order and select items, following PostgREST's
// SqlFragment.hs (reference §1.5). Two rules keep every request injection-free:
// identifiers only ever appear through quoteIdent, and every value is a bind parameter
// (sent untyped, so PostgreSQL infers its type from the column like PostgREST's
// unknownEncoder). The only other user text that reaches SQL is a `::cast` type name,
// restricted to a plain identifier by castType.

import { aggregatesNotAllowed, noRelationshipBetween, RestError } from './errors.ts';
import type { Field, Filter, LogicTree, OpExpr, OrderTerm, SelectItem } from './types.ts';

export class SqlParams {
  readonly values: string[] = [];

  add(value: string): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const nulByteError = () =>
  new RestError({
    status: 400,
    code: '22021',
    message: 'invalid byte sequence for encoding "UTF8": 0x00',
  });

export function quoteIdent(name: string): string {
  // A NUL would end the statement text early on the wire; PostgreSQL rejects it anyway.
  if (name.includes('\0')) throw nulByteError();
  return `"${name.replace(/"/g, '""')}"`;
}

/** Cast targets are spliced as type names, so only plain (optionally array) identifiers pass. */
export function castType(cast: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_ ]*(\[\])?$/.test(cast)) {
    throw new RestError({
      status: 400,
      code: '42704',
      message: `type "${cast}" does not exist`,
    });
  }
  return cast;
}

/** Column types known to the caller: name → base type name (e.g. 'jsonb', 'tsvector'). */
export type ColumnTypes = ReadonlyMap<string, string>;

export interface SourceRef {
  /** Qualified source, e.g. `"public"."t"` or `"fn"` for an RPC result. */
  qualified: string;
  columns: ColumnTypes | undefined;
}

function isJsonType(type: string | undefined): boolean {
  return type === 'json' || type === 'jsonb';
}

export function fieldSql(src: SourceRef, field: Field, params: SqlParams): string {
  const column = `${src.qualified}.${quoteIdent(field.name)}`;
  if (field.jsonPath.length === 0) return column;
  // PostgREST only indexes json/jsonb directly; other types go through to_jsonb.
  let expr = isJsonType(src.columns?.get(field.name)) ? column : `to_jsonb(${column})`;
  for (const op of field.jsonPath) {
    const operand =
      'key' in op ? `${params.add(op.key)}::text` : `${params.add(String(op.index))}::int`;
    expr = `${expr}${op.arrow}${operand}`;
  }
  return expr;
}

/** PostgREST's implicit alias for a JSON path: the last key, else the column name. */
function jsonPathAlias(field: Field): string {
  for (let i = field.jsonPath.length - 1; i >= 0; i--) {
    const op = field.jsonPath[i];
    if ('key' in op) return op.key;
  }
  return field.name;
}

const SIMPLE_SQL: Record<string, string> = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  like: 'like',
  ilike: 'ilike',
  match: '~',
  imatch: '~*',
  cs: '@>',
  cd: '<@',
  ov: '&&',
  sl: '<<',
  sr: '>>',
  nxr: '&<',
  nxl: '&>',
  adj: '-|-',
};

const FTS_FUNCTION: Record<string, string> = {
  fts: 'to_tsquery',
  plfts: 'plainto_tsquery',
  phfts: 'phraseto_tsquery',
  wfts: 'websearch_to_tsquery',
};

const TRILEAN_SQL: Record<string, string> = {
  null: 'IS NULL',
  not_null: 'IS NOT NULL',
  true: 'IS TRUE',
  false: 'IS FALSE',
  unknown: 'IS UNKNOWN',
};

/** pgBuildArrayLiteral: `{"a","b"}` with `\` and `"` escaped. */
export function arrayLiteral(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

const starToPercent = (v: string) => v.replace(/\*/g, '%');

function opExprSql(src: SourceRef, field: Field, expr: OpExpr, params: SqlParams): string {
  const lhs = fieldSql(src, field, params);
  const op = expr.operation;
  let sql: string;
  switch (op.kind) {
    case 'op': {
      const isLike = op.op === 'like' || op.op === 'ilike';
      const value = isLike ? starToPercent(op.value) : op.value;
      sql = op.quantifier
        ? `${lhs} ${SIMPLE_SQL[op.op]} ${op.quantifier.toUpperCase()}(${params.add(value)})`
        : `${lhs} ${SIMPLE_SQL[op.op]} ${params.add(value)}`;
      break;
    }
    case 'in':
      // `in.()` parses as one empty element and matches nothing, as in PostgREST.
      sql =
        op.values.length === 1 && op.values[0] === ''
          ? `${lhs} = ANY('{}')`
          : `${lhs} = ANY(${params.add(arrayLiteral(op.values))})`;
      break;
    case 'is':
      sql = `${lhs} ${TRILEAN_SQL[op.value]}`;
      break;
    case 'isdistinct':
      sql = `${lhs} IS DISTINCT FROM ${params.add(op.value)}`;
      break;
    case 'fts': {
      const isTsvector = src.columns?.get(field.name) === 'tsvector' && field.jsonPath.length === 0;
      const lang = op.language === undefined ? undefined : params.add(op.language);
      const target = isTsvector
        ? lhs
        : lang
          ? `to_tsvector(${lang}, ${lhs})`
          : `to_tsvector(${lhs})`;
      const query = lang
        ? `${FTS_FUNCTION[op.op]}(${lang}, ${params.add(op.value)})`
        : `${FTS_FUNCTION[op.op]}(${params.add(op.value)})`;
      sql = `${target} @@ ${query}`;
      break;
    }
  }
  return expr.negated ? `NOT ${sql}` : sql;
}

export function filterSql(src: SourceRef, filter: Filter, params: SqlParams): string {
  return opExprSql(src, filter.field, filter.opExpr, params);
}

export function logicTreeSql(src: SourceRef, tree: LogicTree, params: SqlParams): string {
  if (tree.kind === 'stmt') return filterSql(src, tree.filter, params);
  const joiner = tree.op === 'and' ? ' AND ' : ' OR ';
  const inner = `(${tree.children.map((child) => logicTreeSql(src, child, params)).join(joiner)})`;
  return tree.negated ? `NOT ${inner}` : inner;
}

export function whereSql(
  src: SourceRef,
  filters: Filter[],
  logic: LogicTree[],
  params: SqlParams,
): string {
  const conditions = [
    ...filters.map((f) => filterSql(src, f, params)),
    ...logic.map((t) => logicTreeSql(src, t, params)),
  ];
  return conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
}

export function orderSql(src: SourceRef, terms: OrderTerm[], params: SqlParams): string {
  if (terms.length === 0) return '';
  const parts = terms.map((t) => {
    let s = fieldSql(src, t.field, params);
    if (t.direction) s += t.direction === 'asc' ? ' ASC' : ' DESC';
    if (t.nulls) s += t.nulls === 'nullsfirst' ? ' NULLS FIRST' : ' NULLS LAST';
    return s;
  });
  return ` ORDER BY ${parts.join(', ')}`;
}

/**
 * The select list. Embedding is not emulated: a relation in `select` answers as
 * PostgREST does when no foreign key links the two (PGRST200).
 */
export function selectListSql(
  src: SourceRef,
  items: SelectItem[],
  params: SqlParams,
  names: { parent: string; schema: string },
): string {
  const parts: string[] = [];
  for (const item of items) {
    switch (item.kind) {
      case 'star':
        parts.push(`${src.qualified}.*`);
        break;
      case 'count':
        throw aggregatesNotAllowed();
      case 'relation':
        throw noRelationshipBetween(names.parent, item.name, names.schema);
      case 'field': {
        if (item.aggregate) throw aggregatesNotAllowed();
        let expr = fieldSql(src, item.field, params);
        if (item.cast !== undefined) expr = `CAST(${expr} AS ${castType(item.cast)})`;
        const alias =
          item.alias ??
          (item.field.jsonPath.length > 0
            ? jsonPathAlias(item.field)
            : item.cast !== undefined
              ? item.field.name
              : undefined);
        parts.push(alias === undefined ? expr : `${expr} AS ${quoteIdent(alias)}`);
        break;
      }
    }
  }
  return parts.join(', ');
}
