// The Odoo client the sync engine uses: one interface whatever the wire protocol. It returns
// Odoo's raw values (`false` for empty, `[id, name]` for many2one, strings for dates).
import type { OdooConfig } from './config.ts';
import { OdooError, type OdooProtocolName } from './errors.ts';
import type { FetchLike } from './http.ts';
import { Json2Transport } from './json2-transport.ts';
import { JsonRpcTransport } from './jsonrpc-transport.ts';
import {
  checkReadGroupSpec,
  fromFormattedReadGroup,
  fromLegacyReadGroup,
  type OdooGroup,
  type ReadGroupSpec,
} from './read-group.ts';
import type {
  OdooRequestEvent,
  OdooTransport,
  OdooVersion,
  RequestOptions,
  RpcCall,
  TransportSettings,
} from './transport.ts';
import { XmlRpcTransport } from './xmlrpc-transport.ts';

/** Context keys the sync sets on every call (DESIGN §4.3); anything else passes through. */
export interface OdooContext {
  active_test?: boolean;
  lang?: string;
  allowed_company_ids?: number[];
  [key: string]: unknown;
}

/** An Odoo domain in prefix notation: `[['id', '>', 5], '|', ...]`. */
export type OdooDomain = unknown[];
export type OdooRecord = Record<string, unknown> & { id: number };

export interface CallOptions extends RequestOptions {
  /** Merged over the client's default context (`lang`, `allowed_company_ids`). */
  context?: OdooContext;
}

export interface SearchOptions extends CallOptions {
  offset?: number;
  limit?: number;
  order?: string;
}

export interface SearchReadOptions extends SearchOptions {
  fields?: string[];
  /** `''` gives bare ids for many2one fields instead of `[id, name]` (Odoo 16+). */
  load?: string;
}

export interface ReadOptions extends CallOptions {
  fields?: string[];
  load?: string;
}

export interface FieldsGetOptions extends CallOptions {
  attributes?: string[];
  allfields?: string[];
}

export interface ReadGroupOptions extends CallOptions, ReadGroupSpec {
  offset?: number;
  limit?: number;
  order?: string;
}

/** `fields_get` entry; only the attributes that were asked for are present. */
export interface OdooFieldInfo {
  type?: string;
  string?: string;
  store?: boolean;
  relation?: string;
  selection?: Array<[string, string]> | false;
  required?: boolean;
  readonly?: boolean;
  company_dependent?: boolean;
  [attribute: string]: unknown;
}

export interface OdooClient {
  /** The transport in use; `auto` is resolved by asking the server's version. */
  protocol(): Promise<OdooProtocolName>;
  version(opts?: RequestOptions): Promise<OdooVersion>;
  /** The uid of the configured credentials; OdooAuthError if they are refused. */
  authenticate(opts?: RequestOptions): Promise<number>;
  searchRead(model: string, domain: OdooDomain, opts?: SearchReadOptions): Promise<OdooRecord[]>;
  search(model: string, domain: OdooDomain, opts?: SearchOptions): Promise<number[]>;
  searchCount(
    model: string,
    domain: OdooDomain,
    opts?: CallOptions & { limit?: number },
  ): Promise<number>;
  read(model: string, ids: number[], opts?: ReadOptions): Promise<OdooRecord[]>;
  fieldsGet(model: string, opts?: FieldsGetOptions): Promise<Record<string, OdooFieldInfo>>;
  /** Grouped counts and aggregates; `read_group` up to 18, `formatted_read_group` from 19. */
  readGroup(model: string, domain: OdooDomain, opts: ReadGroupOptions): Promise<OdooGroup[]>;
  /**
   * Odoo's clock now, from the HTTP Date of its latest answer plus the time since; undefined
   * before any answer, or when its answers carry no Date.
   */
  serverNow(): Date | undefined;
  /** Any other ORM method, with named arguments (keyword arguments on XML-RPC/JSON-RPC). */
  call(
    model: string,
    method: string,
    args?: { ids?: number[]; kwargs?: Record<string, unknown> },
    opts?: CallOptions,
  ): Promise<unknown>;
}

