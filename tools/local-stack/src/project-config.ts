import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { SUPABASE_DIR } from './paths.ts';

/** The parts of supabase/config.toml the local stack honours, with Supabase's defaults. */
export interface ProjectConfig {
  apiSchemas: string[];
  extraSearchPath: string[];
  maxRows: number;
  /** [storage] file_size_limit in bytes (Supabase's default 50 MiB). */
  storageFileSizeLimit: number;
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
    storageFileSizeLimit: sizeInBytes(toml.storage?.file_size_limit ?? '50MiB'),
    verifyJwt: (name) => functions[name]?.verify_jwt ?? true,
  };
}

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** "50MiB", "500KB", "20GB" (config.toml's size format) → bytes. */
export function sizeInBytes(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = UNITS[(m?.[2] || 'b').toLowerCase()];
  if (!m || unit === undefined) throw new Error(`config.toml: not a size: "${text}"`);
  return Math.round(Number(m[1]) * unit);
}
