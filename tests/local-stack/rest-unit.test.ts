// Pure unit tests of the /rest/v1 stand-in: query grammar, SQL fragments, ranges, JWT,
// error mapping. No database needed.

import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JWT_SECRET } from '../../tools/local-stack/src/keys.ts';
import { checkApiKey } from '../../tools/local-stack/src/rest/api-key-gate.ts';
import { fromPgError, pgErrorStatus, RestError } from '../../tools/local-stack/src/rest/errors.ts';
import { haskellShowString } from '../../tools/local-stack/src/rest/haskell-show.ts';
import { authenticate } from '../../tools/local-stack/src/rest/jwt.ts';
import { negotiate } from '../../tools/local-stack/src/rest/media-type.ts';
import {
  parseFilterValue,
  parseLogicValue,
  parseOrderValue,
  parseQuery,
  parseSelect,
} from '../../tools/local-stack/src/rest/parse-query.ts';
import { splitQueryString } from '../../tools/local-stack/src/rest/query-string.ts';
import { effectiveRange, rangeStatus } from '../../tools/local-stack/src/rest/range.ts';
import {
  arrayLiteral,
  filterSql,
  logicTreeSql,
  quoteIdent,
  SqlParams,
  selectListSql,
} from '../../tools/local-stack/src/rest/sql-fragments.ts';

function thrown(fn: () => unknown): RestError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RestError) return err;
    throw err;
  }
  throw new Error('expected a RestError');
}

const src = { qualified: '"s"."t"', columns: new Map([['data', 'jsonb']]) };

describe('query-string splitting', () => {
  it('decodes + and percent escapes, keeps key-only params valueless', () => {
    expect(splitQueryString('a=b+c&d=%22x%22&e&f=')).toEqual([
      ['a', 'b c'],
      ['d', '"x"'],
      ['e', undefined],
      ['f', ''],
    ]);
  });
  it('keeps malformed escapes verbatim', () => {
    expect(splitQueryString('a=100%&b=%zz')).toEqual([
      ['a', '100%'],
      ['b', '%zz'],
    ]);
  });
});

describe('select grammar', () => {
  it('parses columns, aliases, casts, JSON paths and star', () => {
    expect(parseSelect('id,nm:name,price::text,data->a->>b,*')).toEqual([
      {
        kind: 'field',
        field: { name: 'id', jsonPath: [] },
        cast: undefined,
        alias: undefined,
        aggregate: undefined,
      },
      {
        kind: 'field',
        field: { name: 'name', jsonPath: [] },
        cast: undefined,
        alias: 'nm',
        aggregate: undefined,
      },
      {
        kind: 'field',
        field: { name: 'price', jsonPath: [] },
        cast: 'text',
        alias: undefined,
        aggregate: undefined,
      },
      {
        kind: 'field',
        field: {
          name: 'data',
          jsonPath: [
            { arrow: '->', key: 'a' },
            { arrow: '->>', key: 'b' },
          ],
        },
        cast: undefined,
        alias: undefined,
        aggregate: undefined,
      },
      { kind: 'star' },
    ]);
  });
  it('accepts quoted names with reserved characters', () => {
    expect(parseSelect('"a,b":"c.d"')).toMatchObject([{ alias: 'a,b', field: { name: 'c.d' } }]);
  });
  it('reports parse errors as PGRST100 with the Parsec position', () => {
    const err = thrown(() => parseSelect('id,'));
    expect(err.code).toBe('PGRST100');
    expect(err.status).toBe(400);
    expect(err.message).toBe('"failed to parse select parameter (id,)" (line 1, column 4)');
  });
  it('builds quoted select items with implicit JSON aliases', () => {
    const params = new SqlParams();
    const sql = selectListSql(src, parseSelect('data->a->>b,x:id::text,"we\\"ird"'), params, {
      parent: 't',
      schema: 's',
    });
    expect(sql).toBe(
      `"s"."t"."data"->$1::text->>$2::text AS "b", CAST("s"."t"."id" AS text) AS "x", "s"."t"."we""ird"`,
    );
    expect(params.values).toEqual(['a', 'b']);
  });
  it('refuses a cast that is not a plain type name', () => {
    const err = thrown(() =>
      selectListSql(src, parseSelect('id::$$x'), new SqlParams(), { parent: 't', schema: 's' }),
    );
    expect(err.status).toBe(400);
  });
  it('answers embeds with PGRST200 and aggregates with PGRST123', () => {
    expect(
      thrown(() =>
        selectListSql(src, parseSelect('id,other(*)'), new SqlParams(), {
          parent: 't',
          schema: 's',
        }),
      ).code,
    ).toBe('PGRST200');
    expect(
      thrown(() =>
        selectListSql(src, parseSelect('id.sum()'), new SqlParams(), { parent: 't', schema: 's' }),
      ).code,
    ).toBe('PGRST123');
  });
});

