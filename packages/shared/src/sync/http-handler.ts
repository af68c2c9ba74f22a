import { openSync } from './open-sync.ts';
import { runSlice, type SyncMode } from './run-slice.ts';
import { serviceSecrets } from './service-secrets.ts';

const MODES: readonly SyncMode[] = ['sync', 'reconcile', 'verify'];

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** Constant-time comparison, so the secret cannot be guessed byte by byte from timings. */
function sameSecret(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/**
 * The odoo-sync Edge Function: refuses callers without the service secret, runs one bounded
 * slice and answers its summary. While work remains it queues its own next call through pg_net
 * (sent after commit), so a first snapshot completes without waiting for cron ticks.
 */
export async function handleSyncRequest(
  req: Request,
  env: Record<string, string | undefined>,
): Promise<Response> {
  if (req.method !== 'POST') return json(405, { error: 'use POST' });
  const token = /^Bearer (.+)$/.exec(req.headers.get('authorization') ?? '')?.[1] ?? '';
  const accepted = serviceSecrets(env);
  if (!accepted.ok) {
    // The caller learns nothing about the configuration; the operator reads why in the log.
    console.error(`odoo-sync refuses every call: ${accepted.problem}`);
    return json(500, { error: 'the function is misconfigured: see its logs' });
  }
  if (!token || !accepted.secrets.some((s) => sameSecret(s, token))) {
    return json(401, {
      error: 'the service secret is required (Authorization: Bearer <service key>)',
    });
  }
  let body: { mode?: string; models?: string[]; full?: boolean; trigger?: string } = {};
  try {
    const text = await req.text();
    if (text) body = JSON.parse(text);
  } catch {
    return json(400, {
      error: 'the body must be JSON: {"mode": "sync" | "reconcile" | "verify", "models"?: [...]}',
    });
  }
  const mode = (body.mode ?? 'sync') as SyncMode;
  if (!MODES.includes(mode)) return json(400, { error: `mode must be one of ${MODES.join(', ')}` });

  let resources: ReturnType<typeof openSync>;
  try {
    resources = openSync(env);
  } catch (e) {
    return json(500, { error: `${(e as Error).name}: ${(e as Error).message}` });
  }
  try {
    const summary = await runSlice({
      ...resources,
      mode,
      models: body.models,
      full: body.full,
      trigger: body.trigger ?? 'http',
      log: (line) => console.log(line),
    });
    let continued = false;
    if (summary.more && mode === 'sync') {
      const [row] = await resources.sql`select ods.invoke_sync('sync', 'continue') as id`;
      continued = row.id !== null;
    }
    return json(summary.outcome === 'failed' ? 502 : 200, { ...summary, continued });
  } catch (e) {
    return json(500, { error: `${(e as Error).name}: ${(e as Error).message}` });
  } finally {
    await resources.close();
  }
}
