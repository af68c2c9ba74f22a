// A TypeScript port of PostgREST's query-string grammar (ApiRequest/QueryParams.hs,
// reference §1.4). Like Parsec's `parse`, the top-level parsers do not require the
// end of input: trailing text after a complete item is ignored, as PostgREST does.
// Nothing parsed here is ever spliced into SQL unquoted; see sql-fragments.ts.

import { queryParamError } from './errors.ts';
import { haskellShowString, parsecPosition } from './haskell-show.ts';
import type { RawParam } from './query-string.ts';
import { ParseFailure, TextCursor } from './text-cursor.ts';
import type {
  Field,
  Filter,
  FtsOperator,
  JsonOperation,
  LogicTree,
  OpExpr,
  Operation,
  OrderTerm,
  ParsedQuery,
  RowRange,
  SelectItem,
  SimpleOperator,
  TrileanValue,
} from './types.ts';

const SIMPLE_OPERATORS: ReadonlySet<string> = new Set<SimpleOperator>([
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'like',
  'ilike',
  'match',
  'imatch',
  'cs',
  'cd',
  'ov',
  'sl',
  'sr',
  'nxr',
  'nxl',
  'adj',
]);
const QUANTIFIABLE: ReadonlySet<string> = new Set([
  'eq',
  'gt',
  'gte',
  'lt',
  'lte',
  'like',
  'ilike',
  'match',
  'imatch',
]);
const FTS_OPERATORS: ReadonlySet<string> = new Set<FtsOperator>(['fts', 'plfts', 'phfts', 'wfts']);
const AGGREGATES: ReadonlySet<string> = new Set(['sum', 'avg', 'max', 'min', 'count']);
const FIELD_NAME_LABEL = 'field name (* or [a..z0..9_$])';

// ---------------------------------------------------------------------------
// Lexical pieces

const isIdentifierChar = (ch: string) => ch !== '' && /^[\p{L}0-9_ $]$/u.test(ch);

function parseIdentifier(c: TextCursor): string {
  const start = c.pos;
  while (isIdentifierChar(c.peek())) c.pos++;
  if (c.pos === start) {
    c.expect('letter or digit');
    c.fail();
  }
  return c.input.slice(start, c.pos).trim();
}

function parseQuotedValue(c: TextCursor): string {
  if (!c.eat('"')) c.fail();
  let out = '';
  for (;;) {
    const ch = c.peek();
    if (ch === '') {
      c.expect('"\\""');
      c.fail();
    }
    if (ch === '"') {
      c.pos++;
      return out;
    }
    if (ch === '\\') {
      c.pos++;
      if (c.done) c.fail();
      out += c.peek();
      c.pos++;
    } else {
      out += ch;
      c.pos++;
    }
  }
}

export function parseFieldName(c: TextCursor): string {
  if (c.peek() === '"') return parseQuotedValue(c);
  if (!isIdentifierChar(c.peek())) {
    c.expect(FIELD_NAME_LABEL);
    c.fail();
  }
  const parts = [parseIdentifier(c)];
  // A dash joins identifiers unless it starts a JSON arrow.
  while (c.peek() === '-' && c.peek(1) !== '>') {
    c.pos++;
    parts.push(parseIdentifier(c));
  }
  return parts.join('-');
}

function parseJsonPath(c: TextCursor): JsonOperation[] {
  const path: JsonOperation[] = [];
  for (;;) {
    let arrow: '->' | '->>';
    if (c.startsWith('->>')) arrow = '->>';
    else if (c.startsWith('->')) arrow = '->';
    else {
      c.expect('"->>"');
      c.expect('"->"');
      return path;
    }
    const save = c.pos;
    c.pos += arrow.length;
    const index = c.attempt(() => {
      const m = /^-?[0-9]+/.exec(c.input.slice(c.pos));
      if (!m) c.fail();
      const after = c.input.slice(c.pos + m[0].length);
      if (!(after === '' || /^(->|::|\.|,)/.test(after))) c.fail();
      c.pos += m[0].length;
      return Number(m[0]);
    });
    if (index !== undefined) {
      path.push({ arrow, index });
      continue;
    }
    const key = c.attempt(() => parseFieldName(c));
    if (key === undefined) {
      c.pos = save + arrow.length;
      c.expect(FIELD_NAME_LABEL);
      c.fail();
    }
    path.push({ arrow, key });
  }
}

