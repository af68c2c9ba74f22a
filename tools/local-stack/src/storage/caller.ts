// Who a Storage request runs as, and the transaction it runs in. Storage switches role from
// the JWT exactly as PostgREST does (the same verification: tools/local-stack/src/rest/jwt.ts),
// so RLS on storage.objects is checked as the caller and service_role (BYPASSRLS) sees all.
import type { IncomingMessage } from 'node:http';
import type { Sql, TransactionSql } from 'postgres';
import { RestError } from '../rest/errors.ts';
import { type AuthResult, authenticate, tokenFromAuthorization } from '../rest/jwt.ts';
import { storageErrors } from './errors.ts';

const ANON_ROLE = 'anon';

/** The caller from `Authorization: Bearer` (or, without one, the `apikey` header). */
export function callerOf(req: IncomingMessage, jwtSecret: string): AuthResult {
  const header = req.headers.authorization;
  const apikey = typeof req.headers.apikey === 'string' ? req.headers.apikey : undefined;
  const token = tokenFromAuthorization(header) ?? apikey;
  if (!token) throw storageErrors.invalidJwt("headers must have required property 'authorization'");
  try {
    return authenticate(`Bearer ${token}`, jwtSecret, ANON_ROLE);
  } catch (e) {
    if (e instanceof RestError) throw storageErrors.invalidJwt(e.message);
    throw e;
  }
}

/**
 * Runs `fn` in one transaction as the caller: role, claims and request settings set
 * transaction-locally (as Storage and PostgREST do). `fn` may `asOwner(tx)` to reach what no API
 * role may (the bytes), after its RLS-checked statements.
 */
export function asCaller<T>(
  sql: Sql,
  caller: AuthResult,
  req: IncomingMessage,
  path: string,
  fn: (tx: TransactionSql) => Promise<T>,
): Promise<T> {
  const sub = typeof caller.claims.sub === 'string' ? caller.claims.sub : '';
  return sql.begin(async (tx) => {
    await tx`select set_config('role', ${caller.role}, true),
      set_config('request.jwt.claims', ${JSON.stringify(caller.claims)}, true),
      set_config('request.jwt.claim.sub', ${sub}, true),
      set_config('request.jwt.claim.role', ${caller.role}, true),
      set_config('request.method', ${req.method ?? 'GET'}, true),
      set_config('request.path', ${path}, true)`;
    return fn(tx);
  }) as Promise<T>;
}

/** Back to the connection's own (owner) role for the rest of the transaction. */
export async function asOwner(tx: TransactionSql): Promise<void> {
  await tx`set local role none`;
}
