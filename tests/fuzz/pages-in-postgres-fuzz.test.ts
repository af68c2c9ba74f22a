// Fuzzing what the encoders let through against Postgres itself: every random page both
// encoders accept must be accepted by Postgres both ways (JSON upsert and binary COPY) and land
// the same values. A page Postgres refuses is a value the encoders should have named; a page
// landing differently is a value stored wrong. A failure prints FUZZ_SEED.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { planColumns } from '../../packages/shared/src/sync/columns.ts';
import { encodePage } from '../../packages/shared/src/sync/convert.ts';
import { encodeCopyPage } from '../../packages/shared/src/sync/copy-encoder.ts';
import { ensureMirrorTable } from '../../packages/shared/src/sync/mirror-table.ts';
import { writePage } from '../../packages/shared/src/sync/page-writer.ts';
import { Fuzz, fuzzIterations, fuzzSeed, hostileFieldName, timed, timeoutFor } from './fuzz-kit.ts';
import { EVERY_TYPE, randomRecords } from './values.ts';

const COLUMNS = EVERY_TYPE;

describe('pages the encoders accept, in Postgres', () => {
  let sql: postgres.Sql;
  const table = (s: string) => `fuzz_${process.pid}_${s}`;
  beforeAll(async () => {
    sql = postgres(inject('dbUrl'), { max: 1, onnotice: () => {} });
    for (const t of ['json', 'copy']) {
      await sql.unsafe(`create table odoo.${table(t)} (id bigint primary key,
        _synced_at timestamptz not null default now(),
        ${COLUMNS.slice(1)
          .map((c) => `"${c.name}" ${c.sqlType}`)
          .join(', ')})`);
    }
  });
  afterAll(async () => {
    for (const t of ['json', 'copy']) await sql.unsafe(`drop table if exists odoo.${table(t)}`);
    await sql.end();
  });

  const seed = fuzzSeed(31337);
  const iterations = fuzzIterations(30);
  const asText = (t: string) =>
    sql.unsafe(
      `select ${COLUMNS.map((c) => `"${c.name}"::text`).join(', ')} from odoo.${table(t)} order by id`,
    );

  it(`every field name planColumns accepts is a column Postgres creates (FUZZ_SEED=${seed})`, async () => {
    const f = new Fuzz(seed + 1);
    const fields: Record<string, { type: string }> = {};
    for (const name of ['oid', 'select', 'user', 'order', 'offset', 'all', 'a'.repeat(63)])
      fields[name] = { type: 'char' };
    for (let i = 0; i < 200; i++) fields[hostileFieldName(f)] = { type: 'char' };
    const { columns, rejected } = planColumns(fields, ['*'], 'x.m');
    expect(rejected.length).toBeGreaterThan(10);
    const t = table('names');
    try {
      await ensureMirrorTable(sql, 'x.m', t, columns);
      const [{ n }] = await sql`select count(*)::int as n from information_schema.columns
        where table_schema = 'odoo' and table_name = ${t}`;
      expect(n).toBe(columns.length + 1); // and _synced_at
    } finally {
      await sql.unsafe(`drop table if exists odoo.${t}`);
    }
  });

  it(
    `land alike by JSON and by COPY, or are refused before Postgres (FUZZ_SEED=${seed}, ${iterations} pages)`,
    async () => {
      const f = new Fuzz(seed);
      const tally = { pages: 0, landed: 0, refusedByEncoders: 0, rows: 0 };
      for (let i = 0; i < iterations; i++) {
        const records = randomRecords(f, COLUMNS, f.int(1, 8), f.pick([0, 0, 0.03]));
        const ids = records.map((r) => r.id);
        if (new Set(ids).size !== ids.length) continue; // Odoo sends each record once
        tally.pages++;
        const json = timed(() => encodePage('x.m', COLUMNS, records));
        const copy = timed(() => encodeCopyPage('x.m', COLUMNS, records));
        if (json.error || copy.error) {
          tally.refusedByEncoders++;
          continue;
        }
        const where = f.where(i);
        await sql.unsafe(`truncate odoo.${table('json')}, odoo.${table('copy')}`);
        const write = async (t: string, page: Parameters<typeof writePage>[3]) => {
          try {
            await sql.begin((tx) => writePage(tx, table(t), COLUMNS, page));
            return undefined;
          } catch (e) {
            return `${(e as Error).message} in ${JSON.stringify(records).slice(0, 2000)}`;
          }
        };
        expect(await write('json', json.value!), `${where} (JSON upsert)`).toBeUndefined();
        expect(await write('copy', copy.value!), `${where} (COPY)`).toBeUndefined();
        const landed = await asText('json');
        expect(await asText('copy'), where).toEqual(landed);
        expect(landed.length, where).toBe(records.length);
        tally.landed++;
        tally.rows += landed.length;
      }
      console.log(`pages in Postgres fuzz, FUZZ_SEED=${seed}:`, JSON.stringify(tally));
      expect(tally.landed).toBeGreaterThan(iterations / 4);
    },
    timeoutFor(iterations, 60),
  );
});
