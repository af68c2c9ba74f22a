// What every route handler needs about the request once the gateway and JWT checks
// have passed.

import type { IncomingMessage } from 'node:http';
import type { Sql } from 'postgres';
import type { Preferences } from './preferences.ts';
import type { RawParam } from './query-string.ts';
import type { SchemaCache, SchemaCacheData } from './schema-cache.ts';
import type { RequestContext } from './transaction.ts';

export interface HandlerEnv {
  sql: Sql;
  cache: SchemaCache;
  schemas: string[];
  extraSearchPath: string[];
  maxRows: number;
  anonRole: string;
}

export interface RequestScope {
  req: IncomingMessage;
  method: string;
  schema: string;
  /** Content-Profile to echo: set when more than one schema is exposed. */
  contentProfile: string | undefined;
  params: RawParam[];
  prefs: Preferences;
  /** Context minus per-role and per-function settings, which depend on the cache. */
  ctx: Omit<RequestContext, 'roleSettings' | 'functionSettings' | 'searchPath'>;
}

export function contextFor(
  env: HandlerEnv,
  scope: RequestScope,
  data: SchemaCacheData,
  functionSettings: [string, string][] = [],
): { ctx: RequestContext; isolation: string | undefined } {
  const role = data.roleSettings.get(scope.ctx.role);
  const fnIsolation = functionSettings.find(([k]) => k === 'default_transaction_isolation')?.[1];
  return {
    ctx: {
      ...scope.ctx,
      searchPath: [scope.schema, ...env.extraSearchPath],
      roleSettings: role?.settings ?? [],
      functionSettings,
    },
    isolation: fnIsolation?.toLowerCase() ?? role?.isolation,
  };
}

/**
 * Looks something up in the cache, reloading once on a miss (unless the cache is
 * brand new) so freshly created objects are visible without NOTIFY.
 */
export async function lookupWithReload<T>(
  cache: SchemaCache,
  find: (data: SchemaCacheData) => T | undefined,
): Promise<{ data: SchemaCacheData; found: T | undefined }> {
  let data = await cache.get();
  let found = find(data);
  if (found === undefined && cache.age() > 50) {
    data = await cache.get(true);
    found = find(data);
  }
  return { data, found };
}
