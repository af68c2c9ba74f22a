// The client is runtime-neutral: Deno (what Supabase Edge Functions run) loads it by relative
// path and gets the same records as Node, decompresses gzip itself, and names failures alike.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSim, startOdooSim } from '../../packages/odoo-sim/src/index.ts';
import {
  createOdooClient,
  decodeXmlRpcCall,
  encodeXmlRpcResponse,
} from '../../packages/shared/src/odoo/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const PARTNERS = [{ id: 7, name: 'Café Crème & Co. <SARL>' }];

function runDeno(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      join(root, 'node_modules', '.bin', 'deno'),
      ['run', '--quiet', '--allow-net', join(here, 'deno', 'client-check.ts'), ...args],
      {
        cwd: root,
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out).toString());
      else reject(new Error(`deno exited ${code}: ${Buffer.concat(err).toString()}`));
    });
  });
}

describe('the client in Deno', () => {
  let sim: RunningSim;
  let gzipServer: Server;
  let gzipUrl = '';
  let sawGzipRequest = false;

  beforeAll(async () => {
    sim = await startOdooSim({ port: 0, scale: 500, seed: 3, odooVersion: 19 });
    gzipServer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        sawGzipRequest ||= /gzip/.test(String(req.headers['accept-encoding']));
        const call = decodeXmlRpcCall(new Uint8Array(Buffer.concat(chunks)));
        const answer = call.methodName === 'authenticate' ? 2 : PARTNERS;
        const body = gzipSync(encodeXmlRpcResponse(answer));
        res.writeHead(200, {
          'content-type': 'text/xml',
          'content-encoding': 'gzip',
          'content-length': body.length,
        });
        res.end(body);
      });
    });
    await new Promise<void>((r) => gzipServer.listen(0, '127.0.0.1', r));
    gzipUrl = `http://127.0.0.1:${(gzipServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await sim?.close();
    await new Promise((r) => gzipServer?.close(r));
  });

  it('gets the same records as in Node over all three transports, and gzip', async () => {
    const out = JSON.parse(await runDeno([sim.url, sim.db, sim.login, sim.apiKey, gzipUrl]));
    const node = createOdooClient({
      url: sim.url,
      db: sim.db,
      username: sim.login,
      apiKey: sim.apiKey,
      protocol: 'jsonrpc',
      timeoutMs: 5000,
      maxResponseBytes: 10_000_000,
      lang: 'en_US',
    });
    const expected = await node.searchRead('account.move.line', [['id', '<=', 40]], {
      fields: ['move_id', 'partner_id', 'name', 'debit', 'date', 'reconciled'],
      order: 'id asc',
      context: { active_test: false },
    });
    for (const p of ['json2', 'jsonrpc', 'xmlrpc']) {
      expect(out[p].major).toBe(19);
      expect(out[p].uid).toBe(sim.uid);
      expect(out[p].records).toEqual(expected);
    }
    expect(out.auto).toBe('json2');
    expect(out.refused).toEqual({ name: 'OdooConnectionError', retriable: true });
    expect(out.gzip).toEqual(PARTNERS);
    expect(sawGzipRequest).toBe(true);
  });
});
