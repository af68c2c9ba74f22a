// `npm run access -- grant <email> <company ids|all> | revoke <email> [<company ids>|all] | list`
// Manages ods.access_grants in the database of SUPABASE_DB_URL (environment or .env; a hosted
// project's connection string), else the local stack's. Without a grant a user reads nothing.
import { join } from 'node:path';
import postgres from 'postgres';
import { readCluster } from '../local-stack/src/cluster.ts';
import { readEnvFile } from '../local-stack/src/env-file.ts';
import { LOCAL_DIR, ROOT } from '../local-stack/src/paths.ts';
import { AccessError, findUser, grant, list, parseCompanies, revoke } from './access-grants.ts';

const USAGE = `usage: npm run access -- grant <email> <company ids|all>
       npm run access -- revoke <email> [<company ids>|all]
       npm run access -- list`;

const [command, who, companies] = process.argv.slice(2);
const env = { ...readEnvFile(join(ROOT, '.env')), ...process.env };
const dbUrl = env.SUPABASE_DB_URL ?? readCluster(join(LOCAL_DIR, 'db'))?.url;
if (!dbUrl) {
  console.error('no database: set SUPABASE_DB_URL, or run `npm start` (or `npm run db -- up`)');
  process.exit(1);
}
if (!['grant', 'revoke', 'list'].includes(command ?? '') || (command !== 'list' && !who)) {
  console.error(USAGE);
  process.exit(2);
}

const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
try {
  if (command === 'list') {
    const rows = await list(sql);
    if (rows.length === 0) console.log('nobody has access (no grants, no company_ids claims)');
    for (const r of rows) {
      const claim = r.claim ? `\tclaim app_metadata.company_ids=${r.claim}` : '';
      console.log(`${r.email ?? '?'}\t${r.userId}\tcompanies: ${r.grants || '-'}${claim}`);
    }
  } else if (command === 'grant') {
    const ids = parseCompanies(companies);
    const user = await findUser(sql, who);
    const unknown = await grant(sql, user, ids);
    console.log(
      `${user.email}: granted ${ids === 'all' ? 'every company' : `companies ${ids.join(',')}`}`,
    );
    if (unknown.length > 0)
      console.warn(`note: companies ${unknown.join(',')} are not in the mirror (yet)`);
  } else {
    const ids = companies === undefined ? 'all' : parseCompanies(companies);
    const user = await findUser(sql, who);
    const n = await revoke(sql, user, ids);
    console.log(`${user.email}: ${n} grant(s) removed`);
    const [left] = await list(sql).then((rows) => rows.filter((r) => r.userId === user.id));
    if (left?.grants === 'all') console.warn('note: the user still has a grant of every company');
    if (left?.claim)
      console.warn(
        `note: app_metadata.company_ids=${left.claim} still gives access (remove it from the user's app_metadata)`,
      );
  }
} catch (e) {
  if (!(e instanceof AccessError)) throw e;
  console.error(e.message);
  process.exitCode = 1;
} finally {
  await sql.end({ timeout: 2 });
}