export interface OdooClientOptions {
  /** Defaults to the global fetch. */
  fetch?: FetchLike;
  /** Called once per HTTP exchange; the event never holds credentials. */
  onRequest?: (e: OdooRequestEvent) => void;
  userAgent?: string;
}

export function createOdooClient(config: OdooConfig, options: OdooClientOptions = {}): OdooClient {
  return new Client(config, options);
}

class Client implements OdooClient {
  private readonly settings: TransportSettings;
  private transport?: Promise<OdooTransport>;
  private serverVersion?: Promise<OdooVersion>;

  constructor(
    private readonly config: OdooConfig,
    options: OdooClientOptions,
  ) {
    this.settings = {
      baseUrl: config.url.replace(/\/+$/, ''),
      db: config.db,
      username: config.username,
      apiKey: config.apiKey,
      timeoutMs: config.timeoutMs,
      maxResponseBytes: config.maxResponseBytes,
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      userAgent: options.userAgent ?? 'finanzas-agv-odoo-client/1',
      onRequest: (e) => {
        if (e.serverDate !== undefined) this.lastDate = { odoo: e.serverDate, at: Date.now() };
        options.onRequest?.(e);
      },
    };
  }

  private lastDate?: { odoo: number; at: number };

  serverNow(): Date | undefined {
    return this.lastDate && new Date(this.lastDate.odoo + (Date.now() - this.lastDate.at));
  }

