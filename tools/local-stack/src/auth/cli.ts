// Local users for the report page's login (the Auth stand-in), in the local stack's database:
//   node tools/local-stack/bin/stack.mjs run tools/local-stack/src/auth/cli.ts \
//     add-user <email> <password> [--company-ids 1,2]
//   … list-users
import { join } from 'node:path';
import postgres from 'postgres';
import { readCluster } from '../cluster.ts';
import { LOCAL_DIR } from '../paths.ts';
import { createLocalUser, ensureAuthSchema } from './users.ts';

const [command, ...args] = process.argv.slice(2);
const cluster = readCluster(join(LOCAL_DIR, 'db'));
const dbUrl = process.env.SUPABASE_DB_URL ?? cluster?.url;
if (!dbUrl) {
  console.error('no local database: run `npm start` (or `npm run db -- up`) first');
  process.exit(1);
}

if (command === 'add-user' && args.length >= 2) {
  const i = args.indexOf('--company-ids');
  const companyIds = i >= 0 ? args[i + 1].split(',').map(Number) : undefined;
  const id = await createLocalUser(dbUrl, {
    email: args[0],
    password: args[1],
    appMetadata: companyIds ? { company_ids: companyIds } : undefined,
  });
  console.log(
    `user ${args[0]} (${id})${
      companyIds
        ? ` reads companies ${companyIds} (app_metadata.company_ids)`
        : ' reads nothing until granted: npm run access -- grant <email> <ids|all>'
    }`,
  );
} else if (command === 'list-users') {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  await ensureAuthSchema(sql);
  for (const u of await sql`select email, raw_app_meta_data, last_sign_in_at from auth.users order by email`)
    console.log(
      `${u.email}\t${JSON.stringify(u.raw_app_meta_data)}\t${u.last_sign_in_at ?? 'never'}`,
    );
  await sql.end();
} else {
  console.error('usage: cli.ts add-user <email> <password> [--company-ids 1,2] | list-users');
  process.exit(2);
}
