import type { RunningSim } from '../../packages/odoo-sim/src/index.ts';

/** Raw JSON-RPC `execute_kw` against a running simulator; returns the parsed envelope. */
export async function jsonrpc(
  sim: RunningSim,
  model: string,
  method: string,
  args: unknown[],
  kw: Record<string, unknown> = {},
  key = sim.apiKey,
): Promise<any> {
  const res = await fetch(`${sim.url}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      method: 'call',
      id: 7,
      params: {
        service: 'object',
        method: 'execute_kw',
        args: [sim.db, sim.uid, key, model, method, args, kw],
      },
    }),
  });
  return res.json();
}

/** The `result` of a JSON-RPC call, throwing on an error envelope. */
export async function call(
  sim: RunningSim,
  model: string,
  method: string,
  args: unknown[],
  kw: Record<string, unknown> = {},
): Promise<any> {
  const body = await jsonrpc(sim, model, method, args, kw);
  if (body.error) throw new Error(`${body.error.data.name}: ${body.error.data.message}`);
  return body.result;
}

export async function json2(
  sim: RunningSim,
  model: string,
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${sim.url}/json/2/${model}/${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `bearer ${sim.apiKey}`,
      'x-odoo-database': sim.db,
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

export async function control(sim: RunningSim, action: string, body: unknown = {}): Promise<any> {
  const res = await fetch(`${sim.url}/sim/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`control ${action}: ${res.status} ${await res.text()}`);
  return res.json();
}