describe('filter grammar', () => {
  it('keeps top-level values verbatim (no unquoting)', () => {
    expect(parseFilterValue('eq."a,b"')).toEqual({
      negated: false,
      operation: { kind: 'op', op: 'eq', value: '"a,b"' },
    });
  });
  it('unquotes and unescapes in.() elements', () => {
    expect(parseFilterValue('in.(1,"a,b","q\\"x", c)')).toEqual({
      negated: false,
      operation: { kind: 'in', values: ['1', 'a,b', 'q"x', ' c'] },
    });
  });
  it('parses not., is., isdistinct and quantifiers', () => {
    expect(parseFilterValue('not.is.NULL').operation).toEqual({ kind: 'is', value: 'null' });
    expect(parseFilterValue('not.is.null').negated).toBe(true);
    expect(parseFilterValue('is.not_null').operation).toEqual({ kind: 'is', value: 'not_null' });
    expect(parseFilterValue('isdistinct.5').operation).toEqual({ kind: 'isdistinct', value: '5' });
    expect(parseFilterValue('like(any).{a*,b*}').operation).toEqual({
      kind: 'op',
      op: 'like',
      quantifier: 'any',
      value: '{a*,b*}',
    });
    expect(parseFilterValue('fts(english).cat').operation).toEqual({
      kind: 'fts',
      op: 'fts',
      language: 'english',
      value: 'cat',
    });
  });
  it('reports an unknown operator like PostgREST', () => {
    const err = thrown(() => parseFilterValue('noop.0'));
    expect(err.message).toBe('"failed to parse filter (noop.0)" (line 1, column 6)');
    expect(err.details).toBe('unknown single value operator noop');
  });
  it('builds parameterised SQL for every operator', () => {
    const p = new SqlParams();
    const f = (field: string, v: string) =>
      filterSql(src, { field: { name: field, jsonPath: [] }, opExpr: parseFilterValue(v) }, p);
    expect(f('a', 'eq.1')).toBe('"s"."t"."a" = $1');
    expect(f('a', 'not.like.*x*')).toBe('NOT "s"."t"."a" like $2');
    expect(f('a', 'in.(1,2)')).toBe('"s"."t"."a" = ANY($3)');
    expect(f('a', 'in.()')).toBe(`"s"."t"."a" = ANY('{}')`);
    expect(f('a', 'is.true')).toBe('"s"."t"."a" IS TRUE');
    expect(f('a', 'isdistinct.x')).toBe('"s"."t"."a" IS DISTINCT FROM $4');
    expect(f('a', 'cs.{1}')).toBe('"s"."t"."a" @> $5');
    expect(p.values).toEqual(['1', '%x%', '{"1","2"}', 'x', '{1}']);
  });
  it('escapes array literals', () => {
    expect(arrayLiteral(['a"b', 'c\\d', 'e,f'])).toBe('{"a\\"b","c\\\\d","e,f"}');
  });
});

