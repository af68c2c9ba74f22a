// How fresh the numbers are, from reporting.sync_health (per model) and reporting.freshness
// (the reports as a whole). Pure: the page renders what this returns, tests call it directly.

export interface SyncHealthRow {
  model: string;
  rows: number | null;
  high_water: string | null;
  lag_seconds: number | string | null;
  last_success_at: string | null;
  last_error: string | null;
  verified_at?: string | null;
  verification_ok?: boolean | null;
  last_error_at?: string | null;
  phase?: string | null;
  /** Kind of the current failure; readers get this when last_error (the text) is hidden. */
  error_category?: string | null;
  /** First failure of the current streak. */
  failing_since?: string | null;
}

export interface FreshnessRow {
  data_as_of: string | null;
  lag_seconds: number | string | null;
  refreshed_at?: string | null;
  refresh_pending?: boolean | null;
  failing_models?: string[] | null;
  last_error?: string | null;
  error_category?: string | null;
  failing_since?: string | null;
}

export interface FreshnessView {
  /** ISO timestamp the numbers are as of (null: never completely synced). */
  asOf: string | null;
  /** Age of the numbers in whole minutes (server clock), null when unknown. */
  minutesAgo: number | null;
  stale: boolean;
  /** One line per reason the data should not be trusted as current. */
  reasons: string[];
  /** Informational notes that do not make the data stale (e.g. a verification mismatch). */
  notes: string[];
}

// What each category means to a reader who does not see the error text.
const CATEGORY_TEXT: Record<string, string> = {
  auth: 'the credentials were refused',
  permission: 'Odoo denied access',
  network: 'Odoo or the sync function could not be reached',
  timeout: 'no answer in time',
  odoo_fault: 'Odoo reported an error',
  bad_data: 'Odoo sent data the copy cannot store',
  config: 'the sync is not configured correctly',
  database: 'a database error',
  killed: 'the sync was stopped before it finished',
  internal: 'an internal error',
};

/** The error text when the reader may see it, else what its category means. */
function failureText(text: string | null | undefined, category: string | null | undefined) {
  if (text) return text;
  const c = category ?? 'internal';
  return `${CATEGORY_TEXT[c] ?? 'an error'} (${c})`;
}

const num = (v: number | string | null | undefined): number | null =>
  v === null || v === undefined || v === '' ? null : Number(v);

export function assessFreshness(
  health: SyncHealthRow[],
  freshness: FreshnessRow | null,
  staleAfterMinutes: number,
  now = Date.now(),
): FreshnessView {
  const reasons: string[] = [];
  const notes: string[] = [];
  let asOf: string | null = null;
  let lag: number | null = null;
  if (freshness?.data_as_of) {
    asOf = freshness.data_as_of;
    lag = num(freshness.lag_seconds);
  } else if (health.length > 0 && health.every((h) => h.last_success_at)) {
    // No report refresh yet: the mirror's own age (oldest model).
    const oldest = health.reduce((a, b) =>
      Date.parse(a.last_success_at!) <= Date.parse(b.last_success_at!) ? a : b,
    );
    asOf = oldest.last_success_at;
    lag = num(oldest.lag_seconds);
  }
  const never = health.filter((h) => !h.last_success_at).map((h) => h.model);
  if (health.length === 0) reasons.push('No sync status available yet.');
  else if (never.length > 0)
    reasons.push(`The first sync has not completed yet for ${never.join(', ')}.`);
  const mirrorLag = Math.max(0, ...health.map((h) => num(h.lag_seconds) ?? 0));
  const worst = Math.max(lag ?? 0, mirrorLag);
  if (asOf && worst > staleAfterMinutes * 60) {
    reasons.push(
      `The data is ${describeAge(worst)} old (more than ${staleAfterMinutes} minutes): the sync with Odoo is not keeping up or is not running.`,
    );
  }
  const since = (at: string | null | undefined) => {
    const ms = at ? now - Date.parse(at) : Number.NaN;
    return Number.isFinite(ms) ? `, failing for ${describeAge(Math.max(0, ms / 1000))}` : '';
  };
  // Models failing the same way since the same moment (a whole-sync failure) share one line.
  const failing = new Map<string, string[]>();
  for (const h of health.filter((x) => x.last_error || x.error_category)) {
    const why = `${failureText(h.last_error, h.error_category)}${since(h.failing_since)}`;
    failing.set(why, [...(failing.get(why) ?? []), h.model]);
  }
  for (const [why, models] of failing)
    reasons.push(`Last sync of ${models.join(', ')} failed: ${why}`);
  if (failing.size === 0 && (freshness?.last_error || freshness?.error_category))
    reasons.push(
      `Last sync failed: ${failureText(freshness.last_error, freshness.error_category)}${since(freshness.failing_since)}`,
    );
  if (freshness?.refresh_pending)
    notes.push('Newer data has been synced and will appear after the next report refresh.');
  const mismatched = health.filter((h) => h.verification_ok === false).map((h) => h.model);
  if (mismatched.length > 0)
    notes.push(`The last verification found differences with Odoo in ${mismatched.join(', ')}.`);
  return {
    asOf,
    minutesAgo: lag === null ? null : Math.max(0, Math.floor(lag / 60)),
    stale: reasons.length > 0,
    reasons,
    notes,
  };
}

export function describeAge(seconds: number): string {
  const m = Math.floor(seconds / 60);
  if (m < 1) return 'less than a minute';
  if (m < 120) return `${m} minute${m === 1 ? '' : 's'}`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} hours`;
  return `${Math.floor(h / 24)} days`;
}
