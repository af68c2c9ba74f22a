// The service secrets the odoo-sync function accepts: the legacy SUPABASE_SERVICE_ROLE_KEY and
// the values of SUPABASE_SECRET_KEYS (a JSON object name → sb_secret_… key, as Supabase sets it).
// Parsed strictly: a JSON string there once made every one of its characters a valid secret.
// A malformed setting refuses every caller (fail closed) and says why in the function's log.

/** Shorter than any key Supabase issues (sb_secret_… keys have 41 characters). */
export const MIN_SECRET_LENGTH = 32;

export type ServiceSecrets = { ok: true; secrets: string[] } | { ok: false; problem: string };

export function serviceSecrets(env: Record<string, string | undefined>): ServiceSecrets {
  const secrets: string[] = [];
  const legacy = env.SUPABASE_SERVICE_ROLE_KEY;
  if (legacy !== undefined && legacy !== '') {
    if (legacy.length < MIN_SECRET_LENGTH)
      return {
        ok: false,
        problem: `SUPABASE_SERVICE_ROLE_KEY is shorter than ${MIN_SECRET_LENGTH} characters`,
      };
    secrets.push(legacy);
  }
  const raw = env.SUPABASE_SECRET_KEYS;
  if (raw !== undefined && raw.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return { ok: false, problem: 'SUPABASE_SECRET_KEYS is not JSON' };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return {
        ok: false,
        problem: `SUPABASE_SECRET_KEYS must be a JSON object of name → key, not ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : `a ${typeof parsed}`}`,
      };
    for (const [name, value] of Object.entries(parsed)) {
      if (typeof value !== 'string')
        return { ok: false, problem: `SUPABASE_SECRET_KEYS.${name} is not a string` };
      if (value.length < MIN_SECRET_LENGTH)
        return {
          ok: false,
          problem: `SUPABASE_SECRET_KEYS.${name} is shorter than ${MIN_SECRET_LENGTH} characters`,
        };
      secrets.push(value);
    }
  }
  if (secrets.length === 0)
    return {
      ok: false,
      problem: 'neither SUPABASE_SERVICE_ROLE_KEY nor SUPABASE_SECRET_KEYS holds a key',
    };
  return { ok: true, secrets };
}
