import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import {
  destroyCluster,
  freePort,
  isRunning,
  readCluster,
  startCluster,
  stopCluster,
} from './cluster.ts';
import { sweepOrphanedDataHomes } from './cluster-home.ts';
import { requirePassword, storedPassword } from './db-password.ts';
import { startDemoOdoo } from './demo-odoo.ts';
import { denoSettings } from './edge-functions.ts';
import { readEnvFile } from './env-file.ts';
import { watchFirstCopy } from './first-copy.ts';
import { ensureInstalled, testPlan } from './install.ts';
import { ANON_KEY, SERVICE_ROLE_KEY } from './keys.ts';
import { BIN, FUNCTIONS_DIR, LOCAL_DIR, ROOT } from './paths.ts';
import { startPlatform } from './platform.ts';
import { writeVaultEntries } from './vault-entries.ts';

const DB_DIR = join(LOCAL_DIR, 'db');
const STACK_FILE = join(LOCAL_DIR, 'stack.json');
const DEFAULT_DB_PORT = 54322;
const DEFAULT_API_PORT = 54321;

const log = (line: string) => console.error(line);

async function portOr(preferred: number): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => freePort().then(resolve));
    s.listen(preferred, '127.0.0.1', () => s.close(() => resolve(preferred)));
  });
}

async function dbUp(): Promise<string> {
  ensureInstalled(log);
  sweepOrphanedDataHomes();
  const existing = readCluster(DB_DIR);
  // A stopped cluster takes its port again unless something else took it meanwhile (or a copy
  // of this checkout, made with its state, runs its own cluster there).
  const port =
    existing && isRunning(DB_DIR) ? existing.port : await portOr(existing?.port ?? DEFAULT_DB_PORT);
  return (await startCluster(DB_DIR, port)).url;
}

// Where the data lives is not obvious when it is outside the checkout (as root): say it.
function dataLine(): string {
  const c = readCluster(DB_DIR);
  if (!c) return 'no local database yet';
  const owner = process.getuid?.() === 0 ? 'the postgres user' : 'you';
  return `${c.data} (server run by ${owner}; state in ${DB_DIR})`;
}

function runningStack(): { pid: number; api: string } | undefined {
  if (!existsSync(STACK_FILE)) return undefined;
  const s = JSON.parse(readFileSync(STACK_FILE, 'utf8')) as { pid: number; api: string };
  try {
    process.kill(s.pid, 0);
    return s;
  } catch {
    return undefined;
  }
}

async function kickSync(dbUrl: string): Promise<void> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`select ods.invoke_sync('sync', 'start')`;
  } finally {
    await sql.end();
  }
}

// The demo's data is not secret: let the page read it without a login (DESIGN §5).
async function demoAccess(dbUrl: string, enabled: boolean): Promise<void> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const [{ exists }] =
      await sql`select to_regprocedure('ods.set_demo_access(boolean)') is not null as exists`;
    if (exists) await sql`select ods.set_demo_access(${enabled})`;
  } finally {
    await sql.end();
  }
}

