// The decode figures in Deno, the Edge Functions runtime. Started by xmlrpc-decode.bench.ts:
// deno run --allow-read --allow-env --v8-flags=--expose-gc bench/lib/deno-probe.ts \
//   <xml> <json> <records> <runs> <big-xml> <big-records>
// Imports the decoder by relative path, as the edge function's bundle does.
import process from 'node:process';
import { decodeXmlRpcResponse } from '../../packages/shared/src/odoo/xmlrpc-decode.ts';

const D = (
  globalThis as unknown as { Deno: { args: string[]; readFile(p: string): Promise<Uint8Array> } }
).Deno;
const [xmlPath, jsonPath, countText, runsText, bigPath, bigCountText] = D.args;
const count = Number(countText);
const runs = Number(runsText);
const xml = await D.readFile(xmlPath);
const json = await D.readFile(jsonPath);
const gc = (globalThis as { gc?: () => void }).gc;

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function time(fn: () => unknown) {
  const cpu: number[] = [];
  const wall: number[] = [];
  let cold = 0;
  for (let i = 0; i < runs + 3; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    const w = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (i === 0) cold = (c.user + c.system) / 1000;
    if (i >= 3) {
      cpu.push((c.user + c.system) / 1000);
      wall.push(w);
    }
  }
  return {
    cpuMsPer1k: median(cpu) / (count / 1000),
    wallMsPer1k: median(wall) / (count / 1000),
    coldCpuMsPer1k: cold / (count / 1000),
  };
}

const ours = time(() => decodeXmlRpcResponse(xml));
const jsonParse = time(() => JSON.parse(new TextDecoder().decode(json)));

let heap: number | undefined;
if (gc) {
  let big: Uint8Array | undefined = await D.readFile(bigPath);
  gc();
  const before = process.memoryUsage().heapUsed;
  const r = decodeXmlRpcResponse(big);
  big = undefined;
  gc();
  heap = (process.memoryUsage().heapUsed - before) / (1024 * 1024);
  if (r.fault || (r.value as unknown[]).length !== Number(bigCountText)) heap = undefined;
}
console.log(
  JSON.stringify({
    deno: (globalThis as unknown as { Deno: { version: { deno: string } } }).Deno.version.deno,
    ours,
    jsonParse,
    bigPageHeapMB: heap,
    bigRecords: Number(bigCountText),
    records: count,
  }),
);
