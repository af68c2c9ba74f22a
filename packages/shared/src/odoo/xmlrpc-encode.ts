// XML-RPC encoder. Output is laid out byte for byte like CPython's `xmlrpc.client.dumps`
// (the marshaller on the Odoo side) so requests and test fixtures look like the real thing;
// where a JS value has no exact Python counterpart the choice is noted at the branch.
import { XmlRpcDateTime } from './xmlrpc-datetime.ts';

const HEADER = "<?xml version='1.0'?>\n";
const encoder = new TextEncoder();

/** `<methodCall>` for `methodName(...params)`, UTF-8 encoded. */
export function encodeXmlRpcCall(methodName: string, params: readonly unknown[]): Uint8Array {
  const out: string[] = [HEADER, '<methodCall>\n<methodName>', escapeText(methodName)];
  out.push('</methodName>\n<params>\n');
  for (const p of params) {
    out.push('<param>\n');
    writeValue(out, p, []);
    out.push('</param>\n');
  }
  out.push('</params>\n</methodCall>\n');
  return encoder.encode(out.join(''));
}

/** A successful `<methodResponse>` carrying one value (used by tests and fixtures). */
export function encodeXmlRpcResponse(value: unknown): Uint8Array {
  const out: string[] = [HEADER, '<methodResponse>\n<params>\n<param>\n'];
  writeValue(out, value, []);
  out.push('</param>\n</params>\n</methodResponse>\n');
  return encoder.encode(out.join(''));
}

/** A `<fault>` response, as Odoo sends for exceptions. */
export function encodeXmlRpcFault(faultCode: number | string, faultString: string): Uint8Array {
  const out: string[] = [HEADER, '<methodResponse>\n<fault>\n'];
  writeValue(out, { faultCode, faultString }, []);
  out.push('</fault>\n</methodResponse>\n');
  return encoder.encode(out.join(''));
}

// Characters XML 1.0 cannot carry at all, and unpaired surrogates (not encodable as UTF-8).
const UNSENDABLE =
  /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function escapeText(s: string): string {
  const bad = UNSENDABLE.exec(s);
  if (bad) {
    const cp = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new TypeError(`XML-RPC cannot carry the character U+${cp}`);
  }
  if (!/[&<>\r]/.test(s)) return s;
  // `\r` as a reference: a literal one would be read back as `\n` (XML end-of-line handling).
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('\r', '&#13;');
}

function writeValue(out: string[], v: unknown, path: object[]): void {
  switch (typeof v) {
    case 'string':
      out.push('<value><string>', escapeText(v), '</string></value>\n');
      return;
    case 'number':
      // JS has one number type: integral values travel as Python ints (ids, limits), the rest
      // as doubles. Beyond int32 CPython's unmarshaller still reads <i8> as an int.
      if (Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 && !Object.is(v, -0)) {
        out.push('<value><int>', String(v), '</int></value>\n');
      } else if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
        out.push('<value><i8>', String(v), '</i8></value>\n');
      } else {
        out.push('<value><double>', pythonFloatRepr(v), '</double></value>\n');
      }
      return;
    case 'bigint':
      out.push(
        v >= -2147483648n && v <= 2147483647n ? '<value><int>' : '<value><i8>',
        String(v),
        v >= -2147483648n && v <= 2147483647n ? '</int></value>\n' : '</i8></value>\n',
      );
      return;
    case 'boolean':
      out.push('<value><boolean>', v ? '1' : '0', '</boolean></value>\n');
      return;
    case 'undefined':
      out.push('<value><nil/></value>');
      return;
    case 'object':
      break;
    default:
      throw new TypeError(`cannot encode a ${typeof v} as XML-RPC`);
  }
  if (v === null) {
    // Odoo never sends nil, but its unmarshaller (CPython's `loads`) always accepts it.
    out.push('<value><nil/></value>');
    return;
  }
  if (v instanceof XmlRpcDateTime) {
    out.push('<value><dateTime.iso8601>', escapeText(v.value), '</dateTime.iso8601></value>\n');
    return;
  }
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new TypeError('cannot encode an invalid Date');
    const s = XmlRpcDateTime.fromDate(v).value;
    out.push('<value><dateTime.iso8601>', s, '</dateTime.iso8601></value>\n');
    return;
  }
  if (v instanceof Uint8Array || v instanceof ArrayBuffer) {
    const bytes = v instanceof ArrayBuffer ? new Uint8Array(v) : v;
    out.push('<value><base64>\n', base64Lines(bytes), '</base64></value>\n');
    return;
  }
  if (path.includes(v)) throw new TypeError('cannot encode a cyclic structure as XML-RPC');
  path.push(v);
  if (Array.isArray(v)) {
    out.push('<value><array><data>\n');
    for (const item of v) writeValue(out, item, path);
    out.push('</data></array></value>\n');
  } else {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(`cannot encode a ${proto?.constructor?.name ?? 'object'} as XML-RPC`);
    }
    out.push('<value><struct>\n');
    for (const [k, item] of Object.entries(v)) {
      if (item === undefined) continue; // like JSON.stringify: an absent option, not a None
      out.push('<member>\n<name>', escapeText(k), '</name>\n');
      writeValue(out, item, path);
      out.push('</member>\n');
    }
    out.push('</struct></value>\n');
  }
  path.pop();
}

// base64.encodebytes layout: 76-character lines, each ending with a newline.
function base64Lines(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]);
  }
  const b64 = btoa(bin);
  let out = '';
  for (let i = 0; i < b64.length; i += 76) out += `${b64.slice(i, i + 76)}\n`;
  return out;
}

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest digits that round-trip.
  const [mant, expText] = Math.abs(x).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  const decpt = exp + 1;
  if (decpt <= -4 || decpt > 16) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const e = Math.abs(exp);
    return `${sign}${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}
