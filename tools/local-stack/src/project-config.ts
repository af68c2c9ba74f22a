import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { SUPABASE_DIR } from './paths.ts';

/** The parts of supabase/config.toml the local stack honours, with Supabase's defaults. */
export interface ProjectConfig {
  apiSchemas: string[];
  extraSearchPath: string[];
  maxRows: number;
  verifyJwt(functionName: string): boolean;
}

export function loadProjectConfig(file = join(SUPABASE_DIR, 'config.toml')): ProjectConfig {
  const toml = parse(readFileSync(file, 'utf8')) as Record<string, any>;
  const api = toml.api ?? {};
  const functions = (toml.functions ?? {}) as Record<string, { verify_jwt?: boolean }>;
  return {
    apiSchemas: api.schemas ?? ['public', 'graphql_public'],
    extraSearchPath: api.extra_search_path ?? ['public', 'extensions'],
    maxRows: api.max_rows ?? 1000,
    verifyJwt: (name) => functions[name]?.verify_jwt ?? true,
  };
}
