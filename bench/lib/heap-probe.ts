// Heap a decoded page keeps alive, measured in a fresh process started with --expose-gc:
// usage: node --expose-gc --import tsx bench/lib/heap-probe.ts <ours|json|npm> <records>
// Prints JSON. The body itself is dropped before measuring: only what the result pins counts.
import { decodeXmlRpcResponse } from '../../packages/shared/src/odoo/index.ts';
import { npmXmlrpcDecode } from './npm-xmlrpc.ts';
import { journalItemPayloads } from './payloads.ts';

const [kind, countText] = process.argv.slice(2);
const count = Number(countText);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const MB = 1024 * 1024;

async function decode(body: Uint8Array): Promise<unknown> {
  if (kind === 'ours') {
    const r = decodeXmlRpcResponse(body);
    return r.fault ? undefined : r.value;
  }
  if (kind === 'json')
    return (JSON.parse(new TextDecoder().decode(body)) as { result: unknown }).result;
  return npmXmlrpcDecode(body);
}

let body: Uint8Array | undefined = journalItemPayloads(count)[kind === 'json' ? 'json' : 'xml'];
const bodyMB = body.byteLength / MB;
gc();
gc();
const before = process.memoryUsage();
let peakRss = before.rss;
const timer = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 5);
const result = (await decode(body)) as unknown[];
body = undefined;
clearInterval(timer);
gc();
gc();
const after = process.memoryUsage();
peakRss = Math.max(peakRss, after.rss);
console.log(
  JSON.stringify({
    kind,
    records: result.length,
    bodyMB,
    retainedHeapMB: (after.heapUsed - before.heapUsed) / MB,
    retainedExternalMB:
      (after.external + after.arrayBuffers - before.external - before.arrayBuffers) / MB,
    peakRssMB: peakRss / MB,
  }),
);