  // The API key is in `config`; keep it out of console.log / util.inspect output.
  toJSON() {
    return { url: this.settings.baseUrl, db: this.config.db, protocol: this.config.protocol };
  }
  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `OdooClient(${this.settings.baseUrl}, db=${this.config.db}, ${this.config.protocol})`;
  }

  async protocol(): Promise<OdooProtocolName> {
    return (await this.getTransport()).protocol;
  }

  version(opts?: RequestOptions): Promise<OdooVersion> {
    if (!this.serverVersion) {
      const p = this.config.protocol === 'auto' ? this.detect(opts) : this.fixedVersion(opts);
      this.serverVersion = p;
      p.catch(() => {
        if (this.serverVersion === p) this.serverVersion = undefined;
      });
    }
    return this.serverVersion;
  }

  async authenticate(opts?: RequestOptions): Promise<number> {
    return (await this.getTransport(opts)).authenticate(opts);
  }

  async searchRead(
    model: string,
    domain: OdooDomain,
    opts: SearchReadOptions = {},
  ): Promise<OdooRecord[]> {
    const named = pick({
      fields: opts.fields,
      offset: opts.offset,
      limit: opts.limit,
      order: opts.order,
      load: opts.load,
    });
    return (await this.run(
      model,
      'search_read',
      [['domain', domain]],
      named,
      opts,
    )) as OdooRecord[];
  }

  async search(model: string, domain: OdooDomain, opts: SearchOptions = {}): Promise<number[]> {
    const named = pick({ offset: opts.offset, limit: opts.limit, order: opts.order });
    return (await this.run(model, 'search', [['domain', domain]], named, opts)) as number[];
  }

  async searchCount(
    model: string,
    domain: OdooDomain,
    opts: CallOptions & { limit?: number } = {},
  ): Promise<number> {
    const named = pick({ limit: opts.limit });
    return (await this.run(model, 'search_count', [['domain', domain]], named, opts)) as number;
  }

  async read(model: string, ids: number[], opts: ReadOptions = {}): Promise<OdooRecord[]> {
    const named = pick({ fields: opts.fields, load: opts.load });
    return (await this.run(model, 'read', [], named, opts, ids)) as OdooRecord[];
  }

  async fieldsGet(
    model: string,
    opts: FieldsGetOptions = {},
  ): Promise<Record<string, OdooFieldInfo>> {
    const named = pick({ allfields: opts.allfields, attributes: opts.attributes });
    return (await this.run(model, 'fields_get', [], named, opts)) as Record<string, OdooFieldInfo>;
  }

  async readGroup(model: string, domain: OdooDomain, opts: ReadGroupOptions): Promise<OdooGroup[]> {
    const spec: ReadGroupSpec = { groupBy: opts.groupBy, aggregates: opts.aggregates };
    checkReadGroupSpec(spec);
    const { major } = await this.version(opts);
    if (major >= 19) {
      const named = pick({
        groupby: spec.groupBy,
        aggregates: [...spec.aggregates, '__count'],
        offset: opts.offset,
        limit: opts.limit,
        order: opts.order,
      });
      const rows = await this.run(model, 'formatted_read_group', [['domain', domain]], named, opts);
      return fromFormattedReadGroup(rows, spec);
    }
    const positional: Array<[string, unknown]> = [
      ['domain', domain],
      ['fields', spec.aggregates],
      ['groupby', spec.groupBy],
    ];
    const named = pick({
      offset: opts.offset,
      limit: opts.limit,
      orderby: opts.order,
      lazy: false,
    });
    const rows = await this.run(model, 'read_group', positional, named, opts);
    return fromLegacyReadGroup(rows, spec);
  }

  async call(
    model: string,
    method: string,
    args: { ids?: number[]; kwargs?: Record<string, unknown> } = {},
    opts: CallOptions = {},
  ): Promise<unknown> {
    return this.run(model, method, [], args.kwargs ?? {}, opts, args.ids);
  }

  private async run(
    model: string,
    method: string,
    positional: Array<[string, unknown]>,
    named: Record<string, unknown>,
    opts: CallOptions,
    ids?: number[],
  ): Promise<unknown> {
    // Finding the transport may ask Odoo for its version: not an answer for opts.decodeBody.
    const t = await this.getTransport({ signal: opts.signal, timeoutMs: opts.timeoutMs });
    const call: RpcCall = {
      model,
      method,
      ids,
      positional,
      named,
      context: this.context(opts.context),
    };
    return t.call(call, opts);
  }

  private context(extra?: OdooContext): Record<string, unknown> {
    const base: Record<string, unknown> = { lang: this.config.lang };
    if (this.config.companyIds) base.allowed_company_ids = this.config.companyIds;
    return extra ? { ...base, ...extra } : base;
  }

  private getTransport(opts?: RequestOptions): Promise<OdooTransport> {
    if (!this.transport) {
      const p = this.resolveTransport(opts);
      this.transport = p;
      p.catch(() => {
        if (this.transport === p) this.transport = undefined;
      });
    }
    return this.transport;
  }

  private async resolveTransport(opts?: RequestOptions): Promise<OdooTransport> {
    const p = this.config.protocol;
    if (p === 'json2') return new Json2Transport(this.settings);
    if (p === 'jsonrpc') return new JsonRpcTransport(this.settings);
    if (p === 'xmlrpc') return new XmlRpcTransport(this.settings);
    const { major } = await this.version(opts);
    return major >= 19 ? new Json2Transport(this.settings) : new JsonRpcTransport(this.settings);
  }

  private async fixedVersion(opts?: RequestOptions): Promise<OdooVersion> {
    return (await this.getTransport(opts)).version(opts);
  }

  // `auto`: JSON-RPC `common.version` answers on every version from 8 to 21; `/web/version`
  // (19+) is the fallback for servers where the RPC endpoints are gone or gated.
  private async detect(opts?: RequestOptions): Promise<OdooVersion> {
    try {
      return await new JsonRpcTransport(this.settings).version(opts);
    } catch (e) {
      if (!(e instanceof OdooError) || e.retriable) throw e;
      try {
        return await new Json2Transport(this.settings).version(opts);
      } catch {
        throw e;
      }
    }
  }
}

function pick(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}
