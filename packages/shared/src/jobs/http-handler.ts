import postgres from 'postgres';
import { sameSecret } from '../sync/http-handler.ts';
import { serviceSecrets } from '../sync/service-secrets.ts';
import { loadJobsConfig } from './config.ts';
import { describeJobError } from './errors.ts';
import { type FileStore, storageFileStore } from './file-store.ts';
import { runJobsInvocation } from './worker.ts';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/**
 * The jobs-worker Edge Function: refuses callers without the service secret (as odoo-sync),
 * runs one invocation (one job, slices within the budget) and answers its summary. While work
 * remains it wakes itself through pg_net (sent after commit); pg_cron's sweep wakes it too.
 * `store` replaces Storage in tests.
 */
export async function handleJobsRequest(
  req: Request,
  env: Record<string, string | undefined>,
  options: { store?: FileStore; maxSheetRows?: number } = {},
): Promise<Response> {
  if (req.method !== 'POST') return json(405, { error: 'use POST', category: 'config' });
  const token = /^Bearer (.+)$/.exec(req.headers.get('authorization') ?? '')?.[1] ?? '';
  const accepted = serviceSecrets(env);
  if (!accepted.ok) {
    console.error(`jobs-worker refuses every call: ${accepted.problem}`);
    return json(500, { error: 'the function is misconfigured: see its logs', category: 'config' });
  }
  if (!token || !accepted.secrets.some((s) => sameSecret(s, token))) {
    return json(401, {
      error: 'the service secret is required (Authorization: Bearer <service key>)',
    });
  }
  await req.body?.cancel();
  let config: ReturnType<typeof loadJobsConfig>;
  try {
    config = loadJobsConfig(env);
  } catch (e) {
    console.error(`[jobs-worker] ${describeJobError(e)}`);
    return json(500, { error: describeJobError(e), category: 'config' });
  }
  const supabaseUrl = env.SUPABASE_URL;
  if (!options.store && !supabaseUrl)
    return json(500, {
      error: 'SUPABASE_URL is required (Storage is reached through it)',
      category: 'config',
    });
  const store = options.store ?? storageFileStore(supabaseUrl!, token, config.bucket);
  const sql = postgres(config.dbUrl, {
    max: 2,
    onnotice: () => {},
    connection: { application_name: 'jobs-worker' },
  });
  try {
    const summary = await runJobsInvocation({
      sql,
      store,
      config,
      maxSheetRows: options.maxSheetRows,
      log: (line) => console.log(line),
    });
    let continued = false;
    if (summary.outcome !== 'idle') {
      // More of this job, or others waiting: the next call starts after this one's commit.
      const [w] = await sql`select ods.wake_jobs_worker() as id
        where exists (select 1 from ods.jobs c
                       where c.status in ('queued', 'failed', 'running') and c.run_after <= now()
                         and (c.status <> 'running' or c.locked_until is null))`;
      continued = w?.id != null;
    }
    return json(200, { ...summary, continued });
  } catch (e) {
    const error = describeJobError(e);
    console.error(`[jobs-worker] ${error}`);
    return json(500, { error, category: 'database' });
  } finally {
    await sql.end({ timeout: 5 });
  }
}
