// Where the page reads from. The same build deploys to any Supabase project: the URL and the
// anon (publishable) key come from `window.FINANZAS_CONFIG` (config.js next to index.html,
// written by whoever deploys it; served by the local stack). Without a URL the page's own
// origin is used (the local stack serves the page and the API on one port).
// Query parameters ?url=…&key=… are for local development only: they count only where no
// config.js is deployed, and ?url only for the page's own origin (a path behind it). Otherwise
// a link such as /?url=https://elsewhere would send a signed-in user's session (and a typed
// password) to that host. The Content-Security-Policy (build.ts) enforces the same in the browser.

export interface PageConfig {
  supabaseUrl: string;
  anonKey: string;
  /** Data older than this (or a failed last sync) shows the stale warning. */
  staleAfterMinutes: number;
  /** How often the page re-checks freshness and reloads changed data. */
  pollSeconds: number;
  /** Query overrides that were ignored, and why (shown to the user). */
  ignored?: string;
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

function parseUrl(s: string): URL {
  try {
    const u = new URL(s);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u;
  } catch {
    // reported below
  }
  throw new ConfigError(`Not an http(s) URL: ${s}`);
}

/** Where an auth session for this project is kept: one key per project, never shared. */
export function storageKeyFor(supabaseUrl: string): string {
  return `finanzas-agv-auth:${new URL(supabaseUrl).origin}`;
}

export function resolveConfig(
  raw: RawConfig | undefined,
  search: string,
  origin: string,
): PageConfig {
  const q = new URLSearchParams(search);
  const deployed = raw !== undefined && (raw.anonKey ?? raw.key ?? '') !== '';
  let supabaseUrl = (raw?.supabaseUrl ?? raw?.url ?? origin).replace(/\/+$/, '');
  let anonKey = raw?.anonKey ?? raw?.key ?? '';
  let ignored: string | undefined;
  const qUrl = q.get('url');
  const qKey = q.get('key');
  if (deployed && (qUrl !== null || qKey !== null)) {
    ignored = 'The url/key in the link were ignored: this page is configured by its config.js.';
  } else if (!deployed) {
    if (qKey) anonKey = qKey;
    if (qUrl) {
      const target = parseUrl(qUrl);
      if (target.origin !== new URL(origin).origin) {
        throw new ConfigError(
          `Refusing to send requests to ${target.origin}: a ?url= link may only name this page's own origin (deploy a config.js instead)`,
        );
      }
      supabaseUrl = qUrl.replace(/\/+$/, '');
    }
  }
  if (!anonKey) {
    throw new ConfigError(
      'No API key configured: deploy a config.js that sets window.FINANZAS_CONFIG = { supabaseUrl, anonKey } (local development: ?key=…)',
    );
  }
  parseUrl(supabaseUrl);
  const positive = (v: unknown, dflt: number) => {
    const n = Number(v);
    return Number.isFinite(n) && n > 0 ? n : dflt;
  };
  return {
    supabaseUrl,
    anonKey,
    staleAfterMinutes: positive(q.get('stale') ?? raw?.staleAfterMinutes, 15),
    pollSeconds: positive(q.get('poll') ?? raw?.pollSeconds, 60),
    ignored,
  };
}
