// Odoo connection settings from the environment (DESIGN §3). Everything wrong is reported at
// once, by variable name, before any request is made; the API key's value is never echoed.
import { strictInt } from '../config/strict-int.ts';

export type OdooProtocol = 'auto' | 'json2' | 'jsonrpc' | 'xmlrpc';

export interface OdooConfig {
  /** Base URL of the Odoo server, without a trailing slash. */
  url: string;
  db: string;
  /** Login for XML-RPC / JSON-RPC (JSON-2 identifies the user by the key alone). */
  username: string;
  /** API key (or password). */
  apiKey: string;
  protocol: OdooProtocol;
  /** `allowed_company_ids` for every call; undefined = all the user's companies. */
  companyIds?: number[];
  /** Deadline of one HTTP exchange, headers and body included. */
  timeoutMs: number;
  /** Cap on one decompressed response body. */
  maxResponseBytes: number;
  /** `lang` in every call's context. */
  lang: string;
  /**
   * Ask Odoo for many2one display names too (ODOO_READ_NAMES, off): the classic read, even on
   * 16+ where the engine otherwise passes `load=''`. Only for comparison (bench/odoo-load) or an
   * Odoo whose customisations break `load=''`; the copy keeps only the ids either way.
   */
  readNames?: boolean;
}

/** Documented defaults of the optional settings. */
export const ODOO_CONFIG_DEFAULTS = {
  protocol: 'auto' as OdooProtocol,
  // Under Odoo's own limit_time_real (120 s) and well inside an Edge Function's 150 s wall time.
  timeoutMs: 60_000,
  // A 10,000-record XML-RPC page of 25 fields is ~28 MB; JSON is ~4x smaller.
  maxResponseBytes: 64 * 1024 * 1024,
  lang: 'en_US',
  readNames: false,
};

const PROTOCOLS: readonly OdooProtocol[] = ['auto', 'json2', 'jsonrpc', 'xmlrpc'];

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid Odoo configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Reads ODOO_URL, ODOO_DB, ODOO_USERNAME, ODOO_API_KEY (required; ODOO_USERNAME may be omitted
 * when ODOO_PROTOCOL=json2), ODOO_PROTOCOL (default `auto`), ODOO_COMPANY_IDS (comma list;
 * default: all the user's companies), and the optional ODOO_TIMEOUT_MS (60000; 1..600000),
 * ODOO_MAX_RESPONSE_BYTES (67108864; 1..1073741824), ODOO_LANG (en_US) and ODOO_READ_NAMES
 * (off; on/off).
 */
export function loadOdooConfig(env: Record<string, string | undefined>): OdooConfig {
  const problems: string[] = [];
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v === '' ? undefined : v;
  };

  const rawUrl = get('ODOO_URL');
  let url = '';
  if (!rawUrl) problems.push('ODOO_URL is missing');
  else {
    try {
      const u = new URL(rawUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') {
        problems.push('ODOO_URL must be an http(s) URL');
      } else if (u.username || u.password) {
        problems.push('ODOO_URL must not contain credentials (use ODOO_USERNAME/ODOO_API_KEY)');
      } else if (u.search || u.hash) {
        problems.push('ODOO_URL must not have a query or fragment');
      } else {
        url = u.toString().replace(/\/+$/, '');
      }
    } catch {
      problems.push('ODOO_URL is not a valid URL');
    }
  }

  const protocol = (get('ODOO_PROTOCOL')?.toLowerCase() ??
    ODOO_CONFIG_DEFAULTS.protocol) as OdooProtocol;
  if (!PROTOCOLS.includes(protocol)) {
    problems.push(`ODOO_PROTOCOL must be one of ${PROTOCOLS.join(', ')}`);
  }

  const db = get('ODOO_DB');
  if (!db) problems.push('ODOO_DB is missing');
  const username = get('ODOO_USERNAME');
  if (!username && protocol !== 'json2') problems.push('ODOO_USERNAME is missing');
  const apiKey = env.ODOO_API_KEY;
  if (!apiKey || apiKey.trim() === '') problems.push('ODOO_API_KEY is missing');

  let companyIds: number[] | undefined;
  const rawCompanies = get('ODOO_COMPANY_IDS');
  if (rawCompanies) {
    const parts = rawCompanies.split(',').map((s) => s.trim());
    if (parts.some((p) => !/^[1-9]\d{0,9}$/.test(p))) {
      problems.push('ODOO_COMPANY_IDS must be a comma-separated list of positive integers');
    } else {
      companyIds = [...new Set(parts.map(Number))];
    }
  }

  const intSetting = (name: string, fallback: number, min: number, max: number): number => {
    const v = get(name);
    if (v === undefined) return fallback;
    const r = strictInt(name, v, min, max);
    if ('problem' in r) {
      problems.push(r.problem);
      return fallback;
    }
    return r.value;
  };
  // Timers beyond 2^31 - 1 ms fire at once; 10 minutes is well past any Edge Function's life.
  const timeoutMs = intSetting('ODOO_TIMEOUT_MS', ODOO_CONFIG_DEFAULTS.timeoutMs, 1, 600_000);
  const maxResponseBytes = intSetting(
    'ODOO_MAX_RESPONSE_BYTES',
    ODOO_CONFIG_DEFAULTS.maxResponseBytes,
    1,
    1024 * 1024 * 1024,
  );
  const lang = get('ODOO_LANG') ?? ODOO_CONFIG_DEFAULTS.lang;
  if (!/^[a-z]{2,3}(_[A-Z]{2})?(@\w+)?$/.test(lang))
    problems.push('ODOO_LANG must look like en_US');
  const rawReadNames = get('ODOO_READ_NAMES')?.toLowerCase();
  let readNames = ODOO_CONFIG_DEFAULTS.readNames;
  if (rawReadNames !== undefined) {
    if (['on', 'true', '1', 'yes'].includes(rawReadNames)) readNames = true;
    else if (['off', 'false', '0', 'no'].includes(rawReadNames)) readNames = false;
    else problems.push('ODOO_READ_NAMES must be on or off');
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    url,
    db: db!,
    username: username ?? '',
    apiKey: apiKey!,
    protocol,
    companyIds,
    timeoutMs,
    maxResponseBytes,
    lang,
    readNames,
  };
}
