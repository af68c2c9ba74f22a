// Where the page reads from. The same build deploys to any Supabase project: the URL and the
// anon (publishable) key come from `window.FINANZAS_CONFIG` (config.js next to index.html,
// written by whoever deploys it; served by the local stack) or from query parameters
// (?url=…&key=…), the latter winning. Without a URL the page's own origin is used (the local
// stack serves the page and the API on one port).

export interface PageConfig {
  supabaseUrl: string;
  anonKey: string;
  /** Data older than this (or a failed last sync) shows the stale warning. */
  staleAfterMinutes: number;
  /** How often the page re-checks freshness and reloads changed data. */
  pollSeconds: number;
}

export interface RawConfig {
  supabaseUrl?: string;
  url?: string;
  anonKey?: string;
  key?: string;
  staleAfterMinutes?: number;
  pollSeconds?: number;
}

export class ConfigError extends Error {}

export function resolveConfig(
  raw: RawConfig | undefined,
  search: string,
  origin: string,
): PageConfig {
  const q = new URLSearchParams(search);
  const supabaseUrl = (q.get('url') ?? raw?.supabaseUrl ?? raw?.url ?? origin).replace(/\/+$/, '');
  const anonKey = q.get('key') ?? raw?.anonKey ?? raw?.key ?? '';
  if (!anonKey) {
    throw new ConfigError(
      'No API key configured: deploy a config.js that sets window.FINANZAS_CONFIG = { supabaseUrl, anonKey }, or open the page with ?url=…&key=…',
    );
  }
  try {
    new URL(supabaseUrl);
  } catch {
    throw new ConfigError(`Not a URL: ${supabaseUrl}`);
  }
  const positive = (v: unknown, dflt: number) => {
    const n = Number(v);
    return Number.isFinite(n) && n > 0 ? n : dflt;
  };
  return {
    supabaseUrl,
    anonKey,
    staleAfterMinutes: positive(q.get('stale') ?? raw?.staleAfterMinutes, 15),
    pollSeconds: positive(q.get('poll') ?? raw?.pollSeconds, 60),
  };
}
