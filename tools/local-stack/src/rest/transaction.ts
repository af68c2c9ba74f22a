// The per-request transaction, in PostgREST's order (reference §1.2): BEGIN with the
// access mode and isolation level, one `select set_config(...)` statement carrying
// search_path, the role's own settings, role, claims, method, path, headers and
// cookies (all transaction-local), then the main statement.

import type { Sql, TransactionSql } from 'postgres';
import { quoteIdent, SqlParams } from './sql-fragments.ts';

export interface RequestContext {
  role: string;
  claims: Record<string, unknown>;
  method: string;
  path: string;
  headers: Record<string, string>;
  cookies: Record<string, string>;
  searchPath: string[];
  roleSettings: [string, string][];
  functionSettings: [string, string][];
}

const ISOLATION: Record<string, string> = {
  'read committed': 'isolation level read committed',
  'repeatable read': 'isolation level repeatable read',
  serializable: 'isolation level serializable',
};

export function beginOptions(readOnly: boolean, isolation: string | undefined): string {
  const level = ISOLATION[isolation ?? ''] ?? ISOLATION['read committed'];
  return `${level} ${readOnly ? 'read only' : 'read write'}`;
}

export function settingsStatement(ctx: RequestContext): { text: string; values: string[] } {
  const params = new SqlParams();
  const set = (name: string, value: string) =>
    `set_config(${params.add(name)}, ${params.add(value)}, true)`;
  const calls = [
    set('search_path', ctx.searchPath.map(quoteIdent).join(', ')),
    // Role settings come before `role` so GRANT SET ON PARAMETER keeps working (PostgREST #3045).
    ...ctx.roleSettings.map(([k, v]) => set(k, v)),
    set('role', ctx.role),
    set('request.jwt.claims', JSON.stringify(ctx.claims)),
    set('request.method', ctx.method),
    set('request.path', ctx.path),
    set('request.headers', JSON.stringify(ctx.headers)),
    set('request.cookies', JSON.stringify(ctx.cookies)),
    ...ctx.functionSettings
      .filter(([k]) => k !== 'default_transaction_isolation')
      .map(([k, v]) => set(k, v)),
  ];
  return { text: `select ${calls.join(', ')}`, values: params.values };
}

export interface MainResult {
  total_result_set: string | null;
  page_total: string;
  body: string | null;
  response_headers: string | null;
  response_status: string | null;
}

/**
 * Runs settings + main statement in one transaction. `inspect` sees the result before
 * COMMIT and may throw to roll it back (PostgREST condemns the transaction that way).
 */
export async function runInTransaction<T>(
  sql: Sql,
  opts: { readOnly: boolean; isolation?: string; ctx: RequestContext },
  main: { text: string; values: string[] },
  inspect: (row: MainResult) => T,
): Promise<T> {
  const settings = settingsStatement(opts.ctx);
  return (await sql.begin(
    beginOptions(opts.readOnly, opts.isolation),
    async (tx: TransactionSql) => {
      // `simple: false` keeps even parameterless statements on the extended protocol,
      // which refuses multiple statements.
      const extended = { prepare: false, simple: false } as unknown as { prepare: boolean };
      await tx.unsafe(settings.text, settings.values, extended);
      const rows = await tx.unsafe<MainResult[]>(main.text, main.values, extended);
      return inspect(rows[0]);
    },
  )) as T;
}