async function start(): Promise<void> {
  const running = runningStack();
  if (running) {
    console.log(`The stack is already running (pid ${running.pid}): ${running.api}`);
    return;
  }
  const t0 = performance.now();
  // Whatever this command has started so far, stopped in reverse order: by Ctrl-C at any moment
  // (during start-up too) or by a failed start, so nothing outlives it.
  const cleanups: Array<() => Promise<void> | void> = [];
  let stopping = false;
  const stopAll = async () => {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch (e) {
        log(`while stopping: ${(e as Error).message}`);
      }
    }
  };
  const onSignal = async () => {
    if (stopping) return;
    stopping = true;
    console.error('\nstopping…');
    await stopAll();
    process.exit(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Later steps check this, so a Ctrl-C during a step does not leave what follows running.
  const step = <T>(v: T): T => {
    if (stopping) throw new Error('stopped');
    return v;
  };

  let dbUrl: string;
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  let demo: Awaited<ReturnType<typeof startDemoOdoo>> | null;
  let dbPassword: string | undefined;
  const odooEnv: Record<string, string> = {};
  try {
    const dbWasRunning = isRunning(DB_DIR);
    if (!dbWasRunning) cleanups.push(() => stopCluster(DB_DIR));
    dbUrl = step(await dbUp());
    const dbPort = readCluster(DB_DIR)!.port;
    const apiPort = await portOr(Number(process.env.API_PORT ?? DEFAULT_API_PORT));
    for (const [k, v] of Object.entries({ ...readEnvFile(join(ROOT, '.env')), ...process.env })) {
      if (/^(ODOO_|SYNC_|RESEND_|DIGEST_)|^MAIL_FROM$/.test(k) && v) odooEnv[k] = v;
    }
    // Without a real Odoo configured, the demo one: the simulator with activity on.
    demo = odooEnv.ODOO_URL
      ? null
      : await startDemoOdoo({ scale: Number(process.env.DEMO_SCALE ?? 20_000), log });
    if (demo) cleanups.push(() => demo?.stop());
    step(Object.assign(odooEnv, demo?.env));
    // Real books: from now on this cluster requires a password (never relaxed again).
    dbPassword = storedPassword(DB_DIR);
    if (!demo) dbPassword = await requirePassword(DB_DIR, dbUrl);
    if (dbPassword) dbUrl = readCluster(DB_DIR)!.url;
    platform = await startPlatform({
      dbPort,
      dbPassword,
      gatewayPort: apiPort,
      // Supabase's local e-mail testing page is on 54324 too ([local_smtp] in config.toml).
      mailSinkPort: await portOr(Number(process.env.MAIL_SINK_PORT ?? 54324)),
      functionEnv: odooEnv,
      log,
    });
    cleanups.push(() => platform.close());
    step(await writeVaultEntries(dbUrl, platform.url));
    await demoAccess(dbUrl, demo !== null || process.env.REPORTING_ANON_ACCESS === 'on');
    writeFileSync(STACK_FILE, JSON.stringify({ pid: process.pid, api: platform.url, odooEnv }));
    cleanups.unshift(() => {
      if (existsSync(STACK_FILE)) unlinkSync(STACK_FILE);
    });
    // The first sync now, rather than at the next minute's cron tick.
    step(await kickSync(dbUrl));
  } catch (e) {
    if (stopping) return; // the signal handler is stopping everything and will exit
    // Nothing this command started may outlive a failed start.
    stopping = true;
    await stopAll();
    throw e;
  }

  console.log(`
Finanzas AGV local stack is up (${((performance.now() - t0) / 1000).toFixed(1)} s)

  Report page    ${platform.url}/
  REST API       ${platform.url}/rest/v1
  Storage        ${platform.url}/storage/v1
  Functions      ${platform.url}/functions/v1/<name>
  Mail           ${
    odooEnv.RESEND_BASE_URL
      ? `sent through ${odooEnv.RESEND_BASE_URL} (RESEND_BASE_URL)`
      : `${platform.mail.url}/ (local sink: every message the functions send, nothing leaves)`
  }
  Database       ${dbUrl}
  Data           ${dataLine()}
  Odoo           ${odooEnv.ODOO_URL}${demo ? ' (demo simulator, activity on)' : ''}
  anon key       ${ANON_KEY}
  service key    ${SERVICE_ROLE_KEY}
${
  dbPassword
    ? `
  Postgres requires a password (this cluster holds real Odoo data): it is in the Database URL
  above and in ${join(DB_DIR, 'password')} (readable by you only).
`
    : `
  Postgres trusts every local user (demo data only). With ODOO_URL set it requires a password.
`
}
Ctrl-C stops everything this command started.`);
  // Progress of the first copy until it is complete (a no-op line when it already is).
  cleanups.push(watchFirstCopy(dbUrl, { log: (l) => console.log(l), startedAt: t0 }));
}

function test(args: string[]): number {
  log(testPlan());
  ensureInstalled(log);
  // Edge Functions are type-checked by Deno itself, each with its own import map.
  const functions = readdirSync(FUNCTIONS_DIR).filter((f) =>
    existsSync(join(FUNCTIONS_DIR, f, 'index.ts')),
  );
  const steps: Array<[string, string[]]> = [
    [join(BIN, 'biome'), ['check', '.']],
    [join(BIN, 'tsc'), ['-p', 'tsconfig.json', '--noEmit']],
    ...functions.map((f): [string, string[]] => [
      join(BIN, 'deno'),
      [
        'check',
        '--quiet',
        '--config',
        join(FUNCTIONS_DIR, f, 'deno.json'),
        join(FUNCTIONS_DIR, f, 'index.ts'),
      ],
    ]),
    [join(BIN, 'vitest'), ['run', ...args]],
  ];
  const env = { ...process.env, ...denoSettings() };
  for (const [cmd, argv] of steps) {
    console.error(`\n▶ ${cmd.split('/').pop()} ${argv.join(' ')}`);
    const r = spawnSync(cmd, argv, { cwd: ROOT, stdio: 'inherit', env });
    if (r.status !== 0) return r.status ?? 1;
  }
  return 0;
}

async function db(sub: string | undefined): Promise<number> {
  switch (sub) {
    case 'up':
      console.log(await dbUp());
      log(`data: ${dataLine()}`);
      return 0;
    case 'down':
      stopCluster(DB_DIR);
      return 0;
    case 'reset': {
      const port = readCluster(DB_DIR)?.port;
      destroyCluster(DB_DIR);
      ensureInstalled(log);
      console.log((await startCluster(DB_DIR, port ?? (await portOr(DEFAULT_DB_PORT)))).url);
      log(`data: ${dataLine()}`);
      return 0;
    }
    case 'url': {
      const c = readCluster(DB_DIR);
      if (!c) {
        console.error('no local database yet: run `npm run db -- up`');
        return 1;
      }
      if (!isRunning(DB_DIR))
        console.error('note: the local database is stopped (`npm run db -- up`)');
      console.log(c.url);
      log(`data: ${dataLine()}`);
      return 0;
    }
    default:
      console.error('usage: npm run db -- up | down | reset | url');
      return 2;
  }
}

const [command, ...args] = process.argv.slice(2);
switch (command) {
  case 'start':
    await start();
    break;
  case 'test':
    process.exit(test(args));
    break;
  case 'db':
    process.exit(await db(args[0]));
    break;
  default:
    console.error('usage: stack.mjs start | test [vitest args] | db up|down|reset|url');
    process.exit(command === 'help' ? 0 : 2);
}
