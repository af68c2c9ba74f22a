import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Every path the local stack uses, derived from the repository root so commands work from any cwd.
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// Git-ignored home of the clusters and caches; tests point it elsewhere to stay out of the way.
export const LOCAL_DIR = process.env.FINANZAS_LOCAL_DIR ?? join(ROOT, '.local');
export const SUPABASE_DIR = join(ROOT, 'supabase');
export const FUNCTIONS_DIR = join(SUPABASE_DIR, 'functions');
export const WEB_DIR = join(ROOT, 'web');
export const SQL_DIR = join(ROOT, 'tools', 'local-stack', 'sql');
export const PG_BIN = '/usr/lib/postgresql/15/bin';
export const BIN = join(ROOT, 'node_modules', '.bin');
