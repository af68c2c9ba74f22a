import { describe, expect, it } from 'vitest';
import { ConfigError, loadOdooConfig } from '../../packages/shared/src/odoo/config.ts';
import { loadSyncConfig } from '../../packages/shared/src/sync/config.ts';
import { SyncConfigError } from '../../packages/shared/src/sync/errors.ts';

// Settings that Number() would accept and that break later (an overlap of a trillion minutes,
// hex, exponents, fractions, timers that overflow) stop the start, naming the setting.
const SYNC_SETTINGS = [
  'SYNC_OVERLAP_MINUTES',
  'SYNC_SLICE_SECONDS',
  'SYNC_SLICE_RECORDS',
  'SYNC_MAX_RPS',
  'SYNC_SCHEMA_TTL_MINUTES',
];
const HOSTILE = ['1e12', '0x10', '1.5', '-1', ' ', 'Infinity', '99999999999999999999', '１０'];

describe('integer settings are strict, with ranges', () => {
  const base = { SUPABASE_DB_URL: 'postgres://x' };

  it('sync settings: every hostile value stops the start with the setting in the message', () => {
    for (const name of SYNC_SETTINGS) {
      for (const value of HOSTILE.filter((v) => v.trim() !== '')) {
        expect(() => loadSyncConfig({ ...base, [name]: value }), `${name}=${value}`).toThrow(
          SyncConfigError,
        );
        expect(() => loadSyncConfig({ ...base, [name]: value })).toThrow(name);
      }
    }
    expect(() => loadSyncConfig({ ...base, SYNC_OVERLAP_MINUTES: '100000' })).toThrow(
      /SYNC_OVERLAP_MINUTES must be an integer from 0 to 10080/,
    );
  });

  it('sync settings: plain integers in range still work, empty means the default', () => {
    const c = loadSyncConfig({
      ...base,
      SYNC_OVERLAP_MINUTES: '0',
      SYNC_SLICE_SECONDS: '600',
      SYNC_SLICE_RECORDS: '1000000',
      SYNC_MAX_RPS: '0',
      SYNC_SCHEMA_TTL_MINUTES: '',
    });
    expect(c).toMatchObject({
      overlapMinutes: 0,
      sliceSeconds: 600,
      sliceRecords: 1_000_000,
      maxRequestsPerSecond: 0,
      schemaTtlMinutes: 60,
    });
  });

  it('Odoo settings: timeout and response cap are strict integers with ranges', () => {
    const odoo = {
      ODOO_URL: 'http://odoo',
      ODOO_DB: 'db',
      ODOO_USERNAME: 'u',
      ODOO_API_KEY: 'k',
    };
    for (const name of ['ODOO_TIMEOUT_MS', 'ODOO_MAX_RESPONSE_BYTES']) {
      for (const value of [...HOSTILE.filter((v) => v.trim() !== ''), '0']) {
        let err: unknown;
        try {
          loadOdooConfig({ ...odoo, [name]: value });
        } catch (e) {
          err = e;
        }
        expect(err, `${name}=${value}`).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).problems.join('\n')).toContain(name);
      }
    }
    expect(() => loadOdooConfig({ ...odoo, ODOO_TIMEOUT_MS: '3000000000' })).toThrow(
      /ODOO_TIMEOUT_MS must be an integer from 1 to 600000/,
    );
    expect(loadOdooConfig({ ...odoo, ODOO_TIMEOUT_MS: '700' }).timeoutMs).toBe(700);
  });
});
