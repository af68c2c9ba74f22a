import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import {
  dataDirOf,
  destroyCluster,
  isRunning,
  readCluster,
  startCluster,
} from '../../tools/local-stack/src/cluster.ts';
import {
  SYSTEM_CLUSTERS_DIR,
  sweepOrphanedDataHomes,
} from '../../tools/local-stack/src/cluster-home.ts';

// As root the server's data lives outside the checkout, one folder per cluster folder. What
// happens to it when the checkout is copied, moved or deleted.
const base = mkdtempSync(join(tmpdir(), 'finanzas-home-'));
const first = join(base, 'clone', '.local', 'db');
const moved = join(base, 'moved', '.local', 'db');
const copy = join(base, 'copy', '.local', 'db');

afterAll(() => {
  for (const d of [first, moved, copy]) if (existsSync(d)) destroyCluster(d);
  rmSync(base, { recursive: true, force: true });
});

describe.runIf(process.getuid?.() === 0)('cluster data outside the checkout (root)', () => {
  it('a copy gets its own cluster, a moved checkout keeps its data, a deleted one is swept', async () => {
    const a = await startCluster(first);
    expect(a.data.startsWith(`${SYSTEM_CLUSTERS_DIR}/`)).toBe(true);
    const sql = postgres(a.url, { max: 1, onnotice: () => {} });
    await sql`create table public.marker (v text)`;
    await sql`insert into public.marker values ('kept')`;
    await sql.end();

    // `cp -r` of the checkout copies the state file: the copy must not use the same data.
    cpSync(dirname(dirname(first)), dirname(dirname(copy)), { recursive: true });
    expect(readCluster(copy)?.data).not.toBe(a.data);
    expect(dataDirOf(copy).startsWith(`${SYSTEM_CLUSTERS_DIR}/`)).toBe(true);
    expect(isRunning(copy)).toBe(false);

    // Moved (renamed) while running, then used: the same data with its rows, claimed by the new
    // place (a sweep before that first use would take it for a deleted checkout).
    renameSync(dirname(dirname(first)), dirname(dirname(moved)));
    const b = await startCluster(moved);
    expect(b.data).toBe(a.data);
    const sql2 = postgres(b.url, { max: 1, onnotice: () => {} });
    expect(await sql2`select v from public.marker`).toEqual([{ v: 'kept' }]);
    await sql2.end();
    expect(sweepOrphanedDataHomes()).not.toContain(dirname(a.data));

    // Deleted without `db down`: its server is stopped and its data removed by the next sweep.
    rmSync(dirname(dirname(moved)), { recursive: true, force: true });
    expect(sweepOrphanedDataHomes()).toContain(dirname(a.data));
    expect(existsSync(a.data)).toBe(false);
    const dead = postgres(b.url, { max: 1, connect_timeout: 2, onnotice: () => {} });
    await expect(dead`select 1`).rejects.toThrow();
    await dead.end();
  }, 120_000);
});
