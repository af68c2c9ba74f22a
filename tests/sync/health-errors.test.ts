import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  OdooAccessError,
  OdooAuthError,
  OdooConnectionError,
  OdooHttpStatusError,
  OdooMalformedBodyError,
  OdooServerError,
  OdooTimeoutError,
} from '../../packages/shared/src/odoo/errors.ts';
import { rememberSecret, scrub, scrubKnown } from '../../packages/shared/src/odoo/redact.ts';
import { MalformedRecordError, SyncConfigError } from '../../packages/shared/src/sync/errors.ts';
import { describeError, errorCategory } from '../../packages/shared/src/sync/sync-errors.ts';
import { ROOT } from '../../tools/local-stack/src/paths.ts';
import { transactionPoolerProblem } from '../../tools/sync/pooler.ts';

// Unit level: every spelling of the key is masked, every failure gets one category, and the
// CLI refuses Supabase's transaction pooler by name.
const KEY = 'k3y/Sécret"<&>+ 9';

const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
const utf8 = (s: string) => [...new TextEncoder().encode(s)];
const spellings: Record<string, string> = {
  plain: KEY,
  'JSON string': JSON.stringify(KEY).slice(1, -1),
  'JSON \\u, every character': [...KEY].map((c) => `\\u${hex(c.charCodeAt(0), 4)}`).join(''),
  'JSON \\u, upper case': [...KEY]
    .map((c) => `\\u${hex(c.charCodeAt(0), 4).toUpperCase()}`)
    .join(''),
  'XML entities': KEY.replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;'),
  'XML decimal references': [...KEY].map((c) => `&#${c.codePointAt(0)};`).join(''),
  'XML hex references': [...KEY].map((c) => `&#x${hex(c.codePointAt(0)!, 0)};`).join(''),
  'URL encodeURIComponent': encodeURIComponent(KEY),
  'URL every byte, lower case': utf8(KEY)
    .map((b) => `%${hex(b, 2)}`)
    .join(''),
  'form encoding': new URLSearchParams({ k: KEY }).toString().slice(2),
  'Python repr': KEY.replace(/é/g, '\\xe9'),
  mixed: `k3y%2FS\\u00e9cret&quot;&#60;&amp;>%2B 9`,
};

describe('scrub', () => {
  for (const [name, text] of Object.entries(spellings)) {
    it(`masks the key spelled as ${name}`, () => {
      const out = scrub(`Odoo echoed {"password": "${text}"} at line 3`, [KEY]);
      expect(out).toBe('Odoo echoed {"password": "***"} at line 3');
    });
  }

  it('leaves other text and short secrets alone', () => {
    expect(scrub('k3y/Secret is not the key', [KEY])).toBe('k3y/Secret is not the key');
    expect(scrub('abc', ['abc'])).toBe('abc');
  });

  it('scrubKnown masks what the edge registered', () => {
    rememberSecret('registered-key-1234');
    expect(scrubKnown('refused registered%2Dkey%2D1234')).toBe('refused ***');
    expect(describeError(new Error('key=registered\\u002dkey-1234'))).toBe('Error: key=***');
  });
});

describe('errorCategory', () => {
  const ctx = { url: 'https://odoo.example/', model: 'res.partner', method: 'search_read' };
  const odoo = { name: 'x', message: 'y' };
  it.each([
    [new OdooAuthError('no', { ...ctx, odoo }), 'auth'],
    [new OdooAccessError('no', { ...ctx, odoo }), 'permission'],
    [new OdooServerError('boom', { ...ctx, odoo }), 'odoo_fault'],
    [new OdooConnectionError('refused', ctx), 'network'],
    [new OdooTimeoutError('slow', { ...ctx, timeoutMs: 5 }), 'timeout'],
    [new OdooHttpStatusError('bad gateway', { ...ctx, status: 502 }), 'network'],
    [new OdooHttpStatusError('no route', { ...ctx, status: 404 }), 'config'],
    [new OdooMalformedBodyError('html', ctx), 'bad_data'],
    [new SyncConfigError('ODOO_URL is missing'), 'config'],
    [new MalformedRecordError('no id'), 'bad_data'],
    [
      Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), {
        code: 'CONNECTION_CLOSED',
      }),
      'database',
    ],
    [
      Object.assign(new Error('relation missing'), { name: 'PostgresError', code: '42P01' }),
      'database',
    ],
    [Object.assign(new Error('bad date'), { name: 'PostgresError', code: '22007' }), 'bad_data'],
    [new TypeError('x is undefined'), 'internal'],
    ['a string', 'internal'],
  ])('%s → %s', (e, category) => {
    expect(errorCategory(e)).toBe(category);
  });
});

describe('the CLI and Supabase’s transaction pooler', () => {
  it('names the direct connection for port 6543 and accepts 5432', () => {
    const msg = transactionPoolerProblem(
      'postgresql://postgres.abcdefgh:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres',
    );
    expect(msg).toMatch(/transaction pooler/);
    expect(msg).toContain('db.abcdefgh.supabase.co:5432');
    expect(msg).toMatch(/direct connection/i);
    expect(
      transactionPoolerProblem('postgresql://postgres:pw@db.abcdefgh.supabase.co:5432/postgres'),
    ).toBeNull();
  });

  it('`npm run sync` refuses port 6543 before connecting, exit 2', async () => {
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const p = spawn(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'tools', 'sync', 'cli.ts')],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            SUPABASE_DB_URL: 'postgresql://postgres.ref123:pw@127.0.0.1:6543/postgres',
            ODOO_URL: 'http://127.0.0.1:9',
            ODOO_DB: 'x',
            ODOO_USERNAME: 'x',
            ODOO_API_KEY: 'x-key-x',
          },
        },
      );
      let stderr = '';
      p.stderr.on('data', (d) => {
        stderr += d;
      });
      p.on('exit', (code) => resolve({ code, stderr }));
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/port 6543, Supabase's transaction pooler/);
    expect(r.stderr).toContain('db.ref123.supabase.co:5432');
  }, 30_000);
});
