import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  loadOdooConfig,
  ODOO_CONFIG_DEFAULTS,
} from '../../packages/shared/src/odoo/index.ts';

const base = {
  ODOO_URL: 'https://odoo.example.com/',
  ODOO_DB: 'prod',
  ODOO_USERNAME: 'sync@example.com',
  ODOO_API_KEY: 'k-123456789',
};

describe('loadOdooConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadOdooConfig(base)).toEqual({
      url: 'https://odoo.example.com',
      db: 'prod',
      username: 'sync@example.com',
      apiKey: 'k-123456789',
      protocol: 'auto',
      companyIds: undefined,
      timeoutMs: ODOO_CONFIG_DEFAULTS.timeoutMs,
      maxResponseBytes: ODOO_CONFIG_DEFAULTS.maxResponseBytes,
      lang: 'en_US',
      readNames: false,
    });
  });

  it('reads the optional settings', () => {
    const c = loadOdooConfig({
      ...base,
      ODOO_URL: 'http://localhost:8069/odoo',
      ODOO_PROTOCOL: 'XMLRPC',
      ODOO_COMPANY_IDS: '3, 1,3',
      ODOO_TIMEOUT_MS: '5000',
      ODOO_MAX_RESPONSE_BYTES: '1000000',
      ODOO_LANG: 'es_ES',
      ODOO_READ_NAMES: 'On',
    });
    expect(c).toMatchObject({
      url: 'http://localhost:8069/odoo',
      protocol: 'xmlrpc',
      companyIds: [3, 1],
      timeoutMs: 5000,
      maxResponseBytes: 1_000_000,
      lang: 'es_ES',
      readNames: true,
    });
    expect(loadOdooConfig({ ...base, ODOO_READ_NAMES: 'off' }).readNames).toBe(false);
    expect(() => loadOdooConfig({ ...base, ODOO_READ_NAMES: 'names' })).toThrow(
      /ODOO_READ_NAMES must be on or off/,
    );
  });

  it('lists every problem at once, by variable name', () => {
    let err: unknown;
    try {
      loadOdooConfig({
        ODOO_URL: 'ftp://x',
        ODOO_PROTOCOL: 'soap',
        ODOO_COMPANY_IDS: '1,a',
        ODOO_TIMEOUT_MS: '-3',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    for (const name of [
      'ODOO_URL',
      'ODOO_DB',
      'ODOO_USERNAME',
      'ODOO_API_KEY',
      'ODOO_PROTOCOL',
      'ODOO_COMPANY_IDS',
      'ODOO_TIMEOUT_MS',
    ]) {
      expect(problems).toContain(name);
    }
  });

  it('does not need a login for JSON-2', () => {
    expect(
      loadOdooConfig({ ...base, ODOO_USERNAME: undefined, ODOO_PROTOCOL: 'json2' }).username,
    ).toBe('');
    expect(() => loadOdooConfig({ ...base, ODOO_USERNAME: '' })).toThrow(
      /ODOO_USERNAME is missing/,
    );
  });

  it('refuses credentials in the URL and never echoes them or the key', () => {
    let err: unknown;
    try {
      loadOdooConfig({ ...base, ODOO_URL: 'https://admin:hunter22@odoo.example.com', ODOO_DB: '' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const text = `${(err as Error).message}\n${(err as Error).stack}`;
    expect(text).toContain('must not contain credentials');
    expect(text).not.toContain('hunter22');
    expect(text).not.toContain(base.ODOO_API_KEY);
  });
});