describe('logic trees and order', () => {
  it('nests and/or with negation', () => {
    const { path, tree } = parseLogicValue('not.or', '(a.eq.1,and(b.lt.2,c.like.*z*))');
    expect(path).toEqual([]);
    const p = new SqlParams();
    expect(logicTreeSql(src, tree, p)).toBe(
      'NOT ("s"."t"."a" = $1 OR ("s"."t"."b" < $2 AND "s"."t"."c" like $3))',
    );
    expect(p.values).toEqual(['1', '2', '%z%']);
  });
  it('unquotes values inside logic trees and keeps {…} arrays whole', () => {
    const { tree } = parseLogicValue('or', '(a.eq."x,y",b.cs.{1,2})');
    expect(tree).toMatchObject({
      children: [
        { filter: { opExpr: { operation: { value: 'x,y' } } } },
        { filter: { opExpr: { operation: { value: '{1,2}' } } } },
      ],
    });
  });
  it('parses order terms', () => {
    expect(parseOrderValue('a.desc.nullslast,b,c.nullsfirst')).toEqual([
      { field: { name: 'a', jsonPath: [] }, direction: 'desc', nulls: 'nullslast' },
      { field: { name: 'b', jsonPath: [] } },
      { field: { name: 'c', jsonPath: [] }, nulls: 'nullsfirst' },
    ]);
    expect(thrown(() => parseOrderValue('id.descc')).code).toBe('PGRST100');
    expect(thrown(() => parseOrderValue('id;drop table x')).code).toBe('PGRST100');
  });
});

describe('parameter classification', () => {
  it('splits filters from RPC arguments and reserved words', () => {
    const q = parseQuery(
      splitQueryString(
        'select=id&a=1&b=eq.2&c=not.is.null&order=id&limit=5&offset=2&or=(a.eq.1)&d',
      ),
    );
    expect(q.rpcArgs).toEqual([['a', '1']]);
    expect(q.filters.map((f) => f.field.name)).toEqual(['b', 'c']);
    expect(q.limitRange).toEqual({ offset: 2, upper: 6 });
    expect(q.logic).toHaveLength(1);
  });
  it('ignores a limit that is not an integer', () => {
    expect(parseQuery(splitQueryString('limit=abc')).limitRange).toEqual({ offset: 0 });
  });
  it('notes embed paths (not emulated)', () => {
    expect(parseQuery(splitQueryString('child.id=eq.1')).embedPaths).toEqual(['child']);
  });
});

describe('ranges', () => {
  const base = {
    method: 'GET',
    rangeHeader: undefined,
    limitRange: undefined,
    limitZero: false,
    maxRows: 1000,
  };
  it('applies db-max-rows', () => {
    expect(effectiveRange(base)).toEqual({ offset: 0, limit: 1000 });
  });
  it('intersects the Range header with limit/offset', () => {
    expect(
      effectiveRange({ ...base, rangeHeader: '5-20', limitRange: { offset: 0, upper: 9 } }),
    ).toEqual({
      offset: 5,
      limit: 5,
    });
  });
  it('ignores a malformed Range header and any Range on HEAD', () => {
    expect(effectiveRange({ ...base, rangeHeader: '0-1; drop' })).toEqual({
      offset: 0,
      limit: 1000,
    });
    expect(effectiveRange({ ...base, method: 'HEAD', rangeHeader: '5-9' })).toEqual({
      offset: 0,
      limit: 1000,
    });
  });
  it('rejects inverted and negative ranges with PGRST103', () => {
    expect(thrown(() => effectiveRange({ ...base, rangeHeader: '5-2' })).details).toMatch(
      /lower boundary/,
    );
    expect(
      thrown(() => effectiveRange({ ...base, limitRange: { offset: 0, upper: -2 } })).details,
    ).toMatch(/Limit should be/);
  });
  it('allows limit=0', () => {
    expect(effectiveRange({ ...base, limitZero: true })).toEqual({ offset: 0, limit: 0 });
  });
  it('computes Content-Range and status like rangeStatusHeader', () => {
    expect(rangeStatus(0, 25, undefined)).toEqual({ status: 200, contentRange: '0-24/*' });
    expect(rangeStatus(0, 0, undefined)).toEqual({ status: 200, contentRange: '*/*' });
    expect(rangeStatus(0, 0, 0)).toEqual({ status: 200, contentRange: '*/0' });
    expect(rangeStatus(5, 0, 5)).toEqual({ status: 206, contentRange: '*/5' });
    expect(rangeStatus(0, 25, 100)).toEqual({ status: 206, contentRange: '0-24/100' });
    expect(thrown(() => rangeStatus(10, 0, 5)).status).toBe(416);
  });
});

