import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, inject, it } from 'vitest';
import { ROOT } from '../../tools/local-stack/src/paths.ts';

// The pgTAP suites in supabase/tests/database, run by pg_prove against this run's cluster.
it('pgTAP: supabase/tests/database', () => {
  const url = new URL(inject('dbUrl'));
  const r = spawnSync(
    'pg_prove',
    [
      '-h',
      url.hostname,
      '-p',
      url.port,
      '-U',
      'postgres',
      '-d',
      'postgres',
      '--ext',
      '.sql',
      '-r',
      join(ROOT, 'supabase', 'tests', 'database'),
    ],
    { encoding: 'utf8' },
  );
  expect(r.stdout + r.stderr).toMatch(/Result: PASS/);
  expect(r.status).toBe(0);
}, 120_000);
