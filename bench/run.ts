// `npm run bench [-- --quick] [names…]`: runs every bench/<name>.bench.ts (or the named ones),
// writes bench/results/<name>.json and rewrites that module's section of BENCHMARKS.md.
// A new benchmark is one more file exporting `name` and `run(ctx)` (see lib/types.ts).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule, BenchReport } from './lib/types.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const resultsDir = join(here, 'results');
const mdPath = join(root, 'BENCHMARKS.md');

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const strict = args.includes('--strict');
const only = args.filter((a) => !a.startsWith('--'));

const HEADER = `# Benchmarks

Written by \`npm run bench\` (bench/run.ts); each section is replaced when its benchmark runs.
Timings vary ±20–30% between runs on a shared VM: read them as relative figures.
`;

function updateMarkdown(name: string, report: BenchReport, stamp: string): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const section = `${start}\n## ${report.title}\n\n_${stamp}_\n\n${report.markdown}\n${end}`;
  let md = existsSync(mdPath) ? readFileSync(mdPath, 'utf8') : HEADER;
  const a = md.indexOf(start);
  const b = md.indexOf(end);
  if (a >= 0 && b > a) md = md.slice(0, a) + section + md.slice(b + end.length);
  else md = `${md.trimEnd()}\n\n${section}\n`;
  writeFileSync(mdPath, md);
}

async function main(): Promise<void> {
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  mkdirSync(resultsDir, { recursive: true });
  const env = `Node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}`;
  let missed = 0;
  for (const file of files) {
    // Importing runs a module's top level, so standalone scripts are recognised by their text.
    const source = readFileSync(join(here, file), 'utf8');
    if (!/export\s+(async\s+)?(function|const)\s+run\b/.test(source)) {
      console.log(`\n(skipping ${file}: it does not export run(); see bench/lib/types.ts)`);
      continue;
    }
    if (only.length && !only.includes(file.replace(/\.bench\.ts$/, ''))) continue;
    const mod = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
    console.log(`\n▶ ${mod.name}`);
    const started = Date.now();
    const report = await mod.run({ quick, log: (line) => console.log(`  ${line}`) });
    const at = new Date().toISOString();
    const result = {
      name: mod.name,
      title: report.title,
      at,
      env,
      quick,
      seconds: (Date.now() - started) / 1000,
      figures: report.figures,
      details: report.details,
    };
    writeFileSync(join(resultsDir, `${mod.name}.json`), `${JSON.stringify(result, null, 2)}\n`);
    updateMarkdown(
      mod.name,
      report,
      `${at.slice(0, 16).replace('T', ' ')} UTC · ${env}${quick ? ' · quick' : ''}`,
    );
    for (const [key, f] of Object.entries(report.figures)) {
      const verdict =
        f.max === undefined
          ? ''
          : f.value <= f.max
            ? `  (target ≤ ${f.max}: ok)`
            : `  (target ≤ ${f.max}: MISSED)`;
      if (f.max !== undefined && f.value > f.max) missed++;
      console.log(`  ${key.padEnd(34)} ${String(f.value).padStart(9)} ${f.unit}${verdict}`);
    }
  }
  console.log(
    `\nresults: bench/results/*.json · summary: BENCHMARKS.md${missed ? ` · ${missed} target(s) missed` : ''}`,
  );
  if (strict && missed) process.exit(1);
}

await main();
