// Supabase's transaction pooler (Supavisor, port 6543) hands each transaction to whichever
// server connection is free: a session advisory lock (the sync's single flight per model and its
// run lock), a prepared statement (postgres.js prepares by default) or a COPY stream does not
// survive from one statement to the next there. The sync needs a connection of its own, so it
// refuses the transaction pooler by name instead of failing later in a confusing way.

/** Supabase's transaction-mode pooler port (its session mode and direct connections use 5432). */
export const TRANSACTION_POOLER_PORT = '6543';

/** Why this connection string cannot carry the sync, or null when it can. */
export function transactionPoolerProblem(dbUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(dbUrl);
  } catch {
    return null; // not a URL: postgres.js says what is wrong with it
  }
  if (url.port !== TRANSACTION_POOLER_PORT) return null;
  const ref = /^postgres\.([a-z0-9]+)$/.exec(decodeURIComponent(url.username))?.[1];
  const direct = `postgresql://postgres:<password>@db.${ref ?? '<project-ref>'}.supabase.co:5432/postgres`;
  return (
    `SUPABASE_DB_URL points at port ${TRANSACTION_POOLER_PORT}, Supabase's transaction pooler, ` +
    'where session advisory locks, prepared statements and COPY do not work. ' +
    `Use the direct connection string (${direct}) or the session pooler ` +
    `(the same pooler host on port 5432): Dashboard → Connect → "Direct connection".`
  );
}