describe('JWT', () => {
  const sign = (
    payload: object,
    header: object = { alg: 'HS256', typ: 'JWT' },
    secret = JWT_SECRET,
  ) => {
    const h = Buffer.from(JSON.stringify(header)).toString('base64url');
    const p = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const s = createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url');
    return `Bearer ${h}.${p}.${s}`;
  };
  const now = 1_700_000_000;
  it('defaults to anon with the role injected into the claims', () => {
    expect(authenticate(undefined, JWT_SECRET, 'anon', now)).toEqual({
      role: 'anon',
      claims: { role: 'anon' },
    });
    expect(authenticate(sign({ sub: 'x' }), JWT_SECRET, 'anon', now).claims).toEqual({
      sub: 'x',
      role: 'anon',
    });
  });
  it('takes the role claim', () => {
    expect(authenticate(sign({ role: 'authenticated' }), JWT_SECRET, 'anon', now).role).toBe(
      'authenticated',
    );
  });
  it('maps decode failures to PGRST301', () => {
    expect(thrown(() => authenticate('Bearer a.b', JWT_SECRET, 'anon', now)).message).toBe(
      'Expected 3 parts in JWT; got 2',
    );
    expect(thrown(() => authenticate('Bearer ', JWT_SECRET, 'anon', now)).message).toBe(
      'Empty JWT is sent in Authorization header',
    );
    const bad = thrown(() =>
      authenticate(sign({ role: 'anon' }, undefined, 'x'.repeat(40)), JWT_SECRET, 'anon', now),
    );
    expect(bad.code).toBe('PGRST301');
    expect(bad.message).toBe('JWT cryptographic operation failed');
    expect(bad.headers['WWW-Authenticate']).toBe(
      'Bearer error="invalid_token", error_description="JWT cryptographic operation failed"',
    );
    expect(
      thrown(() => authenticate(sign({}, { alg: 'none' }), JWT_SECRET, 'anon', now)).message,
    ).toBe('Wrong or unsupported encoding algorithm');
  });
  it('checks exp/nbf/iat with a 30 s skew (PGRST303)', () => {
    expect(authenticate(sign({ exp: now - 29 }), JWT_SECRET, 'anon', now).role).toBe('anon');
    const expired = thrown(() => authenticate(sign({ exp: now - 31 }), JWT_SECRET, 'anon', now));
    expect([expired.code, expired.message, expired.status]).toEqual([
      'PGRST303',
      'JWT expired',
      401,
    ]);
    expect(
      thrown(() => authenticate(sign({ nbf: now + 31 }), JWT_SECRET, 'anon', now)).message,
    ).toBe('JWT not yet valid');
    expect(
      thrown(() => authenticate(sign({ iat: now + 31 }), JWT_SECRET, 'anon', now)).message,
    ).toBe('JWT issued at future');
    expect(thrown(() => authenticate(sign({ exp: 'soon' }), JWT_SECRET, 'anon', now)).message).toBe(
      "The JWT 'exp' claim must be a number",
    );
  });
  it('treats a non-Bearer Authorization as no token', () => {
    expect(authenticate('Basic abc', JWT_SECRET, 'anon', now).role).toBe('anon');
  });
});