function parseField(c: TextCursor): Field {
  c.skipSpaces();
  const name = parseFieldName(c);
  const jsonPath = parseJsonPath(c);
  c.skipSpaces();
  return { name, jsonPath };
}

// ---------------------------------------------------------------------------
// select=

function parseFieldForest(c: TextCursor): SelectItem[] {
  const items = [parseFieldTree(c)];
  for (;;) {
    const save = c.pos;
    c.skipSpaces();
    if (!c.eat(',')) {
      c.pos = save;
      return items;
    }
    c.skipSpaces();
    items.push(parseFieldTree(c));
  }
}

function parseFieldTree(c: TextCursor): SelectItem {
  const spread = c.attempt(() => parseRelationSelect(c, true));
  if (spread) return spread;
  const relation = c.attempt(() => parseRelationSelect(c, false));
  if (relation) return relation;
  return parseFieldSelect(c);
}

function parseRelationSelect(c: TextCursor, spread: boolean): SelectItem {
  c.skipSpaces();
  if (spread && !c.eat('..')) c.fail();
  if (!spread) c.attempt(() => parseAlias(c));
  const name = parseFieldName(c);
  // Embed hints and join types (`!hint`, `!inner`) are accepted and then unused.
  for (let i = 0; i < 2 && c.peek() === '!'; i++) {
    c.pos++;
    parseFieldName(c);
  }
  if (c.peek() !== '(') {
    c.expect('"("');
    c.fail();
  }
  c.pos++;
  const children = parseFieldForest(c);
  if (!c.eat(')')) c.fail();
  c.skipSpaces();
  return { kind: 'relation', name, spread, children };
}

function parseAlias(c: TextCursor): string {
  const alias = parseFieldName(c);
  if (c.peek() !== ':' || c.peek(1) === ':') {
    c.expect('":"');
    c.fail();
  }
  c.pos++;
  return alias;
}

function atSelectItemEnd(c: TextCursor): boolean {
  if (c.done || c.peek() === ',' || c.peek() === ')') return true;
  c.expect('")"');
  c.expect('","');
  c.expect('end of input');
  return false;
}

function parseCast(c: TextCursor): string | undefined {
  if (!c.startsWith('::')) {
    c.expect('"::"');
    return undefined;
  }
  c.pos += 2;
  return parseIdentifier(c);
}

function parseFieldSelect(c: TextCursor): SelectItem {
  c.skipSpaces();
  const star = c.attempt(() => {
    if (!c.eat('*')) c.fail();
    c.skipSpaces();
    if (!atSelectItemEnd(c)) c.fail();
    return { kind: 'star' } as const;
  });
  if (star) return star;
  const count = c.attempt(() => {
    if (!c.eat('count()')) c.fail();
    const cast = parseCast(c);
    c.skipSpaces();
    if (!atSelectItemEnd(c)) c.fail();
    return { kind: 'count', cast } as const;
  });
  if (count) return { kind: 'count' };
  const alias = c.attempt(() => parseAlias(c));
  const field = parseField(c);
  let aggregate: string | undefined;
  const agg = /^\.([a-z]+)\(\)/.exec(c.input.slice(c.pos));
  if (agg && AGGREGATES.has(agg[1])) {
    aggregate = agg[1];
    c.pos += agg[0].length;
  }
  const cast = parseCast(c);
  c.skipSpaces();
  if (!atSelectItemEnd(c)) c.fail();
  return { kind: 'field', field, cast, alias, aggregate };
}

// ---------------------------------------------------------------------------
// Filters: `col=op.value`, and the leaves of logic trees

type ValueMode = 'single' | 'logic';

function parseOpExpr(c: TextCursor, mode: ValueMode): OpExpr {
  const negatedOp = c.attempt(() => {
    if (!c.eat('not')) c.fail();
    if (!c.eat('.')) c.fail();
    return parseOperation(c, mode);
  });
  if (negatedOp) return { negated: true, operation: negatedOp };
  return { negated: false, operation: parseOperation(c, mode) };
}

