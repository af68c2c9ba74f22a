// Supabase's gateway in front of PostgREST (reference §4): key-auth on the `apikey`
// header or query parameter, then the Authorization header PostgREST will see.

import { invalidApiKey, noApiKey } from './errors.ts';

export interface GateResult {
  /** The Authorization header as forwarded to PostgREST (undefined: none). */
  authorization: string | undefined;
}

export function checkApiKey(opts: {
  apikeyHeader: string | undefined;
  apikeyQuery: string | undefined;
  authorization: string | undefined;
  validKeys: readonly string[];
}): GateResult {
  const apikey = opts.apikeyHeader ?? opts.apikeyQuery;
  if (apikey === undefined || apikey === '') throw noApiKey();
  if (!opts.validKeys.includes(apikey)) throw invalidApiKey();
  // A client's own token passes through unless it is an opaque `sb_` key; otherwise the
  // API key (a JWT for the legacy keys used locally) becomes the bearer token, which is
  // how a request carrying only the service key runs as service_role on Supabase.
  if (opts.authorization !== undefined && !opts.authorization.startsWith('Bearer sb_')) {
    return { authorization: opts.authorization };
  }
  return { authorization: `Bearer ${apikey}` };
}
