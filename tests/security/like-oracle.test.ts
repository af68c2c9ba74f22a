import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalUser } from '../../tools/local-stack/src/auth/index.ts';
import { ANON_KEY } from '../../tools/local-stack/src/keys.ts';
import { type Books, SECRET_PARTNER, SECRET_REF, startBooks } from './books.ts';

// The attack: a user limited to company 1 filters with a LIKE pattern ending in an escape
// (`name=like.Secret%5C`). Postgres raises "LIKE pattern must not end with escape character"
// only when the text before the escape matches a row it evaluates; if the filter reaches
// company 2's rows, the error answers "does a hidden row start with …?", one character at a
// time. The company rule runs first — a security_barrier view's, or the policy of the report
// behind a view without a barrier: hidden rows never answer.
let b: Books;
let token: string;

beforeAll(async () => {
  b = await startBooks();
  const id = await createLocalUser(b.dbUrl, { email: 'one@example.com', password: 'company-one' });
  await b.sql`insert into ods.access_grants (user_id, company_id) values (${id}, 1)`;
  const res = await fetch(`${b.platform.url}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { apikey: ANON_KEY, 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'one@example.com', password: 'company-one' }),
  });
  token = (await res.json()).access_token;
}, 180_000);
afterAll(async () => {
  await b?.close();
});

async function probe(view: string, column: string, prefix: string) {
  const res = await fetch(
    `${b.platform.url}/rest/v1/${view}?select=${column}&${column}=like.${encodeURIComponent(`${prefix}\\`)}`,
    {
      headers: {
        apikey: ANON_KEY,
        Authorization: `Bearer ${token}`,
        'Accept-Profile': 'reporting',
      },
    },
  );
  return { status: res.status, body: await res.json() };
}

// Prefixes of the secret, as the attacker would try them (from 'Secret': 'S' alone also
// starts the visible 'Shared partner').
const prefixes = (secret: string) => [6, 8, 10, secret.length - 1].map((n) => secret.slice(0, n));

describe('the LIKE-escape error oracle through /rest/v1', () => {
  const targets: [string, string, string, string][] = [
    ['partners', 'name', SECRET_PARTNER, 'Customer of one'],
    ['open_invoices', 'ref', SECRET_REF, 'Visible-ref-1'],
    ['partner_ledger', 'label', SECRET_REF, 'INV/1/0001'],
    // Views without a barrier, over reports whose rows a policy restricts; the partner's name
    // is the report row's own (open_invoices: the policy runs first) or joined as an expression
    // of both sides (a filter on it waits for the join).
    ['open_invoices', 'partner_name', SECRET_PARTNER, 'Customer of one'],
    ['partner_balances', 'partner_name', SECRET_PARTNER, 'Customer of one'],
    ['aged_receivable', 'partner_name', SECRET_PARTNER, 'Customer of one'],
  ];

  it.each(targets)(
    '%s.%s: a hidden row answers exactly like no row',
    async (view, column, secret, own) => {
      const nothing = await probe(view, column, 'Zzz-nothing-starts-like-this');
      expect(nothing).toEqual({ status: 200, body: [] });
      for (const p of prefixes(secret)) expect(await probe(view, column, p), p).toEqual(nothing);
      // The caller's own rows still raise it: the probe itself works.
      const mine = await probe(view, column, own.slice(0, 3));
      expect(mine.status).toBe(400);
      expect(mine.body.code).toBe('22025');
    },
  );

  it('control: without security_barrier the same probe reveals company 2', async () => {
    await b.sql`alter view reporting.partner_ledger reset (security_barrier)`;
    try {
      const leaked = await probe('partner_ledger', 'label', SECRET_REF.slice(0, 7));
      expect(leaked.status).toBe(400);
      expect(leaked.body.message).toMatch(/LIKE pattern must not end with escape character/);
    } finally {
      await b.sql`alter view reporting.partner_ledger set (security_barrier = true)`;
    }
  });

  it('control: without its policy a report without a barrier reveals company 2', async () => {
    await b.sql`alter table reporting_private.open_documents disable row level security`;
    try {
      const leaked = await probe('open_invoices', 'partner_name', SECRET_PARTNER.slice(0, 8));
      expect(leaked.status).toBe(400);
      expect(leaked.body.message).toMatch(/LIKE pattern must not end with escape character/);
    } finally {
      await b.sql`alter table reporting_private.open_documents enable row level security`;
    }
  });
});
