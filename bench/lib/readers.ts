// `node --import tsx bench/lib/readers.ts <url> <readers> <seconds> <company> <partner|null>
// [think ms]`: that many concurrent dashboard readers through /rest/v1 (the page's api.ts, anon
// key), each cycling through the page's queries for that long, pausing between two queries for
// a think time drawn from an exponential distribution of that mean (0: back to back). Its own process, so the
// readers' client work does not share an event loop with the gateway they measure. Prints one
// JSON line: the query names and every request as [start epoch ms, ms, ok 1/0, query index].
import { pageApi } from './bench-stack.ts';
import { dashboardQueries } from './page-reads.ts';

const [url, n, seconds, company, partner, think = '0'] = process.argv.slice(2);
const thinkMs = Number(think);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// A person reads what came back before the next click: exponential pauses (capped at four times
// the mean), so the readers do not march in step.
const pause = () => sleep(Math.min(-Math.log(1 - Math.random()) * thinkMs, 4 * thinkMs));
const names = Object.keys(dashboardQueries(pageApi(url), 0, null));
const samples: [number, number, number, number][] = [];
const errors: Record<string, number> = {};
const until = Date.now() + Number(seconds) * 1000;

async function reader(k: number): Promise<void> {
  const queries = Object.values(
    dashboardQueries(pageApi(url), Number(company), partner === 'null' ? null : Number(partner)),
  );
  // Readers start at different queries, so every query runs under the whole mix.
  if (thinkMs > 0) await pause();
  for (let i = k; Date.now() < until; i++) {
    const q = i % queries.length;
    const at = Date.now();
    const t = performance.now();
    let ok = 1;
    try {
      await queries[q](i);
    } catch (e) {
      ok = 0;
      const key = `${names[q]}: ${(e as Error).message}`.slice(0, 160);
      errors[key] = (errors[key] ?? 0) + 1;
    }
    samples.push([at, Math.round((performance.now() - t) * 10) / 10, ok, q]);
    if (thinkMs > 0) await pause();
  }
}

await Promise.all(Array.from({ length: Number(n) }, (_, k) => reader(k)));
// supabase-js may keep timers alive: exit once the line is written.
process.stdout.write(`${JSON.stringify({ names, samples, errors })}\n`, () => process.exit(0));
