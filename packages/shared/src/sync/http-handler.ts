import type { Sql } from 'postgres';
import { openSync, recordInvocationFailure } from './open-sync.ts';
import { runSlice, type SyncMode } from './run-slice.ts';
import { serviceSecrets } from './service-secrets.ts';
import { describeError, errorCategory } from './sync-errors.ts';

const MODES: readonly SyncMode[] = ['sync', 'reconcile', 'verify'];

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** Constant-time comparison, so the secret cannot be guessed byte by byte from timings. */
export function sameSecret(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/**
 * The odoo-sync Edge Function: refuses callers without the service secret, runs one bounded
 * slice and answers its summary. While work remains it queues its own next call through pg_net
 * (sent after commit), so a first snapshot completes without waiting for cron ticks. A failure
 * before or around the slice (configuration, database, catalog) is recorded on the invocation
 * when the database can be reached, and answered as {error, category} for pg_net to keep.
 */
export async function handleSyncRequest(
  req: Request,
  env: Record<string, string | undefined>,
): Promise<Response> {
  if (req.method !== 'POST') return json(405, { error: 'use POST', category: 'config' });
  const token = /^Bearer (.+)$/.exec(req.headers.get('authorization') ?? '')?.[1] ?? '';
  const accepted = serviceSecrets(env);
  if (!accepted.ok) {
    // The caller learns nothing about the configuration; the operator reads why in the log.
    console.error(`odoo-sync refuses every call: ${accepted.problem}`);
    return json(500, { error: 'the function is misconfigured: see its logs', category: 'config' });
  }
  if (!token || !accepted.secrets.some((s) => sameSecret(s, token))) {
    // Nothing is recorded for an unauthenticated caller; pg_net keeps the 401 for the cron tick.
    return json(401, {
      error: 'the service secret is required (Authorization: Bearer <service key>)',
    });
  }
  // Set by ods.invoke_sync: which recorded invocation this is, so a failure lands on it.
  const invocation = /^\d{1,18}$/.exec(req.headers.get('x-sync-invocation') ?? '')?.[0] ?? null;
  let body: { mode?: string; models?: string[]; full?: boolean; trigger?: string } = {};
  try {
    const text = await req.text();
    if (text) body = JSON.parse(text);
  } catch {
    return json(400, {
      error: 'the body must be JSON: {"mode": "sync" | "reconcile" | "verify", "models"?: [...]}',
      category: 'config',
    });
  }
  const mode = (body.mode ?? 'sync') as SyncMode;
  if (!MODES.includes(mode)) {
    return json(400, { error: `mode must be one of ${MODES.join(', ')}`, category: 'config' });
  }
  const trigger = body.trigger ?? 'http';
  const failed = async (e: unknown, sql?: Sql) => {
    const failure = {
      invocation,
      mode,
      trigger,
      category: errorCategory(e),
      error: describeError(e),
    };
    console.error(`[odoo-sync] ${failure.category}: ${failure.error}`);
    await recordInvocationFailure(sql ?? env, failure);
    return json(500, { error: failure.error, category: failure.category });
  };

  let resources: ReturnType<typeof openSync>;
  try {
    resources = openSync(env);
  } catch (e) {
    return failed(e);
  }
  try {
    const summary = await runSlice({
      ...resources,
      mode,
      models: body.models,
      full: body.full,
      trigger,
      log: (line) => console.log(line),
    });
    let continued = false;
    if ((summary.more || summary.reportsPending) && mode === 'sync') {
      const [row] = await resources.sql`select ods.invoke_sync('sync', 'continue') as id`;
      continued = row.id !== null;
    }
    return json(summary.outcome === 'failed' ? 502 : 200, { ...summary, continued });
  } catch (e) {
    return await failed(e, resources.sql); // before `finally` closes the connection
  } finally {
    await resources.close();
  }
}
