// The digest Edge Function: refuses callers without the service secret (as odoo-sync does),
// runs one bounded digest run and answers its summary. Called by pg_cron through
// ods.invoke_digest (only when a send is due), or directly.
import postgres from 'postgres';
import { sameSecret } from '../sync/http-handler.ts';
import { serviceSecrets } from '../sync/service-secrets.ts';
import { loadDigestConfig } from './digest-config.ts';
import type { WorkbookProvider } from './digest-workbook.ts';
import { runDigest } from './run-digest.ts';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

export async function handleDigestRequest(
  req: Request,
  env: Record<string, string | undefined>,
  hooks: { workbook?: WorkbookProvider } = {},
): Promise<Response> {
  if (req.method !== 'POST') return json(405, { error: 'use POST', category: 'config' });
  const token = /^Bearer (.+)$/.exec(req.headers.get('authorization') ?? '')?.[1] ?? '';
  const accepted = serviceSecrets(env);
  if (!accepted.ok) {
    console.error(`digest refuses every call: ${accepted.problem}`);
    return json(500, { error: 'the function is misconfigured: see its logs', category: 'config' });
  }
  if (!token || !accepted.secrets.some((s) => sameSecret(s, token)))
    return json(401, {
      error: 'the service secret is required (Authorization: Bearer <service key>)',
    });
  await req.body?.cancel();
  let config: ReturnType<typeof loadDigestConfig>;
  try {
    config = loadDigestConfig(env);
  } catch (e) {
    console.error(`[digest] config: ${(e as Error).message}`);
    return json(500, { error: (e as Error).message, category: 'config' });
  }
  const sql = postgres(config.dbUrl, {
    max: 2,
    onnotice: () => {},
    connection: { application_name: 'digest' },
  });
  try {
    const summary = await runDigest({
      sql,
      config,
      workbook: hooks.workbook,
      log: (line) => console.log(line),
    });
    // A full batch may leave more due: the next call now rather than at the next tick.
    let continued = false;
    if (summary.claimed >= config.batch) {
      const [row] = await sql`select ods.invoke_digest('continue') as id`;
      continued = row.id !== null;
    }
    return json(200, { ...summary, continued });
  } catch (e) {
    console.error(`[digest] ${(e as Error).stack ?? e}`);
    return json(500, { error: (e as Error).message, category: 'database' });
  } finally {
    await sql.end({ timeout: 5 });
  }
}