function parseOperation(c: TextCursor, mode: ValueMode): Operation {
  if (c.startsWith('in.')) {
    c.pos += 3;
    return { kind: 'in', values: parseListValue(c) };
  }
  if (c.startsWith('is.')) {
    c.pos += 3;
    return { kind: 'is', value: parseTrilean(c) };
  }
  const fts = c.attempt(() => parseFts(c, mode));
  if (fts) return fts;
  const opStart = c.pos;
  const dot = c.input.indexOf('.', c.pos);
  if (dot === -1) {
    c.pos = c.input.length;
    c.expect('delimiter (.)');
    c.pos = opStart;
    c.expect('operator (eq, gt, ...)');
    c.fail();
  }
  const opText = c.input.slice(opStart, dot);
  c.pos = dot + 1;
  if (opText === 'isdistinct') return { kind: 'isdistinct', value: parseValue(c, mode) };
  const quantified = /^([a-z]+)\((any|all)\)$/.exec(opText);
  if (quantified && QUANTIFIABLE.has(quantified[1])) {
    return {
      kind: 'op',
      op: quantified[1] as SimpleOperator,
      quantifier: quantified[2] as 'any' | 'all',
      value: parseValue(c, mode),
    };
  }
  if (!SIMPLE_OPERATORS.has(opText)) c.failWith(`unknown single value operator ${opText}`);
  return { kind: 'op', op: opText as SimpleOperator, value: parseValue(c, mode) };
}

function parseFts(c: TextCursor, mode: ValueMode): Operation {
  const start = c.pos;
  while (!c.done && c.peek() !== '.' && c.peek() !== '(') c.pos++;
  const opText = c.input.slice(start, c.pos);
  if (!FTS_OPERATORS.has(opText)) c.failWith(`unknown fts operator ${opText}`);
  const language = c.attempt(() => {
    if (!c.eat('(')) c.fail();
    const lang = parseIdentifier(c);
    if (!c.eat(')')) c.fail();
    return lang;
  });
  if (!c.eat('.')) {
    c.expect('delimiter (.)');
    c.fail();
  }
  return { kind: 'fts', op: opText as FtsOperator, language, value: parseValue(c, mode) };
}

function parseTrilean(c: TextCursor): TrileanValue {
  for (const v of ['null', 'not_null', 'unknown', 'true', 'false'] as const) {
    if (c.input.slice(c.pos, c.pos + v.length).toLowerCase() === v) {
      c.pos += v.length;
      return v;
    }
  }
  c.expect('null or trilean value (unknown, true, false)');
  c.fail();
}

function parseValue(c: TextCursor, mode: ValueMode): string {
  if (mode === 'single') {
    const rest = c.input.slice(c.pos);
    c.pos = c.input.length;
    return rest;
  }
  const quoted = c.attempt(() => {
    const v = parseQuotedValue(c);
    if (!c.done && c.peek() !== ',' && c.peek() !== ')') c.fail();
    return v;
  });
  if (quoted !== undefined) return quoted;
  const array = c.attempt(() => {
    const m = /^\{[^{}]*\}/.exec(c.input.slice(c.pos));
    if (!m) c.fail();
    c.pos += m[0].length;
    return m[0];
  });
  if (array !== undefined) return array;
  return takeUntilListDelimiter(c);
}

function takeUntilListDelimiter(c: TextCursor): string {
  const start = c.pos;
  while (!c.done && c.peek() !== ',' && c.peek() !== ')') c.pos++;
  return c.input.slice(start, c.pos);
}

function parseListValue(c: TextCursor): string[] {
  c.skipSpaces();
  if (!c.eat('(')) c.fail();
  c.skipSpaces();
  const values: string[] = [];
  for (;;) {
    const quoted = c.attempt(() => {
      const v = parseQuotedValue(c);
      if (!c.done && c.peek() !== ',' && c.peek() !== ')') c.fail();
      return v;
    });
    values.push(quoted ?? takeUntilListDelimiter(c));
    if (c.peek() !== ',') break;
    c.pos++;
  }
  c.skipSpaces();
  if (!c.eat(')')) c.fail();
  c.skipSpaces();
  return values;
}

