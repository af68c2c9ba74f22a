import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig, storageKeyFor } from '../../web/src/config.ts';
import { csvField, toCsv } from '../../web/src/csv.ts';
import { minorToDecimal, sumMinor, toMinor } from '../../web/src/format.ts';
import { assessFreshness, type SyncHealthRow } from '../../web/src/freshness.ts';

// The page's pure parts (no browser): freshness rules, config resolution, CSV, money.
const ok = (model: string, lag: number): SyncHealthRow => ({
  model,
  rows: 10,
  high_water: null,
  lag_seconds: lag,
  last_success_at: new Date(Date.now() - lag * 1000).toISOString(),
  last_error: null,
});

describe('assessFreshness', () => {
  it('fresh data: as of the reports’ data_as_of, no warning', () => {
    const f = assessFreshness(
      [ok('res.partner', 30), ok('account.move', 90)],
      { data_as_of: '2026-11-27T10:00:00Z', lag_seconds: 125 },
      15,
    );
    expect(f).toMatchObject({ asOf: '2026-11-27T10:00:00Z', minutesAgo: 2, stale: false });
  });

  it('stale past the threshold, by the reports’ or a model’s lag', () => {
    expect(
      assessFreshness([ok('a', 60)], { data_as_of: 'x', lag_seconds: 16 * 60 }, 15).stale,
    ).toBe(true);
    const f = assessFreshness([ok('a', 60), ok('b', 3 * 3600)], null, 15);
    expect(f.stale).toBe(true);
    expect(f.reasons[0]).toMatch(/3 hours old/);
  });

  it('a failed last sync warns even when the data is recent', () => {
    const f = assessFreshness(
      [{ ...ok('account.move', 10), last_error: 'OdooConnectionError: refused' }],
      null,
      15,
    );
    expect(f.stale).toBe(true);
    expect(f.reasons).toEqual(['Last sync of account.move failed: OdooConnectionError: refused']);
  });

  it('never synced: no as-of, a warning', () => {
    const f = assessFreshness(
      [{ ...ok('a', 0), last_success_at: null, lag_seconds: null }],
      null,
      15,
    );
    expect(f).toMatchObject({ asOf: null, minutesAgo: null, stale: true });
    expect(assessFreshness([], null, 15).stale).toBe(true);
  });

  it('a verification mismatch is a note, not a stale warning', () => {
    const f = assessFreshness([{ ...ok('a', 5), verification_ok: false }], null, 15);
    expect(f.stale).toBe(false);
    expect(f.notes[0]).toMatch(/differences/);
  });
});

describe('resolveConfig', () => {
  it('config.js wins: ?url and ?key are ignored where it exists; same origin by default', () => {
    expect(resolveConfig({ anonKey: 'k' }, '', 'http://h:1')).toMatchObject({
      supabaseUrl: 'http://h:1',
      anonKey: 'k',
      staleAfterMinutes: 15,
    });
    const cfg = resolveConfig(
      { supabaseUrl: 'https://a.supabase.co/', anonKey: 'k' },
      '?url=https://evil.example&key=q&stale=5',
      'https://reports.example',
    );
    expect(cfg).toMatchObject({ supabaseUrl: 'https://a.supabase.co', anonKey: 'k' });
    expect(cfg.staleAfterMinutes).toBe(5);
    expect(cfg.ignored).toMatch(/ignored/);
  });

  it("without config.js: ?key counts, ?url only for the page's own origin", () => {
    expect(resolveConfig(undefined, '?key=q', 'http://127.0.0.1:54321')).toMatchObject({
      supabaseUrl: 'http://127.0.0.1:54321',
      anonKey: 'q',
    });
    expect(
      resolveConfig(undefined, '?key=q&url=http://127.0.0.1:54321/', 'http://127.0.0.1:54321'),
    ).toMatchObject({ supabaseUrl: 'http://127.0.0.1:54321' });
    for (const url of ['https://elsewhere.example', 'http://127.0.0.1:9', 'javascript:alert(1)'])
      expect(() =>
        resolveConfig(undefined, `?key=q&url=${encodeURIComponent(url)}`, 'http://127.0.0.1:54321'),
      ).toThrow(ConfigError);
  });

  it('the session is stored under a key derived from the project URL', () => {
    expect(storageKeyFor('https://a.supabase.co/')).toBe('finanzas-agv-auth:https://a.supabase.co');
    expect(storageKeyFor('https://a.supabase.co')).not.toBe(storageKeyFor('https://b.supabase.co'));
  });

  it('no key is a clear error', () => {
    expect(() => resolveConfig(undefined, '', 'http://h')).toThrow(ConfigError);
  });
});

describe('CSV and money', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-12.50')).toBe('-12.50');
    // A `;` list separator must not split a field into a formula cell.
    expect(csvField('x;=1+2')).toBe('"x;=1+2"');
    expect(csvField('+1;-2')).toBe(`"'+1;-2"`);
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(null)).toBe('');
    expect(toCsv(['a', 'b'], [[1, 'x\ny']])).toBe('a,b\r\n1,"x\ny"\r\n');
  });

  it('sums in minor units exactly', () => {
    const rows = Array.from({ length: 10 }, () => ({ v: 0.1 }));
    expect(sumMinor(rows, 'v')).toBe(100);
    expect(toMinor('1234.565')).toBe(123457);
    expect(minorToDecimal(-5)).toBe('-0.05');
    expect(minorToDecimal(123456)).toBe('1234.56');
    expect(minorToDecimal(7, 0)).toBe('7');
  });
});
