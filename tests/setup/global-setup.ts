import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { destroyCluster, startCluster } from '../../tools/local-stack/src/cluster.ts';
import { sweepOrphanedDataHomes } from '../../tools/local-stack/src/cluster-home.ts';
import { ensureInstalled } from '../../tools/local-stack/src/install.ts';
import { LOCAL_DIR } from '../../tools/local-stack/src/paths.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser connection string of this run's own cluster, every migration applied. */
    dbUrl: string;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// A run killed before its teardown leaves a cluster behind; the next run removes it.
function sweepAbandonedClusters(): void {
  if (!existsSync(LOCAL_DIR)) return;
  for (const name of readdirSync(LOCAL_DIR)) {
    if (!name.startsWith('test-')) continue;
    const owner = join(LOCAL_DIR, name, 'owner.pid');
    // A cluster still being created has no owner file yet: leave it to its creator, unless it
    // has been ownerless for longer than any creation takes.
    if (!existsSync(owner)) {
      if (Date.now() - statSync(join(LOCAL_DIR, name)).mtimeMs < 10 * 60_000) continue;
    } else if (alive(Number(readFileSync(owner, 'utf8')))) continue;
    destroyCluster(join(LOCAL_DIR, name, 'db')); // a CLI test's stack keeps its cluster in db/
    destroyCluster(join(LOCAL_DIR, name));
  }
}

export default async function setup(project: TestProject) {
  ensureInstalled();
  sweepAbandonedClusters();
  // Data kept outside the checkout (as root) whose cluster folder is gone: a deleted clone.
  sweepOrphanedDataHomes();
  // Its own cluster on a free port, so tests run beside `npm start` without touching it.
  const dir = join(LOCAL_DIR, `test-${process.pid}`);
  const cluster = await startCluster(dir);
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  project.provide('dbUrl', cluster.url);
  return () => destroyCluster(dir);
}
