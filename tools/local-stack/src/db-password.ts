// The demo cluster trusts every local connection (anyone on this machine is superuser): fine
// for the simulator's invented books, not for a real company's. When the stack serves a real
// Odoo (ODOO_URL set) the cluster requires a password from then on — never relaxed again, since
// the real data stays in it. The password is random, kept next to the cluster (mode 600).
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';

const passwordFile = (dir: string) => join(dir, 'password');

/** The password a protected cluster requires, or undefined while it trusts local users. */
export function storedPassword(dir: string): string | undefined {
  const f = passwordFile(dir);
  return existsSync(f) ? readFileSync(f, 'utf8').trim() : undefined;
}

/**
 * Makes the cluster in `dir` require scram-sha-256 passwords for every connection (the
 * superuser and the API gateway's `authenticator` share the random password); idempotent.
 * `url` must still work (trust, or the stored password). Returns the password.
 */
export async function requirePassword(dir: string, url: string): Promise<string> {
  const password = storedPassword(dir) ?? randomBytes(24).toString('base64url');
  writeFileSync(passwordFile(dir), `${password}\n`, { mode: 0o600 });
  chmodSync(passwordFile(dir), 0o600);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`set password_encryption = 'scram-sha-256'`);
    for (const role of ['postgres', 'authenticator'])
      await sql.unsafe(`alter role ${role} password ${literal(password)}`);
    const [{ hba }] = await sql`select current_setting('hba_file') as hba`;
    writeFileSync(
      hba,
      [
        '# finanzas-agv local stack: a real Odoo is configured, every connection needs a password',
        'local all all scram-sha-256',
        'host all all 127.0.0.1/32 scram-sha-256',
        'host all all ::1/128 scram-sha-256',
        '',
      ].join('\n'),
    );
    await sql`select pg_reload_conf()`;
  } finally {
    await sql.end({ timeout: 2 });
  }
  return password;
}

const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
