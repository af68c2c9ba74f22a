import type { Server } from 'node:http';
import { clusterUrl } from './cluster.ts';
import { EdgeFunctions } from './edge-functions.ts';
import { type RestMount, startGateway } from './gateway.ts';
import { ANON_KEY, JWT_SECRET, LOCAL_MAIL_KEY, SERVICE_ROLE_KEY } from './keys.ts';
import { type MailSink, startMailSink } from './mail-sink/index.ts';
import { FUNCTIONS_DIR } from './paths.ts';
import { startPgNetWorker } from './pg-net-worker.ts';
import { loadProjectConfig } from './project-config.ts';

export interface PlatformOptions {
  /** Port of the project's cluster (superuser `postgres`, trust auth on 127.0.0.1). */
  dbPort: number;
  /** The cluster's password, once it requires one (real Odoo data: db-password.ts). */
  dbPassword?: string;
  gatewayPort: number;
  functionsDir?: string;
  /** Static files served at / (default: the report page, built from web/ into web/dist/). */
  webDir?: string;
  /** Port of the local mail sink (default: a free one). */
  mailSinkPort?: number;
  /** Extra environment for every Edge Function (e.g. ODOO_* for the demo Odoo). */
  functionEnv?: Record<string, string>;
  log?: (line: string) => void;
}

export interface Platform {
  url: string;
  /** The local mail API the functions send through (RESEND_BASE_URL), its messages on a page. */
  mail: MailSink;
  close(): Promise<void>;
}

/**
 * The Supabase services around the database, started against a running cluster: the API
 * gateway (/rest/v1, /auth/v1, /storage/v1, /functions/v1, the page at /) and the pg_net worker.
 */
export async function startPlatform(opts: PlatformOptions): Promise<Platform> {
  const config = loadProjectConfig();
  const url = `http://127.0.0.1:${opts.gatewayPort}`;
  const mail = await startMailSink({
    port: opts.mailSinkPort ?? 0,
    apiKey: LOCAL_MAIL_KEY,
    log: opts.log,
  });
  const functions = new EdgeFunctions({
    functionsDir: opts.functionsDir ?? FUNCTIONS_DIR,
    log: opts.log,
    env: {
      SUPABASE_URL: url,
      SUPABASE_DB_URL: clusterUrl(opts.dbPort, 'postgres', opts.dbPassword),
      SUPABASE_ANON_KEY: ANON_KEY,
      SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY,
      SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: ANON_KEY }),
      SUPABASE_SECRET_KEYS: JSON.stringify({ default: SERVICE_ROLE_KEY }),
      // The mail API: the local sink unless the caller configures a real one.
      RESEND_BASE_URL: mail.url,
      RESEND_API_KEY: LOCAL_MAIL_KEY,
      MAIL_FROM: 'Finanzas AGV <digest@finanzas.local>',
      // Last, so a test can replace a platform setting (e.g. a malformed secret list).
      ...opts.functionEnv,
    },
  });
  const { createRestHandler } = await import('./rest/index.ts');
  const rest: RestMount = createRestHandler({
    dbUrl: clusterUrl(opts.dbPort, 'authenticator', opts.dbPassword),
    jwtSecret: JWT_SECRET,
    schemas: config.apiSchemas,
    anonKey: ANON_KEY,
    serviceKey: SERVICE_ROLE_KEY,
    maxRows: config.maxRows,
    extraSearchPath: config.extraSearchPath,
  });
  // The report page (web/): built when its sources changed (esbuild, well under a second),
  // and given its settings by /config.js — same origin, so only the anon key is needed.
  let webDir = opts.webDir;
  if (!webDir) {
    const { buildWeb } = await import('../../../web/build.ts');
    const built = await buildWeb();
    if (built.built) opts.log?.(`[web] built ${built.outDir} in ${built.ms.toFixed(0)} ms`);
    webDir = built.outDir;
  }
  // The local Auth stand-in (/auth/v1) for the page's login.
  const { createAuthHandler } = await import('./auth/index.ts');
  const auth = createAuthHandler({
    dbUrl: clusterUrl(opts.dbPort, 'postgres', opts.dbPassword),
    jwtSecret: JWT_SECRET,
    apiKeys: [ANON_KEY, SERVICE_ROLE_KEY],
    issuer: `${url}/auth/v1`,
  });
  // The local Storage stand-in (/storage/v1): RLS on storage.objects checked as the caller.
  const { createStorageHandler } = await import('./storage/index.ts');
  const storage = createStorageHandler({
    dbUrl: clusterUrl(opts.dbPort, 'postgres', opts.dbPassword),
    jwtSecret: JWT_SECRET,
    fileSizeLimit: config.storageFileSizeLimit,
  });
  const worker = await startPgNetWorker({
    dbUrl: clusterUrl(opts.dbPort, 'postgres', opts.dbPassword),
    log: opts.log,
  });
  let server: Server;
  try {
    server = await startGateway({
      port: opts.gatewayPort,
      config,
      functions,
      rest,
      auth,
      storage,
      webDir,
      webConfig: { anonKey: ANON_KEY },
      log: opts.log,
    });
  } catch (e) {
    await worker.stop();
    await rest.close();
    await auth.close();
    await storage.close();
    await mail.close();
    throw e;
  }
  return {
    url,
    mail,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([
        functions.close(),
        worker.stop(),
        rest.close(),
        auth.close(),
        storage.close(),
        // Its server would otherwise keep a process that restarts the platform alive.
        mail.close(),
      ]);
    },
  };
}
