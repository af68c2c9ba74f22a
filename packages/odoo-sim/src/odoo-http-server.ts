import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type Fault, FaultBook, type RequestInfo, type Transport } from './faults.ts';
import {
  asOdooError,
  defaultMessage,
  emptyCounts,
  HTML,
  JSON_CT,
  jsonRpcReply,
  legacyFault,
  NOT_FOUND_HTML,
  type Reply,
  readBody,
  type Safe,
  safe,
  send,
  sendBroken,
  sleep,
  targetOf,
  XML,
} from './http-replies.ts';
import { encodeJson } from './json-response.ts';
import { callMethod } from './methods.ts';
import { accessDenied, OdooError } from './odoo-error.ts';
import { ADMIN_UID, type Store } from './store.ts';
import type { OdooValue } from './values.ts';
import { parseXmlRpcCall } from './xmlrpc-request.ts';
import { encodeXmlRpcFaultResponse, encodeXmlRpcResult } from './xmlrpc-response.ts';

/** The version is the store's (an in-place upgrade changes it). */
export interface ServerConfig {
  db: string;
  login: string;
  apiKey: string;
}

export interface RequestCounts {
  total: number;
  byTransport: Record<string, number>;
  /** `model.method` (or `common.version` etc.) → count. */
  byMethod: Record<string, number>;
  faultsInjected: number;
  /** Display names computed (the cost `load=''` saves), since the last reset. */
  namesComputed: number;
}

/** Handles `/sim/...` control requests (wired by the sim, exempt from faults). */
export type ControlHandler = (action: string, body: any, url: URL) => Promise<unknown> | unknown;

/**
 * The HTTP face of the simulator: Odoo's three external APIs on their real paths, fault
 * injection in front of them, and the `/sim/` control endpoints.
 */
export class OdooHttpServer {
  readonly faults = new FaultBook();
  private server: Server;
  private sockets = new Set<Socket>();
  private port = 0;
  private host = '127.0.0.1';
  private downTimer: NodeJS.Timeout | undefined;
  isDown = false;
  counts: RequestCounts = emptyCounts();

  constructor(
    private readonly store: Store,
    private readonly cfg: ServerConfig,
    private readonly control: ControlHandler,
  ) {
    this.server = this.makeServer();
  }

