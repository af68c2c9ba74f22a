import { describe, expect, it } from 'vitest';
import { assessFreshness, type SyncHealthRow } from '../../web/src/freshness.ts';

// What the report page says about a failure when the reader sees only its category.
const NOW = Date.parse('2026-12-04T12:00:00Z');
const row = (model: string, extra: Partial<SyncHealthRow>): SyncHealthRow => ({
  model,
  rows: 10,
  high_water: null,
  lag_seconds: 30,
  last_success_at: '2026-12-04T11:59:30Z',
  last_error: null,
  ...extra,
});

describe('the page’s failure lines', () => {
  it('say the category and since when when the text is hidden, one line per shared failure', () => {
    const since = '2026-12-04T10:00:00Z';
    const f = assessFreshness(
      [
        row('res.partner', { error_category: 'killed', failing_since: since }),
        row('account.move', { error_category: 'killed', failing_since: since }),
        row('res.company', { error_category: 'auth', failing_since: '2026-12-04T11:55:00Z' }),
        row('res.currency', {}),
      ],
      null,
      15,
      NOW,
    );
    expect(f.stale).toBe(true);
    expect(f.reasons).toEqual([
      'Last sync of res.partner, account.move failed: the sync was stopped before it finished (killed), failing for 2 hours',
      'Last sync of res.company failed: the credentials were refused (auth), failing for 5 minutes',
    ]);
  });

  it('shows the text to readers allowed to see it, and a whole-sync failure from freshness', () => {
    const f = assessFreshness(
      [row('a', { last_error: 'OdooAuthError: denied', error_category: 'auth' })],
      null,
      15,
      NOW,
    );
    expect(f.reasons).toEqual(['Last sync of a failed: OdooAuthError: denied']);
    const g = assessFreshness(
      [row('a', {})],
      {
        data_as_of: null,
        lag_seconds: null,
        error_category: 'config',
        failing_since: '2026-12-04T11:30:00Z',
      },
      15,
      NOW,
    );
    expect(g.reasons).toContain(
      'Last sync failed: the sync is not configured correctly (config), failing for 30 minutes',
    );
  });
});