describe('API key gate', () => {
  const keys = ['anon-key', 'service-key'];
  it('requires an apikey and a known one', () => {
    const none = thrown(() =>
      checkApiKey({
        apikeyHeader: undefined,
        apikeyQuery: undefined,
        authorization: undefined,
        validKeys: keys,
      }),
    );
    expect([none.status, none.body()]).toEqual([
      401,
      {
        message: 'No API key found in request',
        hint: 'No `apikey` request header or url param was found.',
      },
    ]);
    const wrong = thrown(() =>
      checkApiKey({
        apikeyHeader: 'x',
        apikeyQuery: undefined,
        authorization: undefined,
        validKeys: keys,
      }),
    );
    expect(wrong.body()).toEqual({
      message: 'Invalid API key',
      hint: 'Double check your Supabase `anon` or `service_role` API key.',
    });
  });
  it('forwards the client token, else the apikey as bearer', () => {
    expect(
      checkApiKey({
        apikeyHeader: 'anon-key',
        apikeyQuery: undefined,
        authorization: 'Bearer t',
        validKeys: keys,
      }),
    ).toEqual({
      authorization: 'Bearer t',
    });
    expect(
      checkApiKey({
        apikeyHeader: undefined,
        apikeyQuery: 'service-key',
        authorization: undefined,
        validKeys: keys,
      }),
    ).toEqual({
      authorization: 'Bearer service-key',
    });
  });
});

describe('error mapping', () => {
  it('follows the SQLSTATE → HTTP table', () => {
    const cases: [string, string, boolean, number][] = [
      ['23505', '', true, 409],
      ['23503', '', true, 409],
      ['25006', '', true, 405],
      ['21000', 'DELETE requires a WHERE clause', true, 400],
      ['21000', 'more than one row returned by a subquery', true, 500],
      ['22023', 'role "nobody" does not exist', true, 401],
      ['22023', 'invalid value', true, 400],
      ['42501', '', false, 401],
      ['42501', '', true, 403],
      ['42P01', '', true, 404],
      ['42883', 'function f() does not exist', true, 404],
      ['P0001', '', true, 400],
      ['P0002', '', true, 500],
      ['PT402', '', true, 402],
      ['57014', '', true, 500],
      ['57P01', '', true, 503],
      ['08006', '', true, 503],
      ['28P01', '', true, 403],
      ['22P02', '', true, 400],
      ['42703', '', true, 400],
    ];
    for (const [code, message, authenticated, status] of cases) {
      expect([code, pgErrorStatus(code, message, authenticated)]).toEqual([code, status]);
    }
  });
  it('adds WWW-Authenticate to 401s and reads RAISE SQLSTATE PGRST', () => {
    expect(fromPgError({ code: '42501', message: 'permission denied' }, false).headers).toEqual({
      'WWW-Authenticate': 'Bearer',
    });
    const custom = fromPgError(
      {
        code: 'PGRST',
        message: '{"code":"123","message":"Payment Required"}',
        detail: '{"status":402,"headers":{"X-Powered-By":"Nerd Rage"}}',
      },
      true,
    );
    expect([custom.status, custom.code, custom.message, custom.headers]).toEqual([
      402,
      '123',
      'Payment Required',
      { 'X-Powered-By': 'Nerd Rage' },
    ]);
    expect(fromPgError({ code: 'PGRST', message: 'not json' }, true).code).toBe('PGRST121');
  });
});

describe('media types and identifiers', () => {
  it('negotiates Accept', () => {
    expect(negotiate(undefined)).toEqual({ kind: 'json', stripNulls: false });
    expect(negotiate('application/vnd.pgrst.object+json')).toEqual({
      kind: 'object',
      stripNulls: false,
    });
    expect(negotiate('text/csv')).toEqual({ kind: 'csv' });
    expect(thrown(() => negotiate('text/html')).code).toBe('PGRST107');
  });
  it('quotes identifiers and refuses NUL bytes', () => {
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(thrown(() => quoteIdent('a\0b')).status).toBe(400);
  });
  it("formats Haskell's show for parse-error sources", () => {
    expect(haskellShowString('a"b\\é1')).toBe('"a\\"b\\\\\\233\\&1"');
  });
});
