import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { serviceSecrets } from '../../packages/shared/src/sync/service-secrets.ts';
import { freePort } from '../../tools/local-stack/src/cluster.ts';
import { SERVICE_ROLE_KEY } from '../../tools/local-stack/src/keys.ts';
import { type Platform, startPlatform } from '../../tools/local-stack/src/platform.ts';

// The attack: SUPABASE_SECRET_KEYS set to a JSON *string* (or array) made every character of it
// a valid service secret (Object.values of a string), so `Authorization: Bearer e` ran the sync.
// Now anything but an object of long strings refuses every caller and logs why.
const KEY = 'sb_secret_0123456789abcdefghijklmnopqrstuv';

describe('SUPABASE_SECRET_KEYS is parsed strictly', () => {
  it('accepts an object of strings of at least 32 characters, and the legacy key', () => {
    expect(serviceSecrets({ SUPABASE_SECRET_KEYS: JSON.stringify({ default: KEY }) })).toEqual({
      ok: true,
      secrets: [KEY],
    });
    expect(
      serviceSecrets({
        SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY,
        SUPABASE_SECRET_KEYS: JSON.stringify({ default: KEY }),
      }),
    ).toEqual({ ok: true, secrets: [SERVICE_ROLE_KEY, KEY] });
  });

  it('refuses everything else, saying why', () => {
    const cases: [string, RegExp][] = [
      [JSON.stringify(KEY), /must be a JSON object .* not a string/],
      [JSON.stringify([KEY]), /not an array/],
      ['null', /not null/],
      ['42', /not a number/],
      ['{"default": 42}', /default is not a string/],
      ['{"default": "short"}', /default is shorter than 32/],
      ['{"a": "sb_secret_0123456789abcdefghijklmnopqrstuv", "b": ""}', /b is shorter/],
      ['sb_secret_0123456789abcdefghijklmnopqrstuv', /not JSON/],
    ];
    for (const [raw, why] of cases) {
      const r = serviceSecrets({
        SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY,
        SUPABASE_SECRET_KEYS: raw,
      });
      expect(r.ok, raw).toBe(false);
      expect(r.ok ? '' : r.problem, raw).toMatch(why);
    }
    expect(serviceSecrets({}).ok).toBe(false);
    expect(serviceSecrets({ SUPABASE_SERVICE_ROLE_KEY: 'x' }).ok).toBe(false);
  });
});

describe('the odoo-sync function on the local stack with a malformed secret list', () => {
  let platform: Platform;
  const logs: string[] = [];

  beforeAll(async () => {
    platform = await startPlatform({
      dbPort: Number(new URL(inject('dbUrl')).port),
      gatewayPort: await freePort(),
      // A JSON string instead of an object: every character used to be a valid secret.
      functionEnv: { SUPABASE_SECRET_KEYS: JSON.stringify(SERVICE_ROLE_KEY) },
      log: (line) => logs.push(line),
    });
  }, 120_000);
  afterAll(async () => {
    await platform?.close();
  });

  const call = (key: string) =>
    fetch(`${platform.url}/functions/v1/odoo-sync`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
      body: JSON.stringify({ mode: 'verify', models: [] }),
    });

  it('one character of the key no longer passes; nobody passes; the log says why', async () => {
    for (const key of [SERVICE_ROLE_KEY[0], SERVICE_ROLE_KEY[5], SERVICE_ROLE_KEY]) {
      const res = await call(key);
      expect(res.status, key).toBe(500);
      expect(await res.json()).toEqual({
        error: 'the function is misconfigured: see its logs',
        category: 'config',
      });
    }
    expect(logs.join('\n')).toMatch(
      /odoo-sync refuses every call: SUPABASE_SECRET_KEYS must be a JSON object of name → key, not a string/,
    );
  }, 60_000);
});
