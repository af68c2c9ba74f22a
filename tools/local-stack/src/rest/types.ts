// The request AST, mirroring PostgREST's ApiRequest types closely enough that the
// SQL builders can follow PostgREST's own SqlFragment rules one-to-one.

export type JsonOperation =
  | { arrow: '->' | '->>'; key: string }
  | { arrow: '->' | '->>'; index: number };

export interface Field {
  name: string;
  jsonPath: JsonOperation[];
}

export type SelectItem =
  | { kind: 'star' }
  | { kind: 'field'; field: Field; cast?: string; alias?: string; aggregate?: string }
  | { kind: 'count' }
  | { kind: 'relation'; name: string; spread: boolean; children: SelectItem[] };

export type SimpleOperator =
  | 'eq'
  | 'neq'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'like'
  | 'ilike'
  | 'match'
  | 'imatch'
  | 'cs'
  | 'cd'
  | 'ov'
  | 'sl'
  | 'sr'
  | 'nxr'
  | 'nxl'
  | 'adj';

export type FtsOperator = 'fts' | 'plfts' | 'phfts' | 'wfts';

export type TrileanValue = 'null' | 'not_null' | 'true' | 'false' | 'unknown';

export type Operation =
  | { kind: 'op'; op: SimpleOperator; quantifier?: 'any' | 'all'; value: string }
  | { kind: 'in'; values: string[] }
  | { kind: 'is'; value: TrileanValue }
  | { kind: 'isdistinct'; value: string }
  | { kind: 'fts'; op: FtsOperator; language?: string; value: string };

export interface OpExpr {
  negated: boolean;
  operation: Operation;
}

export interface Filter {
  field: Field;
  opExpr: OpExpr;
}

export type LogicTree =
  | { kind: 'stmt'; filter: Filter }
  | { kind: 'expr'; negated: boolean; op: 'and' | 'or'; children: LogicTree[] };

export interface OrderTerm {
  relation?: string;
  field: Field;
  direction?: 'asc' | 'desc';
  nulls?: 'nullsfirst' | 'nullslast';
}

/** Inclusive offset range; `upper` undefined means unbounded. */
export interface RowRange {
  offset: number;
  upper?: number;
}

export interface ParsedQuery {
  select: SelectItem[];
  filters: Filter[];
  logic: LogicTree[];
  order: OrderTerm[];
  /** From `limit`/`offset` query parameters; undefined when neither was given. */
  limitRange?: RowRange;
  /** True when `limit=0` was requested (PostgREST allows that empty range). */
  limitZero: boolean;
  /** Non-filter parameters, which are RPC arguments on `/rpc/<fn>`. */
  rpcArgs: [string, string][];
}