  private makeServer(): Server {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(err?.stack ?? err));
        } else res.destroy();
      });
    });
    server.keepAliveTimeout = 30_000;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.setNoDelay(true);
      s.on('close', () => this.sockets.delete(s));
    });
    return server;
  }

  async listen(port: number, host: string): Promise<number> {
    this.host = host;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  /** "Odoo is down": the port refuses connections until `up()` (or `forMs` elapses). */
  async down(forMs?: number): Promise<void> {
    if (this.isDown) return;
    this.isDown = true;
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const s of this.sockets) s.destroy();
    await closed;
    if (forMs) this.downTimer = setTimeout(() => void this.up(), forMs);
  }

  async up(): Promise<void> {
    if (!this.isDown) return;
    clearTimeout(this.downTimer);
    this.server = this.makeServer();
    await this.listen(this.port, this.host);
    this.isDown = false;
  }

  async close(): Promise<void> {
    clearTimeout(this.downTimer);
    if (this.isDown) return;
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const s of this.sockets) s.destroy();
    await closed;
    this.isDown = true;
  }

  resetCounts(): void {
    this.counts = emptyCounts();
    this.faults.injected = 0;
  }

  private count(transport: Transport, key: string): void {
    this.counts.total++;
    this.counts.byTransport[transport] = (this.counts.byTransport[transport] ?? 0) + 1;
    this.counts.byMethod[key] = (this.counts.byMethod[key] ?? 0) + 1;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const body = await readBody(req);
    const path = url.pathname;

    if (path.startsWith('/sim/')) return this.handleControl(path.slice(5), body, url, res);

    let transport: Transport;
    let info: RequestInfo;
    let run: (authOk: boolean) => Reply;
    if (
      path === '/xmlrpc/2/common' ||
      path === '/xmlrpc/2/object' ||
      path === '/xmlrpc/common' ||
      path === '/xmlrpc/object'
    ) {
      transport = 'xmlrpc';
      const service = path.endsWith('common') ? 'common' : 'object';
      const legacy = !path.startsWith('/xmlrpc/2/');
      const parsed = safe(() => parseXmlRpcCall(body.toString('utf8')));
      info = {
        transport,
        ...(parsed.ok ? targetOf(service, parsed.value.method, parsed.value.params) : {}),
      };
      run = (authOk) => this.xmlrpc(service, parsed, authOk, legacy);
    } else if (path === '/jsonrpc' || path === '/web/webclient/version_info') {
      transport = 'jsonrpc';
      const parsed = safe(() => JSON.parse(body.toString('utf8')));
      const p = parsed.ok ? parsed.value?.params : undefined;
      info =
        path === '/jsonrpc' && p
          ? { transport, ...targetOf(p.service, p.method, p.args ?? []) }
          : { transport, method: 'version_info' };
      run = (authOk) =>
        path === '/jsonrpc'
          ? this.jsonrpc(parsed, authOk)
          : jsonRpcReply(
              parsed.ok ? parsed.value?.id : null,
              this.versionInfo(),
              this.store.version,
            );
    } else if (path.startsWith('/json/2') && this.store.traits.json2 && path !== '/json/2/') {
      transport = 'json2';
      const m = /^\/json\/2\/([^/]+)\/([^/]+)$/.exec(path);
      info = { transport, model: m?.[1], method: m?.[2] };
      run = (authOk) => this.json2(req, m, body, authOk);
    } else if ((path === '/web/version' || path === '/json/version') && this.store.traits.json2) {
      transport = 'web';
      info = { transport, method: 'version' };
      run = () => ({
        status: 200,
        contentType: JSON_CT,
        body: encodeJson({
          version_info: this.versionInfoList(),
          version: `${this.store.version}.0`,
        }),
      });
    } else {
      this.count('web', `GET ${path}`);
      return send(res, { status: 404, contentType: HTML, body: NOT_FOUND_HTML });
    }

    this.count(transport, info.model ? `${info.model}.${info.method}` : `${info.method ?? '?'}`);
    const hits = this.faults.take(info);
    let authOk = true;
    let odooFault: Fault | undefined;
    let wire: Fault | undefined;
    for (const f of hits) {
      if (f.kind === 'latency') await sleep(f.ms);
      else if (f.kind === 'wrong-key') authOk = false;
      else if (f.kind === 'odoo') odooFault ??= f;
      else wire ??= f;
    }
    if (wire?.kind === 'http') {
      return send(res, {
        status: wire.status,
        contentType: HTML,
        body:
          wire.body ??
          `<html><head><title>${wire.status}</title></head><body><h1>${wire.status}</h1></body></html>\n`,
        headers:
          wire.retryAfter !== undefined ? { 'retry-after': String(wire.retryAfter) } : undefined,
      });
    }
    let reply: Reply;
    if (odooFault?.kind === 'odoo') {
      const err = new OdooError(
        odooFault.error,
        odooFault.message ?? defaultMessage(odooFault.error, info),
      );
      reply = this.errorReply(transport, err, path, body);
    } else {
      reply = run(authOk);
    }
    if (wire?.kind === 'malformed') {
      reply = { ...reply, body: wire.body ?? '<html><body><p>Proxy Error</p></body>' };
    }
    if (wire?.kind === 'truncated' || wire?.kind === 'reset') {
      return sendBroken(res, reply, wire.kind);
    }
    // Odoo's own clock, as every HTTP server states it: the sync caps its high-water mark by it.
    return send(res, { ...reply, headers: { date: this.httpDate(), ...(reply.headers ?? {}) } });
  }

  private httpDate(): string {
    return new Date(Math.floor(this.store.clock.peekUs() / 1000)).toUTCString();
  }

  private async handleControl(action: string, body: Buffer, url: URL, res: ServerResponse) {
    let payload: any = {};
    try {
      if (body.length) payload = JSON.parse(body.toString('utf8'));
      const result = await this.control(action, payload, url);
      send(res, { status: 200, contentType: JSON_CT, body: JSON.stringify(result ?? null) });
    } catch (err: any) {
      const status = err?.status ?? (err instanceof OdooError ? 400 : 500);
      send(res, {
        status,
        contentType: JSON_CT,
        body: JSON.stringify({ error: err?.name ?? 'Error', message: String(err?.message ?? err) }),
      });
    }
  }

  private checkAuth(
    _db: unknown,
    uidOrLogin: unknown,
    key: unknown,
    authOk: boolean,
    byLogin: boolean,
  ): boolean {
    if (!authOk) return false;
    if (key !== this.cfg.apiKey) return false;
    return byLogin ? uidOrLogin === this.cfg.login : uidOrLogin === ADMIN_UID;
  }

  private checkDb(db: unknown): void {
    if (db !== this.cfg.db) {
      throw new OdooError(
        'ServerError',
        `connection to server failed: FATAL:  database "${String(db)}" does not exist`,
      );
    }
  }

  /** One RPC of the `common`/`object` services, as `dispatch_rpc` runs it. */
  private dispatch(service: string, method: string, params: unknown[], authOk: boolean): OdooValue {
    if (service === 'common') {
      switch (method) {
        case 'version':
          return this.versionInfo();
        case 'about':
          return 'See http://openerp.com';
        case 'login':
        case 'authenticate': {
          const [db, login, key] = params;
          this.checkDb(db);
          return this.checkAuth(db, login, key, authOk, true) ? ADMIN_UID : false;
        }
        default:
          throw new OdooError('KeyError', `'${method}'`);
      }
    }
    if (service === 'db') {
      if (method === 'list') return [this.cfg.db];
      if (method === 'server_version') return `${this.store.version}.0`;
      throw new OdooError('KeyError', `'${method}'`);
    }
    if (service !== 'object') throw new OdooError('ValueError', `No such service ${service}`);
    if (method !== 'execute_kw' && method !== 'execute') {
      throw new OdooError('NotFound', `Method not available ${method}`);
    }
    const [db, uid, key, model, modelMethod, ...rest] = params;
    this.checkDb(db);
    if (!this.checkAuth(db, uid, key, authOk, false)) throw accessDenied();
    if (method === 'execute') {
      return callMethod(this.store, {
        model: String(model),
        method: String(modelMethod),
        args: rest,
      });
    }
    const [args, kw] = rest;
    return callMethod(this.store, {
      model: String(model),
      method: String(modelMethod),
      args: (args as unknown[]) ?? [],
      kwargs: (kw as Record<string, unknown>) ?? {},
    });
  }

  private xmlrpc(
    service: string,
    parsed: Safe<{ method: string; params: unknown[] }>,
    authOk: boolean,
    legacy: boolean,
  ): Reply {
    try {
      if (!parsed.ok)
        throw new OdooError('ValueError', `XML-RPC parse error: ${parsed.error.message}`);
      const result = this.dispatch(service, parsed.value.method, parsed.value.params, authOk);
      return { status: 200, contentType: XML, body: encodeXmlRpcResult(result) };
    } catch (err) {
      return this.errorReply('xmlrpc', asOdooError(err), legacy ? '/xmlrpc/' : '/xmlrpc/2/');
    }
  }

  private jsonrpc(parsed: Safe<any>, authOk: boolean): Reply {
    if (!parsed.ok) {
      return this.errorReply(
        'jsonrpc',
        new OdooError('BadRequest', 'Invalid JSON data'),
        '/jsonrpc',
      );
    }
    const id = parsed.value?.id ?? null;
    try {
      const p = parsed.value?.params ?? {};
      const result = this.dispatch(String(p.service), String(p.method), p.args ?? [], authOk);
      return jsonRpcReply(id, result, this.store.version);
    } catch (err) {
      return this.errorReply('jsonrpc', asOdooError(err), '/jsonrpc', undefined, id);
    }
  }

  private json2(
    req: IncomingMessage,
    m: RegExpExecArray | null,
    body: Buffer,
    authOk: boolean,
  ): Reply {
    try {
      if (!m) {
        throw new OdooError('NotFound', 'Did you mean POST /json/2/<model>/<method>?');
      }
      if (req.method !== 'POST') throw new OdooError('NotFound', 'Method Not Allowed');
      const auth = String(req.headers.authorization ?? '');
      const token = /^bearer\s+(.+)$/i.exec(auth)?.[1]?.trim();
      const dbHeader = req.headers['x-odoo-database'];
      if (dbHeader !== undefined && dbHeader !== this.cfg.db) {
        throw new OdooError('NotFound', `Database '${String(dbHeader)}' not found.`);
      }
      if (!authOk || token !== this.cfg.apiKey)
        throw new OdooError('Unauthorized', 'Invalid apikey');
      let payload: any;
      try {
        payload = body.length ? JSON.parse(body.toString('utf8')) : {};
      } catch {
        throw new OdooError('BadRequest', 'Invalid JSON data');
      }
      if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
        throw new OdooError('BadRequest', 'Invalid JSON data: expected an object');
      }
      const { ids, ...named } = payload;
      // JSON-2 replaces the context with the one sent (empty if omitted).
      const result = callMethod(this.store, {
        model: decodeURIComponent(m[1]),
        method: decodeURIComponent(m[2]),
        ids,
        kwargs: named,
        json2: true,
      });
      return { status: 200, contentType: JSON_CT, body: encodeJson(result) };
    } catch (err) {
      return this.errorReply('json2', asOdooError(err), '/json/2');
    }
  }

  private errorReply(
    transport: Transport,
    err: OdooError,
    path: string,
    _body?: Buffer,
    id: unknown = null,
  ): Reply {
    if (transport === 'xmlrpc') {
      if (path === '/xmlrpc/') return { status: 200, contentType: XML, body: legacyFault(err) };
      const code = err.xmlrpcCode;
      const text = code === 1 ? err.traceback() : err.message;
      return { status: 200, contentType: XML, body: encodeXmlRpcFaultResponse(code, text) };
    }
    if (transport === 'jsonrpc') {
      const isNotFound = err.kind === 'NotFound';
      const error = {
        code: isNotFound ? 404 : this.store.traits.json2 ? 0 : 200,
        message: isNotFound ? '404: Not Found' : 'Odoo Server Error',
        data: err.serialize() as unknown as OdooValue,
      };
      return {
        status: 200,
        contentType: JSON_CT,
        body: encodeJson({ jsonrpc: '2.0', id: id as OdooValue, error }),
      };
    }
    const s = err.serialize();
    return {
      status: err.status,
      contentType: JSON_CT,
      body: encodeJson({
        name: s.name,
        message: s.message,
        arguments: s.arguments as OdooValue,
        context: {},
        debug: s.debug,
      }),
    };
  }

  private versionInfoList(): OdooValue {
    return [this.store.version, 0, 0, 'final', 0, ''];
  }

  versionInfo(): OdooValue {
    const v = `${this.store.version}.0`;
    return {
      server_version: v,
      server_version_info: this.versionInfoList(),
      server_serie: v,
      protocol_version: 1,
    };
  }
}
