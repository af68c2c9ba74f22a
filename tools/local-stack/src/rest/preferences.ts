// The `Prefer` header (reference §1.11). Only what reads and RPC honour is kept; the
// rest is recognised so `handling=strict` can reject what is truly invalid.

import { invalidPreferences } from './errors.ts';

export interface Preferences {
  count?: 'exact' | 'planned' | 'estimated';
  handling?: 'strict' | 'lenient';
  tx?: 'commit' | 'rollback';
  returnPref?: 'minimal' | 'headers-only' | 'representation';
}

const KNOWN = new Set([
  'return=minimal',
  'return=headers-only',
  'return=representation',
  'count=exact',
  'count=planned',
  'count=estimated',
  'handling=strict',
  'handling=lenient',
  'tx=commit',
  'tx=rollback',
  'resolution=merge-duplicates',
  'resolution=ignore-duplicates',
  'missing=default',
  'missing=null',
]);

export function parsePreferences(headerValues: string[]): Preferences {
  const prefs: Preferences = {};
  const invalid: string[] = [];
  const tokens = headerValues
    .flatMap((v) => v.split(','))
    .map((t) => t.trim())
    .filter(Boolean);
  for (const token of tokens) {
    const [key, value] = token.split('=', 2).map((s) => s.trim());
    if (
      !KNOWN.has(`${key}=${value}`) &&
      !/^timezone=/.test(token) &&
      !/^max-affected=\d+$/.test(token)
    ) {
      invalid.push(token);
      continue;
    }
    if (key === 'count' && prefs.count === undefined) prefs.count = value as Preferences['count'];
    if (key === 'handling' && prefs.handling === undefined)
      prefs.handling = value as Preferences['handling'];
    if (key === 'tx' && prefs.tx === undefined) prefs.tx = value as Preferences['tx'];
    if (key === 'return' && prefs.returnPref === undefined)
      prefs.returnPref = value as Preferences['returnPref'];
  }
  if (prefs.handling === 'strict' && invalid.length > 0) throw invalidPreferences(invalid);
  return prefs;
}

/** Preference-Applied for reads and calls: count and handling, as PostgREST echoes them. */
export function appliedPreferences(prefs: Preferences): string | undefined {
  const applied: string[] = [];
  if (prefs.count) applied.push(`count=${prefs.count}`);
  if (prefs.handling) applied.push(`handling=${prefs.handling}`);
  return applied.length > 0 ? applied.join(', ') : undefined;
}
