// Decode cost of a page of journal items (25 fields) — the CPU an Edge Function spends per
// record (Supabase allows ~2 s of CPU per request) and the heap a decoded page keeps (256 MB):
// the project's XML-RPC decoder against npm `xmlrpc` (measured in the same run), JSON.parse
// for the JSON transports, in Node and in Deno.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { decodeXmlRpcResponse } from '../packages/shared/src/odoo/index.ts';
import { repeat, round } from './lib/measure.ts';
import { npmXmlrpcDecode } from './lib/npm-xmlrpc.ts';
import { journalItemPayloads } from './lib/payloads.ts';
import type { BenchContext, BenchReport } from './lib/types.ts';

export const name = 'xmlrpc-decode';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const TARGETS = { xmlMsPer1k: 20, jsonMsPer1k: 6, pageHeapMB: 40 };
const BIG_PAGE = 20_000;

function ours(body: Uint8Array): unknown {
  const r = decodeXmlRpcResponse(body);
  if (r.fault) throw new Error('unexpected fault');
  return r.value;
}

function probeHeap(kind: 'ours' | 'json' | 'npm', records: number) {
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(here, 'lib', 'heap-probe.ts'), kind, String(records)],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  if (r.status !== 0) throw new Error(`heap probe ${kind} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as {
    retainedHeapMB: number;
    retainedExternalMB: number;
    peakRssMB: number;
    bodyMB: number;
  };
}

interface DenoFigures {
  deno: string;
  ours: { cpuMsPer1k: number; wallMsPer1k: number; coldCpuMsPer1k: number };
  jsonParse: { cpuMsPer1k: number; wallMsPer1k: number; coldCpuMsPer1k: number };
  bigPageHeapMB?: number;
}

function probeDeno(
  dir: string,
  xml: Uint8Array,
  json: Uint8Array,
  count: number,
  runs: number,
  big: Uint8Array,
): DenoFigures | string {
  const files = {
    xml: join(dir, 'page.xml'),
    json: join(dir, 'page.json'),
    big: join(dir, 'big.xml'),
  };
  writeFileSync(files.xml, xml);
  writeFileSync(files.json, json);
  writeFileSync(files.big, big);
  const deno = join(root, 'node_modules', '.bin', 'deno');
  const r = spawnSync(
    deno,
    [
      'run',
      '--quiet',
      '--allow-read',
      '--allow-env',
      '--v8-flags=--expose-gc',
      join(here, 'lib', 'deno-probe.ts'),
      files.xml,
      files.json,
      String(count),
      String(runs),
      files.big,
      String(BIG_PAGE),
    ],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  if (r.status !== 0)
    return `deno unavailable: ${(r.stderr || String(r.error)).trim().slice(0, 200)}`;
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as DenoFigures;
}

export async function run(ctx: BenchContext): Promise<BenchReport> {
  const n = ctx.quick ? 2000 : 5000;
  const runs = ctx.quick ? 5 : 15;
  const nNpm = 1000;
  const per1k = (ms: number, records: number) => ms / (records / 1000);

  const page = journalItemPayloads(n);
  const small = journalItemPayloads(nNpm);
  ctx.log(
    `payload: ${n} records, XML ${round(page.xml.length / 1024 / (n / 1000), 0)} KB/1k, JSON ${round(page.json.length / 1024 / (n / 1000), 0)} KB/1k`,
  );

  // Both decoders must agree before their speeds are compared.
  const same = isDeepStrictEqual(ours(small.xml), await npmXmlrpcDecode(small.xml));
  if (!same) throw new Error('npm xmlrpc and the project decoder disagree on the benchmark page');

  const x = await repeat(() => ours(page.xml), 5, runs);
  ctx.log(`ours (Node): ${round(per1k(x.cpuMs, n))} ms CPU/1k`);
  const j = await repeat(() => JSON.parse(new TextDecoder().decode(page.json)), 5, runs);
  const jr = await repeat(() => new Response(page.json as BodyInit).json(), 3, runs);
  ctx.log(`JSON.parse (Node): ${round(per1k(j.cpuMs, n))} ms CPU/1k`);
  const npm = await repeat(() => npmXmlrpcDecode(small.xml), 1, ctx.quick ? 2 : 4);
  ctx.log(`npm xmlrpc (Node): ${round(per1k(npm.cpuMs, nNpm))} ms CPU/1k`);

  ctx.log(`heap of a decoded ${BIG_PAGE}-record page (fresh processes)…`);
  const heapOurs = probeHeap('ours', BIG_PAGE);
  const heapJson = probeHeap('json', BIG_PAGE);
  const heapNpm = ctx.quick ? undefined : probeHeap('npm', BIG_PAGE);

  ctx.log('Deno…');
  const dir = mkdtempSync(join(tmpdir(), 'bench-xmlrpc-'));
  let deno: DenoFigures | string;
  try {
    deno = probeDeno(dir, page.xml, page.json, n, runs, journalItemPayloads(BIG_PAGE).xml);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const oursMs = per1k(x.cpuMs, n);
  const npmMs = per1k(npm.cpuMs, nNpm);
  const jsonMs = per1k(j.cpuMs, n);
  const figures: BenchReport['figures'] = {
    xmlrpc_decode_ms_per_1k: {
      value: round(oursMs),
      unit: 'ms CPU/1k',
      max: TARGETS.xmlMsPer1k,
      note: 'project decoder, Node',
    },
    npm_xmlrpc_decode_ms_per_1k: {
      value: round(npmMs),
      unit: 'ms CPU/1k',
      note: 'npm xmlrpc 1.3.2 Deserializer, Node',
    },
    speedup_vs_npm_xmlrpc: { value: round(npmMs / oursMs, 1), unit: '×' },
    jsonrpc_decode_ms_per_1k: {
      value: round(jsonMs),
      unit: 'ms CPU/1k',
      max: TARGETS.jsonMsPer1k,
      note: 'TextDecoder + JSON.parse, Node',
    },
    json_response_json_ms_per_1k: {
      value: round(per1k(jr.cpuMs, n)),
      unit: 'ms CPU/1k',
      note: 'Response.json(), Node',
    },
    xmlrpc_page20k_heap_mb: {
      value: round(heapOurs.retainedHeapMB, 1),
      unit: 'MB',
      max: TARGETS.pageHeapMB,
    },
    json_page20k_heap_mb: {
      value: round(heapJson.retainedHeapMB, 1),
      unit: 'MB',
      max: TARGETS.pageHeapMB,
    },
  };
  if (heapNpm) {
    figures.npm_xmlrpc_page20k_heap_mb = { value: round(heapNpm.retainedHeapMB, 1), unit: 'MB' };
    figures.heap_ratio_vs_npm_xmlrpc = {
      value: round(heapNpm.retainedHeapMB / heapOurs.retainedHeapMB, 1),
      unit: '×',
    };
  }
  if (typeof deno !== 'string') {
    figures.deno_xmlrpc_decode_ms_per_1k = {
      value: round(deno.ours.cpuMsPer1k),
      unit: 'ms CPU/1k',
      max: TARGETS.xmlMsPer1k,
    };
    figures.deno_jsonrpc_decode_ms_per_1k = {
      value: round(deno.jsonParse.cpuMsPer1k),
      unit: 'ms CPU/1k',
      max: TARGETS.jsonMsPer1k,
    };
    if (deno.bigPageHeapMB !== undefined) {
      figures.deno_xmlrpc_page20k_heap_mb = {
        value: round(deno.bigPageHeapMB, 1),
        unit: 'MB',
        max: TARGETS.pageHeapMB,
      };
    }
  }

  const ok = (f: { value: number; max?: number }) =>
    f.max === undefined ? '' : f.value <= f.max ? ' ✅' : ' ❌';
  const row = (label: string, key: string) => {
    const f = figures[key];
    return f
      ? `| ${label} | ${f.value} ${f.unit}${ok(f)} | ${f.max === undefined ? '' : `≤ ${f.max}`} |`
      : `| ${label} | n/a | |`;
  };
  const markdown = [
    `Page of \`account.move.line\`-like records, 25 fields (ints, doubles, accented/emoji/markup strings, many2one pairs, date/datetime strings, id lists, a nested dict, \`False\`). XML-RPC as CPython's \`xmlrpc.client.dumps\` lays it out (${round(page.xml.length / 1024 / (n / 1000), 0)} KB per 1,000 records), JSON-RPC as Odoo's \`json.dumps\` (${round(page.json.length / 1024 / (n / 1000), 0)} KB). CPU = process CPU time (user+system, all threads), median of ${runs} warm runs over ${n} records (npm xmlrpc: ${nNpm} records); heap = heap still held by a decoded ${BIG_PAGE}-record page after GC, body released, measured in a fresh process.`,
    '',
    '| figure | value | target |',
    '|---|---|---|',
    row('XML-RPC decode, project decoder (Node)', 'xmlrpc_decode_ms_per_1k'),
    row('XML-RPC decode, npm `xmlrpc` (Node, same run)', 'npm_xmlrpc_decode_ms_per_1k'),
    row('→ speed-up vs npm `xmlrpc`', 'speedup_vs_npm_xmlrpc'),
    row('JSON-RPC decode, TextDecoder + JSON.parse (Node)', 'jsonrpc_decode_ms_per_1k'),
    row('JSON-RPC decode, `Response.json()` (Node)', 'json_response_json_ms_per_1k'),
    row('XML-RPC decode, project decoder (Deno)', 'deno_xmlrpc_decode_ms_per_1k'),
    row('JSON-RPC decode, JSON.parse (Deno)', 'deno_jsonrpc_decode_ms_per_1k'),
    row(`Heap held by a decoded ${BIG_PAGE}-record XML-RPC page (Node)`, 'xmlrpc_page20k_heap_mb'),
    row(`… same page, npm \`xmlrpc\` (Node)`, 'npm_xmlrpc_page20k_heap_mb'),
    row('→ heap ratio vs npm `xmlrpc`', 'heap_ratio_vs_npm_xmlrpc'),
    row(
      `Heap held by a decoded ${BIG_PAGE}-record XML-RPC page (Deno)`,
      'deno_xmlrpc_page20k_heap_mb',
    ),
    row(`Heap held by a decoded ${BIG_PAGE}-record JSON-RPC page (Node)`, 'json_page20k_heap_mb'),
    '',
    `Cold (first-run) CPU, Node: project decoder ${round(per1k(x.coldCpuMs, n))} ms/1k, JSON.parse ${round(per1k(j.coldCpuMs, n))} ms/1k.` +
      (typeof deno === 'string'
        ? ` Deno: ${deno}.`
        : ` Deno ${deno.deno}: project decoder ${round(deno.ours.coldCpuMsPer1k)} ms/1k cold.`),
  ].join('\n');
  return {
    title: 'XML-RPC and JSON-RPC decoding',
    figures,
    markdown,
    details: {
      node: process.version,
      records: n,
      runs,
      heap: { ours: heapOurs, json: heapJson, npm: heapNpm },
      deno,
    },
  };
}