function parseLogicTree(c: TextCursor): LogicTree {
  const stmt = c.attempt((): Filter => {
    const field = parseField(c);
    if (!c.eat('.')) {
      c.expect('delimiter (.)');
      c.fail();
    }
    return { field, opExpr: parseOpExpr(c, 'logic') };
  });
  if (stmt) return { kind: 'stmt', filter: stmt };
  const negated = c.attempt(() => {
    if (!c.eat('not') || !c.eat('.')) c.fail();
    return true;
  });
  let op: 'and' | 'or';
  if (c.startsWith('and')) op = 'and';
  else if (c.startsWith('or')) op = 'or';
  else {
    c.expect('logic operator (and, or)');
    c.fail();
  }
  c.pos += op.length;
  c.skipSpaces();
  if (!c.eat('(')) c.fail();
  c.skipSpaces();
  const children = [parseLogicTree(c)];
  for (;;) {
    c.skipSpaces();
    if (c.peek() !== ',') break;
    c.pos++;
    c.skipSpaces();
    children.push(parseLogicTree(c));
  }
  c.skipSpaces();
  if (!c.eat(')')) c.fail();
  c.skipSpaces();
  return { kind: 'expr', negated: negated === true, op, children };
}

// ---------------------------------------------------------------------------
// order=

function parseOrder(c: TextCursor): OrderTerm[] {
  const terms: OrderTerm[] = [];
  for (;;) {
    c.skipSpaces();
    const related = c.attempt(() => {
      const relation = parseFieldName(c);
      if (!c.eat('(')) c.fail();
      const field = parseField(c);
      if (!c.eat(')')) c.fail();
      return { relation, field };
    });
    const term: OrderTerm = related ?? { field: parseField(c) };
    for (const dir of ['asc', 'desc'] as const) {
      if (!term.direction && c.startsWith(`.${dir}`)) {
        term.direction = dir;
        c.pos += dir.length + 1;
      }
    }
    for (const nulls of ['nullsfirst', 'nullslast'] as const) {
      if (!term.nulls && c.startsWith(`.${nulls}`)) {
        term.nulls = nulls;
        c.pos += nulls.length + 1;
      }
    }
    c.skipSpaces();
    if (!c.done && c.peek() !== ',') {
      if (!term.direction && !term.nulls) {
        for (const w of ['"asc"', '"desc"', '"nullsfirst"', '"nullslast"']) c.expect(w);
      } else if (!term.nulls) {
        for (const w of ['"nullsfirst"', '"nullslast"']) c.expect(w);
      }
      c.expect('","');
      c.expect('end of input');
      c.fail();
    }
    terms.push(term);
    if (c.peek() !== ',') return terms;
    c.pos++;
  }
}

// ---------------------------------------------------------------------------
// Entry points

function run<T>(source: string, input: string, parser: (c: TextCursor) => T): T {
  const c = new TextCursor(input);
  try {
    return parser(c);
  } catch (err) {
    if (!(err instanceof ParseFailure)) throw err;
    const { line, column } = parsecPosition(input, err.offset);
    throw queryParamError(
      `${haskellShowString(source)} (line ${line}, column ${column})`,
      err.details,
    );
  }
}

export function parseSelect(text: string): SelectItem[] {
  if (text === '') return [];
  return run(`failed to parse select parameter (${text})`, text, parseFieldForest);
}

export function parseFilterValue(value: string): OpExpr {
  return run(`failed to parse filter (${value})`, value, (c) => parseOpExpr(c, 'single'));
}

export function parseTreePath(key: string): { path: string[]; field: Field } {
  return run(`failed to parse tree path (${key})`, key, (c) => {
    const names = [parseFieldName(c)];
    while (c.peek() === '.') {
      c.pos++;
      names.push(parseFieldName(c));
    }
    const jsonPath = parseJsonPath(c);
    const name = names.pop() as string;
    return { path: names, field: { name, jsonPath } };
  });
}

export function parseOrderValue(value: string): OrderTerm[] {
  return run(`failed to parse order (${value})`, value, parseOrder);
}

