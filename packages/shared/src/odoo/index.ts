// Public surface of the Odoo client (packages/shared/src/odoo).
export {
  type CallOptions,
  createOdooClient,
  type FieldsGetOptions,
  type OdooClient,
  type OdooClientOptions,
  type OdooContext,
  type OdooDomain,
  type OdooFieldInfo,
  type OdooRecord,
  type ReadGroupOptions,
  type ReadOptions,
  type SearchOptions,
  type SearchReadOptions,
} from './client.ts';
export {
  ConfigError,
  loadOdooConfig,
  ODOO_CONFIG_DEFAULTS,
  type OdooConfig,
  type OdooProtocol,
} from './config.ts';
export * from './errors.ts';
export type { FetchLike } from './http.ts';
export { parseRetryAfter } from './http.ts';
export type { OdooGroup, ReadGroupSpec } from './read-group.ts';
export { redactUrl } from './redact.ts';
export { isRetriable } from './retry.ts';
export type { OdooRequestEvent, OdooVersion, RequestOptions } from './transport.ts';
export { Decoded } from './transport.ts';
export { XmlRpcDateTime } from './xmlrpc-datetime.ts';
export {
  decodeXmlRpcCall,
  decodeXmlRpcResponse,
  type XmlRpcCall,
  XmlRpcDecodeError,
  type XmlRpcResponse,
  type XmlRpcValue,
} from './xmlrpc-decode.ts';
export {
  encodeXmlRpcCall,
  encodeXmlRpcFault,
  encodeXmlRpcResponse,
  pythonFloatRepr,
} from './xmlrpc-encode.ts';
