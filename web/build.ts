// Builds the report page into a static folder (default web/dist/, git-ignored): index.html,
// app.js (the TypeScript sources with supabase-js and Chart.js bundled, minified) and app.css.
// The local stack builds it when it starts (skipped when the sources did not change); to
// deploy anywhere, build once and copy the folder with a config.js next to index.html (--url
// also sets the Content-Security-Policy's connect-src in index.html):
//   node tools/local-stack/bin/stack.mjs run web/build.ts --out /tmp/site \
//     --url https://<project>.supabase.co --anon-key <anon or publishable key>
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_SRC = dirname(fileURLToPath(import.meta.url));
export const WEB_DIST = join(WEB_SRC, 'dist');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

// What the output depends on: the page's sources and the bundled libraries' versions.
function sourceHash(): string {
  const h = createHash('sha256');
  const root = join(WEB_SRC, '..');
  for (const f of [
    ...files(join(WEB_SRC, 'src')),
    join(WEB_SRC, 'index.html'),
    join(WEB_SRC, 'styles.css'),
    join(WEB_SRC, 'build.ts'),
  ].sort()) {
    h.update(relative(WEB_SRC, f)).update(readFileSync(f));
  }
  for (const pkg of ['@supabase/supabase-js', 'chart.js', 'esbuild']) {
    const p = join(root, 'node_modules', pkg, 'package.json');
    if (existsSync(p)) h.update(`${pkg}@${JSON.parse(readFileSync(p, 'utf8')).version}`);
  }
  return h.digest('hex').slice(0, 16);
}

// Each file appears whole (write then rename), so a server reading the folder during a rebuild
// never serves half a file, and concurrent builders (parallel test files) do not clash.
function writeAtomic(path: string, data: string | Uint8Array) {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * The page's Content-Security-Policy: scripts from its own files only (no inline script), and
 * requests only to the Supabase project (`connectOrigin`; the page's own origin by default), so
 * even a tampered configuration cannot send the session anywhere else.
 */
export function contentSecurityPolicy(connectOrigin?: string): string {
  const connect = connectOrigin ? new URL(connectOrigin).origin : "'self'";
  return [
    "default-src 'self'",
    "script-src 'self'",
    `connect-src ${connect}`,
    "img-src 'self' data:",
    // Chart.js and the page set element styles; no script can come from a style.
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

export interface BuildOptions {
  outDir?: string;
  minify?: boolean;
  /** Writes config.js with these settings (otherwise none: the host provides it). */
  config?: { supabaseUrl?: string; anonKey: string; staleAfterMinutes?: number };
  /** Rebuild even if the sources did not change. */
  force?: boolean;
}

export interface BuildResult {
  outDir: string;
  built: boolean;
  ms: number;
  bytes: Record<string, number>;
}

export async function buildWeb(opts: BuildOptions = {}): Promise<BuildResult> {
  const t0 = performance.now();
  const outDir = opts.outDir ?? WEB_DIST;
  const minify = opts.minify ?? true;
  const csp = contentSecurityPolicy(opts.config?.supabaseUrl);
  const stamp = `${sourceHash()}${minify ? '' : '-dev'}|${csp}`;
  const stampFile = join(outDir, '.build-stamp');
  mkdirSync(outDir, { recursive: true });
  const sizes = () =>
    Object.fromEntries(
      ['index.html', 'app.js', 'app.css']
        .filter((f) => existsSync(join(outDir, f)))
        .map((f) => [f, statSync(join(outDir, f)).size]),
    );
  if (opts.config) {
    writeAtomic(
      join(outDir, 'config.js'),
      `window.FINANZAS_CONFIG = ${JSON.stringify(opts.config, null, 2)};\n`,
    );
  }
  if (
    !opts.force &&
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8') === stamp &&
    existsSync(join(outDir, 'app.js'))
  ) {
    return { outDir, built: false, ms: performance.now() - t0, bytes: sizes() };
  }
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(WEB_SRC, 'src', 'main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    minify,
    sourcemap: 'linked',
    legalComments: 'linked',
    write: false,
    outfile: join(outDir, 'app.js'),
    logLevel: 'silent',
  });
  for (const f of result.outputFiles) writeAtomic(f.path, f.contents);
  writeAtomic(join(outDir, 'app.css'), readFileSync(join(WEB_SRC, 'styles.css')));
  const html = readFileSync(join(WEB_SRC, 'index.html'), 'utf8').replace(
    '<meta charset="utf-8">',
    `<meta charset="utf-8">\n  <meta http-equiv="Content-Security-Policy" content="${csp}">`,
  );
  if (!html.includes('Content-Security-Policy')) throw new Error('index.html: no <meta charset>');
  writeAtomic(join(outDir, 'index.html'), html);
  writeAtomic(stampFile, stamp);
  return { outDir, built: true, ms: performance.now() - t0, bytes: sizes() };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const arg = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const anonKey = arg('--anon-key');
  const r = await buildWeb({
    outDir: arg('--out'),
    force: true,
    minify: !args.includes('--no-minify'),
    config: anonKey ? { supabaseUrl: arg('--url'), anonKey } : undefined,
  });
  console.log(`built ${r.outDir} in ${r.ms.toFixed(0)} ms: ${JSON.stringify(r.bytes)}`);
  if (!anonKey) console.log('no config.js written: put one next to index.html (see web/README.md)');
}