export function parseLogicValue(key: string, value: string): { path: string[]; tree: LogicTree } {
  const { path, op } = run(`failed to parse logic path (${key})`, key, (c) => {
    const names = [parseFieldName(c)];
    while (c.peek() === '.') {
      c.pos++;
      names.push(parseFieldName(c));
    }
    const last = names[names.length - 1];
    const negated = names.includes('not');
    return {
      path: names.slice(0, -1).filter((n) => n !== 'not'),
      op: negated ? `not.${last}` : last,
    };
  });
  // PostgREST prepends the operator so `or=(…)` parses as the tree `or(…)`.
  const tree = run(`failed to parse logic tree (${value})`, op + value, parseLogicTree);
  return { path, tree };
}

const lastSegment = (key: string) => key.slice(key.lastIndexOf('.') + 1);

function hasOperator(value: string): boolean {
  const parts = value.split('.');
  const first = parts[0];
  if (first === 'not' && parts.length >= 2) return true;
  if (first === 'is' || first === 'in' || first === 'isdistinct') return true;
  if (SIMPLE_OPERATORS.has(first) || FTS_OPERATORS.has(first)) return true;
  const quantified = /^([a-z]+)\((any|all)\)$/.exec(first);
  if (quantified && QUANTIFIABLE.has(quantified[1])) return true;
  const paren = value.split('(');
  return paren.length >= 2 && FTS_OPERATORS.has(paren[0]);
}

const readInteger = (text: string): number | undefined =>
  /^\s*-?[0-9]+\s*$/.test(text) ? Number(text) : undefined;

export interface QueryParseResult extends ParsedQuery {
  /** Embed paths named by filters, order, limits or logic: always an error here (no embedding). */
  embedPaths: string[];
}

/** Splits and parses every query parameter as PostgREST's QueryParams.parse does. */
export function parseQuery(params: RawParam[]): QueryParseResult {
  const selectParam = params.find(([k]) => k === 'select');
  const select = parseSelect(selectParam?.[1] ?? '*');
  const nonEmpty = params.filter((p): p is [string, string] => p[1] !== undefined);
  const embedPaths: string[] = [];

  let order: OrderTerm[] | undefined;
  let limit: number | undefined;
  let offset: number | undefined;
  let limitGiven = false;
  let offsetGiven = false;
  const logic: LogicTree[] = [];
  const filters: Filter[] = [];
  const rpcArgs: [string, string][] = [];

  for (const [key, value] of nonEmpty) {
    const last = lastSegment(key);
    if (key === 'select' || key === 'columns' || key === 'on_conflict') continue;
    if (last === 'order') {
      const { path } = parseTreePath(key);
      const terms = parseOrderValue(value);
      if (path.length > 0) embedPaths.push(path.join('.'));
      else if (order === undefined) order = terms;
      for (const t of terms) if (t.relation !== undefined) embedPaths.push(t.relation);
    } else if (last === 'limit' || last === 'offset') {
      const { path } = parseTreePath(key);
      if (path.length > 0) {
        embedPaths.push(path.join('.'));
        continue;
      }
      if (last === 'limit') {
        limitGiven = true;
        limit = readInteger(value);
      } else {
        offsetGiven = true;
        offset = readInteger(value);
      }
    } else if (last === 'and' || last === 'or') {
      const { path, tree } = parseLogicValue(key, value);
      if (path.length > 0) embedPaths.push(path.join('.'));
      else logic.push(tree);
    } else if (key.includes('.') || hasOperator(value)) {
      const { path, field } = parseTreePath(key);
      const opExpr = parseFilterValue(value);
      if (path.length > 0) embedPaths.push(path.join('.'));
      else filters.push({ field, opExpr });
    } else {
      rpcArgs.push([key, value]);
    }
  }

  let limitRange: RowRange | undefined;
  if (limitGiven || offsetGiven) {
    const from = offset ?? 0;
    limitRange = limit === undefined ? { offset: from } : { offset: from, upper: from + limit - 1 };
  }
  return {
    select,
    filters,
    logic,
    order: order ?? [],
    limitRange,
    limitZero: limit === 0,
    rpcArgs,
    embedPaths,
  };
}
