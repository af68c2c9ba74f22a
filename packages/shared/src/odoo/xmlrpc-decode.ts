// XML-RPC decoder that works on the response bytes (reference/xmlrpc-decode-measurements.md):
// - turning a 50 MB body into one string costs CPU and doubles its size, and substrings sliced
//   from it keep all of it alive; so only leaf text is decoded, straight from the bytes;
// - short strings repeat (field names, dates, partner names): one string per distinct value;
// - records share their keys: each is cloned from a template object of the same shape, so
//   V8 gives them one hidden class instead of dictionary-mode property bags.
// It accepts what CPython's `xmlrpc.client.loads` (the marshaller Odoo uses) accepts and returns
// the same values, except that a DOCTYPE is refused (entity expansion is an attack surface).
import { XmlRpcDateTime } from './xmlrpc-datetime.ts';

export type XmlRpcValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | XmlRpcDateTime
  | Uint8Array
  | XmlRpcValue[]
  | { [key: string]: XmlRpcValue };

export type XmlRpcResponse =
  | { fault: false; value: XmlRpcValue }
  | { fault: true; faultCode: XmlRpcValue; faultString: string };

export interface XmlRpcCall {
  methodName: string;
  params: XmlRpcValue[];
}

export class XmlRpcDecodeError extends Error {
  /** True when the input ended before the document did (a cut connection, a size cap). */
  readonly truncated: boolean;
  readonly offset: number;
  constructor(message: string, offset: number, truncated = false) {
    super(`${message} (at byte ${offset})`);
    this.name = 'XmlRpcDecodeError';
    this.offset = offset;
    this.truncated = truncated;
  }
}

export function decodeXmlRpcResponse(body: Uint8Array): XmlRpcResponse {
  return new Decoder(body).response();
}

export function decodeXmlRpcCall(body: Uint8Array): XmlRpcCall {
  return new Decoder(body).call();
}

// Tag identities (namespace prefixes such as `ex:` are dropped, as CPython does).
const T_OTHER = 0;
const T_VALUE = 1;
const T_STRING = 2;
const T_INT = 3;
const T_DOUBLE = 4;
const T_BOOLEAN = 5;
const T_DATETIME = 6;
const T_BASE64 = 7;
const T_NIL = 8;
const T_ARRAY = 9;
const T_DATA = 10;
const T_STRUCT = 11;
const T_MEMBER = 12;
const T_NAME = 13;
const T_PARAMS = 14;
const T_PARAM = 15;
const T_FAULT = 16;
const T_METHOD_RESPONSE = 17;
const T_METHOD_CALL = 18;
const T_METHOD_NAME = 19;
const T_BIGDECIMAL = 20;

const TAGS: Array<[string, number]> = [
  ['value', T_VALUE],
  ['string', T_STRING],
  ['int', T_INT],
  ['i1', T_INT],
  ['i2', T_INT],
  ['i4', T_INT],
  ['i8', T_INT],
  ['biginteger', T_INT],
  ['double', T_DOUBLE],
  ['float', T_DOUBLE],
  ['bigdecimal', T_BIGDECIMAL],
  ['boolean', T_BOOLEAN],
  ['dateTime.iso8601', T_DATETIME],
  ['base64', T_BASE64],
  ['nil', T_NIL],
  ['array', T_ARRAY],
  ['data', T_DATA],
  ['struct', T_STRUCT],
  ['member', T_MEMBER],
  ['name', T_NAME],
  ['params', T_PARAMS],
  ['param', T_PARAM],
  ['fault', T_FAULT],
  ['methodResponse', T_METHOD_RESPONSE],
  ['methodCall', T_METHOD_CALL],
  ['methodName', T_METHOD_NAME],
];
// Indexed by name length, then by first byte: a tag is identified with one or two compares.
const TAG_TABLE: Array<Array<[Uint8Array, number]>> = [];
for (const [name, id] of TAGS) {
  const bytes = new Uint8Array(name.length);
  for (let i = 0; i < name.length; i++) bytes[i] = name.charCodeAt(i);
  const row = TAG_TABLE[name.length] ?? [];
  row.push([bytes, id]);
  TAG_TABLE[name.length] = row;
}

// Leaf scan flags.
const F_AMP = 1;
const F_CR = 2;
const F_HIGH = 4;
const F_COMPLEX = 8; // comments, CDATA or processing instructions inside the text

const MAX_DEPTH = 200;
const CACHE_MAX_LEN = 48;
const CACHE_SLOTS = 4096; // power of two
// Structs with more members than this are built from a shared template (see buildStruct).
const TEMPLATE_MIN_KEYS = 8;
const MAX_SHAPES = 32;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// For ascii(): the same text on 7-bit bytes; on others (a tag name or declaration quoted in an
// error message) it must not throw a TypeError in place of the decoder's own error.
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });

interface Shape {
  keys: string[];
  template: Record<string, XmlRpcValue>;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

class Decoder {
  private readonly b: Uint8Array;
  private readonly n: number;
  private p = 0;
  private depth = 0;
  private latin1 = false;
  // Set by openTag: whether it was `<x/>`, and the raw name bytes (to match the close tag).
  private selfClose = false;
  private nameStart = 0;
  private nameEnd = 0;
  // Set by scanLeaf: the raw text range of a simple leaf, or the decoded text of a complex one.
  private ls = 0;
  private le = 0;
  private leafText = '';
  // Direct-mapped caches keyed by the raw bytes (verified against this body's bytes).
  private readonly strStart = new Int32Array(CACHE_SLOTS);
  private readonly strLen = new Int32Array(CACHE_SLOTS).fill(-1);
  private readonly strVal: string[] = new Array(CACHE_SLOTS);
  private readonly numStart = new Int32Array(CACHE_SLOTS);
  private readonly numLen = new Int32Array(CACHE_SLOTS).fill(-1);
  private readonly numVal = new Float64Array(CACHE_SLOTS);
  // Member keys and values of the structs being built, innermost last.
  private keyStack: string[] = [];
  private valStack: XmlRpcValue[] = [];
  private top = 0;
  private shapes: Shape[] = [];

  constructor(body: Uint8Array) {
    this.b = body;
    this.n = body.length;
  }

  // ---------------------------------------------------------------- documents

  response(): XmlRpcResponse {
    this.prolog();
    const root = this.expectOpen(T_METHOD_RESPONSE, 'methodResponse');
    const [rs, re] = root;
    this.skipMisc();
    let out: XmlRpcResponse;
    const tag = this.openTag();
    if (tag === T_PARAMS) {
      const params = this.params();
      if (params.length !== 1)
        this.fail(`a response needs exactly one param, got ${params.length}`);
      out = { fault: false, value: params[0] };
    } else if (tag === T_FAULT) {
      if (this.selfClose) this.fail('empty <fault>');
      const [fs, fe] = [this.nameStart, this.nameEnd];
      this.skipMisc();
      this.expectOpen(T_VALUE, 'value');
      const v = this.value();
      this.skipMisc();
      this.closeTag(fs, fe);
      out = this.fault(v);
    } else {
      return this.fail('expected <params> or <fault>');
    }
    this.skipMisc();
    this.closeTag(rs, re);
    this.epilog();
    return out;
  }

  call(): XmlRpcCall {
    this.prolog();
    const [rs, re] = this.expectOpen(T_METHOD_CALL, 'methodCall');
    this.skipMisc();
    const [ns, ne] = this.expectOpen(T_METHOD_NAME, 'methodName');
    const methodName = this.selfClose ? '' : this.leafString();
    if (!this.selfClose) this.closeTag(ns, ne);
    this.skipMisc();
    let params: XmlRpcValue[] = [];
    if (!this.atCloseTag()) {
      this.expectOpen(T_PARAMS, 'params');
      params = this.params();
      this.skipMisc();
    }
    this.closeTag(rs, re);
    this.epilog();
    return { methodName, params };
  }

  private params(): XmlRpcValue[] {
    const out: XmlRpcValue[] = [];
    if (this.selfClose) return out;
    const [ps, pe] = [this.nameStart, this.nameEnd];
    for (;;) {
      this.skipMisc();
      if (this.atCloseTag()) break;
      const [s, e] = this.expectOpen(T_PARAM, 'param');
      if (this.selfClose) continue;
      this.skipMisc();
      this.expectOpen(T_VALUE, 'value');
      out.push(this.value());
      this.skipMisc();
      this.closeTag(s, e);
    }
    this.closeTag(ps, pe);
    return out;
  }

  private fault(v: XmlRpcValue): XmlRpcResponse {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) {
      return this.fail('<fault> must hold a struct');
    }
    if (v instanceof XmlRpcDateTime) return this.fail('<fault> must hold a struct');
    const keys = Object.keys(v);
    if (keys.length !== 2 || !Object.hasOwn(v, 'faultCode') || !Object.hasOwn(v, 'faultString')) {
      return this.fail('<fault> struct must have exactly faultCode and faultString');
    }
    const s = v.faultString;
    return {
      fault: true,
      faultCode: v.faultCode,
      faultString: typeof s === 'string' ? s : String(s),
    };
  }

  // Skips a BOM, the XML declaration (reading its encoding), comments and PIs; refuses DTDs.
  private prolog(): void {
    const b = this.b;
    if (this.n >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) this.p = 3;
    if (this.startsWith(this.p, '<?xml') && isSpaceOrEnd(b[this.p + 5])) {
      const end = this.indexOfSeq(this.p, '?>');
      if (end < 0) this.truncated('unterminated XML declaration');
      const decl = this.ascii(this.p, end);
      const m = /encoding\s*=\s*["']([^"']*)["']/.exec(decl);
      if (m) {
        const enc = m[1].toLowerCase();
        if (enc === 'iso-8859-1' || enc === 'latin-1' || enc === 'latin1') this.latin1 = true;
        else if (enc !== 'utf-8' && enc !== 'utf8' && enc !== 'us-ascii' && enc !== 'ascii') {
          this.fail(`unsupported encoding ${m[1]}`);
        }
      }
      this.p = end + 2;
    }
    for (;;) {
      this.skipMisc();
      if (this.startsWith(this.p, '<!DOCTYPE') || this.startsWith(this.p, '<!doctype')) {
        this.fail('DOCTYPE is not allowed in XML-RPC');
      }
      if (this.p >= this.n) this.truncated('no root element');
      if (b[this.p] !== 0x3c) this.fail('text before the root element');
      return;
    }
  }

  private epilog(): void {
    this.skipMisc();
    if (this.p < this.n) this.fail('content after the root element');
  }

  // ---------------------------------------------------------------- values

  // Called right after `<value>` (or `<value/>`) was consumed; consumes through `</value>`.
  private value(): XmlRpcValue {
    if (this.selfClose) return '';
    const vs = this.nameStart;
    const ve = this.nameEnd;
    const b = this.b;
    const n = this.n;
    const start = this.p;
    let p = start;
    let cr = false;
    while (p < n) {
      const c = b[p];
      if (c === 0x20 || c === 0x0a || c === 0x09) p++;
      else if (c === 0x0d) {
        cr = true;
        p++;
      } else break;
    }
    if (p >= n) return this.truncated('unterminated <value>');
    let v: XmlRpcValue;
    if (b[p] === 0x3c && b[p + 1] !== 0x21 && b[p + 1] !== 0x3f) {
      this.p = p;
      if (b[p + 1] === 0x2f) {
        // `<value>   </value>`: an untyped string made of whitespace only.
        v = start === p ? '' : this.text(start, p, cr ? F_CR : 0);
      } else {
        v = this.typed(this.openTag());
        this.skipMisc();
      }
    } else {
      // Text, comments or CDATA first: either an untyped string or junk before a type tag,
      // which CPython ignores.
      this.p = start;
      const t = this.mixedText(true);
      if (t === null) {
        v = this.typed(this.openTag());
        this.skipMisc();
      } else {
        v = t;
      }
    }
    this.closeTag(vs, ve);
    return v;
  }

  private typed(tag: number): XmlRpcValue {
    switch (tag) {
      case T_STRING:
        return this.selfClose ? '' : this.closeLeaf(this.leafString());
      case T_INT:
        return this.intValue();
      case T_DOUBLE:
        return this.doubleValue();
      case T_STRUCT:
        return this.struct();
      case T_ARRAY:
        return this.array();
      case T_BOOLEAN:
        return this.booleanValue();
      case T_NIL:
        if (!this.selfClose) {
          this.scanLeaf();
          this.closeTag(this.nameStart, this.nameEnd);
        }
        return null;
      case T_DATETIME: {
        const s = this.selfClose ? '' : this.closeLeaf(this.leafString());
        return new XmlRpcDateTime(s.trim());
      }
      case T_BASE64: {
        const s = this.selfClose ? '' : this.closeLeaf(this.leafString());
        return decodeBase64(s, this);
      }
      case T_BIGDECIMAL: {
        const s = this.selfClose ? '' : this.closeLeaf(this.leafString());
        return this.parseDoubleText(s);
      }
      default:
        return this.fail(`unknown type tag <${this.ascii(this.nameStart, this.nameEnd)}>`);
    }
  }

  private closeLeaf<T>(v: T): T {
    this.closeTag(this.nameStart, this.nameEnd);
    return v;
  }

  private struct(): XmlRpcValue {
    if (this.selfClose) return {};
    if (++this.depth > MAX_DEPTH) this.fail('nesting too deep');
    const [ss, se] = [this.nameStart, this.nameEnd];
    const base = this.top;
    for (;;) {
      this.skipMisc();
      if (this.atCloseTag()) break;
      const [ms, me] = this.expectOpen(T_MEMBER, 'member');
      if (this.selfClose) this.fail('empty <member>');
      this.skipMisc();
      const [ns, ne] = this.expectOpen(T_NAME, 'name');
      let key = '';
      if (!this.selfClose) {
        key = this.leafString();
        this.closeTag(ns, ne);
      }
      this.skipMisc();
      this.expectOpen(T_VALUE, 'value');
      const v = this.value();
      this.skipMisc();
      this.closeTag(ms, me);
      const t = this.top++;
      this.keyStack[t] = key;
      this.valStack[t] = v;
    }
    this.closeTag(ss, se);
    const obj = this.buildStruct(base, this.top);
    this.top = base;
    this.depth--;
    return obj;
  }

  private buildStruct(from: number, to: number): Record<string, XmlRpcValue> {
    const count = to - from;
    const keys = this.keyStack;
    const vals = this.valStack;
    if (count < TEMPLATE_MIN_KEYS) {
      const o: Record<string, XmlRpcValue> = {};
      for (let i = from; i < to; i++) setOwn(o, keys[i], vals[i]);
      return o;
    }
    const shape = this.shapeOf(from, count);
    const o = { ...shape.template };
    // Every key is already an own data property, so these stores (even `__proto__`) neither
    // change the object's shape nor reach Object.prototype.
    for (let i = from; i < to; i++) o[keys[i]] = vals[i];
    return o;
  }

  private shapeOf(from: number, count: number): Shape {
    const keys = this.keyStack;
    const shapes = this.shapes;
    for (let s = 0; s < shapes.length; s++) {
      const sk = shapes[s].keys;
      if (sk.length !== count) continue;
      let same = true;
      for (let i = 0; i < count; i++) {
        if (sk[i] !== keys[from + i]) {
          same = false;
          break;
        }
      }
      if (same) {
        if (s > 0) {
          // Most recently used first: a page is one shape repeated.
          const hit = shapes[s];
          shapes.splice(s, 1);
          shapes.unshift(hit);
        }
        return shapes[0];
      }
    }
    const sk = keys.slice(from, from + count);
    const shape: Shape = {
      keys: sk,
      template: Object.fromEntries(sk.map((k) => [k, null])) as Record<string, XmlRpcValue>,
    };
    shapes.unshift(shape);
    if (shapes.length > MAX_SHAPES) shapes.pop();
    return shape;
  }

  private array(): XmlRpcValue[] {
    if (this.selfClose) return [];
    if (++this.depth > MAX_DEPTH) this.fail('nesting too deep');
    const [as, ae] = [this.nameStart, this.nameEnd];
    // Items go through the shared stack so the array is allocated once at its exact length
    // (push() would leave growth slack in every many2one pair).
    const base = this.top;
    this.skipMisc();
    if (!this.atCloseTag()) {
      const [ds, de] = this.expectOpen(T_DATA, 'data');
      if (!this.selfClose) {
        for (;;) {
          this.skipMisc();
          if (this.atCloseTag()) break;
          this.expectOpen(T_VALUE, 'value');
          const v = this.value();
          this.valStack[this.top++] = v;
        }
        this.closeTag(ds, de);
      }
      this.skipMisc();
    }
    this.closeTag(as, ae);
    const out = this.valStack.slice(base, this.top);
    this.top = base;
    this.depth--;
    return out;
  }

  private intValue(): number | bigint {
    if (this.selfClose) return this.fail('empty integer');
    const f = this.scanLeaf();
    let v: number | bigint;
    if (f === 0) {
      const b = this.b;
      let p = this.ls;
      let e = this.le;
      while (p < e && isSpace(b[p])) p++;
      while (e > p && isSpace(b[e - 1])) e--;
      let neg = false;
      if (b[p] === 0x2d || b[p] === 0x2b) {
        neg = b[p] === 0x2d;
        p++;
      }
      let acc = 0;
      const digits = e - p;
      let ok = digits > 0 && digits <= 15;
      for (let i = p; ok && i < e; i++) {
        const d = b[i] - 0x30;
        if (d < 0 || d > 9) ok = false;
        else acc = acc * 10 + d;
      }
      v = ok ? (neg ? -acc : acc) : this.parseIntText(this.ascii(this.ls, this.le));
    } else {
      v = this.parseIntText(f === F_COMPLEX ? this.leafText : this.text(this.ls, this.le, f));
    }
    this.closeTag(this.nameStart, this.nameEnd);
    return v;
  }

  private parseIntText(s: string): number | bigint {
    // int() in Python: surrounding whitespace, a sign, digits with single underscores.
    const m = /^\s*([+-]?)(\d+(?:_\d+)*)\s*$/.exec(s);
    if (!m) return this.fail(`invalid integer ${JSON.stringify(s.slice(0, 40))}`);
    const digits = m[2].replaceAll('_', '');
    const big = BigInt(m[1] === '-' ? `-${digits}` : digits);
    const num = Number(big);
    return Number.isSafeInteger(num) ? num : big;
  }

  private doubleValue(): number {
    if (this.selfClose) return this.fail('empty double');
    const f = this.scanLeaf();
    let v: number;
    if (f === 0) v = this.rawDouble(this.ls, this.le);
    else v = this.parseDoubleText(f === F_COMPLEX ? this.leafText : this.text(this.ls, this.le, f));
    this.closeTag(this.nameStart, this.nameEnd);
    return v;
  }

  private rawDouble(s: number, e: number): number {
    const b = this.b;
    const len = e - s;
    let plain = len > 0 && len <= CACHE_MAX_LEN;
    let h = 0x811c9dc5;
    for (let i = s; plain && i < e; i++) {
      const c = b[i];
      // Digits, sign, dot, exponent: the only bytes for which JS Number() and Python float()
      // agree on what is valid (no whitespace, underscores, hex, "inf").
      if (
        (c >= 0x30 && c <= 0x39) ||
        c === 0x2e ||
        c === 0x2d ||
        c === 0x2b ||
        (c | 0x20) === 0x65
      ) {
        h = Math.imul(h ^ c, 0x01000193);
      } else plain = false;
    }
    if (!plain) return this.parseDoubleText(this.ascii(s, e));
    const slot = (h ^ (h >>> 15)) & (CACHE_SLOTS - 1);
    if (this.numLen[slot] === len && this.sameBytes(this.numStart[slot], s, len)) {
      return this.numVal[slot];
    }
    const v = Number(this.ascii(s, e));
    if (Number.isNaN(v)) return this.parseDoubleText(this.ascii(s, e));
    this.numStart[slot] = s;
    this.numLen[slot] = len;
    this.numVal[slot] = v;
    return v;
  }

  private parseDoubleText(raw: string): number {
    const s = raw.trim();
    const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
    if (special) {
      if (special[2].toLowerCase() === 'nan') return Number.NaN;
      return special[1] === '-' ? -Infinity : Infinity;
    }
    if (
      /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/.test(s)
    ) {
      return Number(s.replaceAll('_', ''));
    }
    return this.fail(`invalid double ${JSON.stringify(raw.slice(0, 40))}`);
  }

  private booleanValue(): boolean {
    if (this.selfClose) return this.fail('bad boolean value');
    const f = this.scanLeaf();
    let v: boolean;
    if (
      f === 0 &&
      this.le - this.ls === 1 &&
      (this.b[this.ls] === 0x30 || this.b[this.ls] === 0x31)
    ) {
      v = this.b[this.ls] === 0x31;
    } else {
      const s = f === F_COMPLEX ? this.leafText : this.text(this.ls, this.le, f);
      if (s !== '0' && s !== '1') return this.fail('bad boolean value');
      v = s === '1';
    }
    this.closeTag(this.nameStart, this.nameEnd);
    return v;
  }

  // ---------------------------------------------------------------- text

  // Text of a leaf element whose open tag was just consumed (close tag not consumed).
  private leafString(): string {
    const f = this.scanLeaf();
    if (f === F_COMPLEX) return this.leafText;
    return this.text(this.ls, this.le, f);
  }

  // Scans to the next `<`. Simple text returns its flags with the range in ls/le; text with
  // comments, CDATA or PIs is decoded into leafText and returns F_COMPLEX. Leaves `p` on `</`.
  private scanLeaf(): number {
    const b = this.b;
    const n = this.n;
    const s = this.p;
    let p = s;
    let f = 0;
    for (;;) {
      if (p >= n) return this.truncated('unterminated text');
      const c = b[p];
      if (c < 0x3d) {
        if (c === 0x3c) break;
        if (c === 0x26) f |= F_AMP;
        else if (c === 0x0d) f |= F_CR;
        else if (c < 0x20 && c !== 0x09 && c !== 0x0a) this.failAt(p, 'control character in text');
      } else if (c >= 0x80) f |= F_HIGH;
      p++;
    }
    if (p + 1 < n && b[p + 1] === 0x2f) {
      this.ls = s;
      this.le = p;
      this.p = p;
      return f;
    }
    this.p = s;
    const t = this.mixedText(false);
    this.leafText = t ?? '';
    return F_COMPLEX;
  }

  // Text made of character data, CDATA sections, comments and PIs, up to a close tag (`p` left
  // on it). On a start tag: returns null with `p` on it if allowed, else fails.
  private mixedText(allowStartTag: boolean): string | null {
    const b = this.b;
    const n = this.n;
    const parts: string[] = [];
    let p = this.p;
    for (;;) {
      const s = p;
      let f = 0;
      for (;;) {
        if (p >= n) return this.truncated('unterminated text');
        const c = b[p];
        if (c === 0x3c) break;
        if (c === 0x26) f |= F_AMP;
        else if (c === 0x0d) f |= F_CR;
        else if (c >= 0x80) f |= F_HIGH;
        else if (c < 0x20 && c !== 0x09 && c !== 0x0a) this.failAt(p, 'control character in text');
        p++;
      }
      if (p > s) parts.push(this.text(s, p, f));
      if (p + 1 >= n) return this.truncated('unterminated text');
      const c1 = b[p + 1];
      if (c1 === 0x2f) break;
      if (this.startsWith(p, '<!--')) {
        p = this.skipComment(p);
      } else if (this.startsWith(p, '<![CDATA[')) {
        const end = this.indexOfSeq(p + 9, ']]>');
        if (end < 0) return this.truncated('unterminated CDATA section');
        parts.push(this.cdata(p + 9, end));
        p = end + 3;
      } else if (c1 === 0x3f) {
        p = this.skipPI(p);
      } else if (c1 === 0x21) {
        return this.failAt(p, 'unexpected markup declaration');
      } else {
        if (!allowStartTag) return this.failAt(p, 'unexpected element inside a text value');
        this.p = p;
        return null;
      }
    }
    this.p = p;
    return parts.length === 1 ? parts[0] : parts.join('');
  }

  // Decodes raw character data (entities, CR normalisation) with the flags from a scan.
  private text(s: number, e: number, f: number): string {
    if (f === 0) return this.cachedAscii(s, e);
    if (f === F_HIGH) return this.cachedHigh(s, e);
    return this.slowText(s, e, true);
  }

  private cdata(s: number, e: number): string {
    return this.slowText(s, e, false);
  }

  private slowText(s: number, e: number, entities: boolean): string {
    const b = this.b;
    let out = '';
    let i = s;
    let run = s;
    while (i < e) {
      const c = b[i];
      if (c === 0x0d) {
        out += this.chunk(run, i) + '\n';
        i += b[i + 1] === 0x0a && i + 1 < e ? 2 : 1;
        run = i;
      } else if (c === 0x26 && entities) {
        out += this.chunk(run, i);
        const semi = b.indexOf(0x3b, i);
        if (semi < 0 || semi >= e) this.failAt(i, 'unterminated entity reference');
        out += this.entity(i + 1, semi);
        i = semi + 1;
        run = i;
      } else {
        i++;
      }
    }
    return out + this.chunk(run, e);
  }

  private entity(s: number, e: number): string {
    const b = this.b;
    if (b[s] === 0x23) {
      const hex = b[s + 1] === 0x78;
      const digits = this.ascii(hex ? s + 2 : s + 1, e);
      if (hex ? !/^[0-9a-fA-F]+$/.test(digits) : !/^[0-9]+$/.test(digits)) {
        return this.failAt(s, 'invalid character reference');
      }
      const cp = Number.parseInt(digits, hex ? 16 : 10);
      if (digits.length > 8 || !isXmlChar(cp))
        return this.failAt(s, 'reference to invalid character');
      return String.fromCodePoint(cp);
    }
    switch (this.ascii(s, e)) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return this.failAt(s, 'undefined entity');
    }
  }

  private chunk(s: number, e: number): string {
    if (s === e) return '';
    for (let i = s; i < e; i++) if (this.b[i] >= 0x80) return this.high(s, e);
    return this.ascii(s, e);
  }

  private cachedAscii(s: number, e: number): string {
    const len = e - s;
    if (len === 0) return '';
    if (len > CACHE_MAX_LEN) return this.ascii(s, e);
    const slot = this.slotOf(s, e);
    if (this.strLen[slot] === len && this.sameBytes(this.strStart[slot], s, len)) {
      return this.strVal[slot];
    }
    const v = this.ascii(s, e);
    this.strStart[slot] = s;
    this.strLen[slot] = len;
    this.strVal[slot] = v;
    return v;
  }

  private cachedHigh(s: number, e: number): string {
    const len = e - s;
    if (len > CACHE_MAX_LEN) return this.high(s, e);
    const slot = this.slotOf(s, e);
    if (this.strLen[slot] === len && this.sameBytes(this.strStart[slot], s, len)) {
      return this.strVal[slot];
    }
    const v = this.high(s, e);
    this.strStart[slot] = s;
    this.strLen[slot] = len;
    this.strVal[slot] = v;
    return v;
  }

  private slotOf(s: number, e: number): number {
    const b = this.b;
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
    return (h ^ (h >>> 15)) & (CACHE_SLOTS - 1);
  }

  private sameBytes(a: number, s: number, len: number): boolean {
    const b = this.b;
    for (let i = 0; i < len; i++) if (b[a + i] !== b[s + i]) return false;
    return true;
  }

  // A fresh (unsliced) string for 7-bit bytes.
  private ascii(s: number, e: number): string {
    const b = this.b;
    const len = e - s;
    if (len <= 16) {
      let out = '';
      for (let i = s; i < e; i++) out += String.fromCharCode(b[i]);
      return out;
    }
    if (len <= 1024)
      return String.fromCharCode.apply(null, b.subarray(s, e) as unknown as number[]);
    return lenient.decode(b.subarray(s, e));
  }

  private high(s: number, e: number): string {
    if (this.latin1) {
      let out = '';
      for (let i = s; i < e; i++) out += String.fromCharCode(this.b[i]);
      return out;
    }
    try {
      return utf8.decode(this.b.subarray(s, e));
    } catch {
      // A cut inside a multi-byte character at the very end means the body was truncated.
      return this.failAt(s, 'invalid UTF-8');
    }
  }

  // ---------------------------------------------------------------- tags

  private openTag(): number {
    const b = this.b;
    const n = this.n;
    let p = this.p;
    if (p >= n) return this.truncated('expected a tag');
    if (b[p] !== 0x3c) return this.failAt(p, 'expected a tag');
    p++;
    const s = p;
    let local = p;
    for (;;) {
      if (p >= n) return this.truncated('unterminated tag');
      const c = b[p];
      if (c === 0x3e || c === 0x2f || c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) break;
      if (c === 0x3a) local = p + 1;
      p++;
    }
    if (p === s) return this.failAt(p, 'expected a tag name');
    const e = p;
    if (b[p] !== 0x3e && b[p] !== 0x2f) p = this.skipAttributes(p);
    if (b[p] === 0x2f) {
      if (p + 1 >= n) return this.truncated('unterminated tag');
      if (b[p + 1] !== 0x3e) return this.failAt(p, 'malformed tag');
      this.selfClose = true;
      p += 2;
    } else {
      this.selfClose = false;
      p++;
    }
    this.p = p;
    this.nameStart = s;
    this.nameEnd = e;
    return this.identify(local, e);
  }

  private identify(s: number, e: number): number {
    const row = TAG_TABLE[e - s];
    if (row === undefined) return T_OTHER;
    const b = this.b;
    outer: for (let r = 0; r < row.length; r++) {
      const [name, id] = row[r];
      for (let i = 0; i < name.length; i++) if (b[s + i] !== name[i]) continue outer;
      return id;
    }
    return T_OTHER;
  }

  // Attributes are allowed (and ignored, as by CPython); quoted values may contain `>`.
  private skipAttributes(p: number): number {
    const b = this.b;
    const n = this.n;
    while (p < n) {
      const c = b[p];
      if (c === 0x3e) return p;
      if (c === 0x2f && b[p + 1] === 0x3e) return p;
      if (c === 0x22 || c === 0x27) {
        const close = b.indexOf(c, p + 1);
        if (close < 0) break;
        p = close + 1;
      } else p++;
    }
    return this.truncated('unterminated tag');
  }

  private expectOpen(tag: number, what: string): [number, number] {
    if (this.openTag() !== tag) {
      this.failAt(this.nameStart - 1, `expected <${what}>`);
    }
    return [this.nameStart, this.nameEnd];
  }

  private atCloseTag(): boolean {
    if (this.p + 1 >= this.n) this.truncated('unterminated element');
    return this.b[this.p] === 0x3c && this.b[this.p + 1] === 0x2f;
  }

  // Consumes `</name>` where name must be byte-identical to the open tag's name.
  private closeTag(s: number, e: number): void {
    const b = this.b;
    const n = this.n;
    let p = this.p;
    const len = e - s;
    if (p + len + 3 > n) this.truncated('unterminated element');
    if (b[p] !== 0x3c || b[p + 1] !== 0x2f) this.failAt(p, `expected </${this.ascii(s, e)}>`);
    p += 2;
    for (let i = 0; i < len; i++) {
      if (b[p + i] !== b[s + i]) this.failAt(p, `expected </${this.ascii(s, e)}>`);
    }
    p += len;
    while (p < n && isSpace(b[p])) p++;
    if (p >= n) this.truncated('unterminated close tag');
    if (b[p] !== 0x3e) this.failAt(p, `expected </${this.ascii(s, e)}>`);
    this.p = p + 1;
  }

  // Whitespace, comments and PIs between elements; stray text there is ignored, as CPython
  // ignores character data outside leaf elements.
  private skipMisc(): void {
    const b = this.b;
    const n = this.n;
    let p = this.p;
    for (;;) {
      while (p < n && b[p] !== 0x3c) p++;
      if (p + 1 >= n) break;
      const c1 = b[p + 1];
      if (c1 === 0x21) {
        if (this.startsWith(p, '<!--')) {
          p = this.skipComment(p);
          continue;
        }
        if (this.startsWith(p, '<![CDATA[')) {
          const end = this.indexOfSeq(p + 9, ']]>');
          if (end < 0) this.truncated('unterminated CDATA section');
          p = end + 3;
          continue;
        }
        break;
      }
      if (c1 === 0x3f) {
        p = this.skipPI(p);
        continue;
      }
      break;
    }
    this.p = p;
  }

  private skipComment(p: number): number {
    const end = this.indexOfSeq(p + 4, '-->');
    if (end < 0) return this.truncated('unterminated comment');
    return end + 3;
  }

  private skipPI(p: number): number {
    const end = this.indexOfSeq(p + 2, '?>');
    if (end < 0) return this.truncated('unterminated processing instruction');
    return end + 2;
  }

  private startsWith(p: number, s: string): boolean {
    if (p + s.length > this.n) return false;
    for (let i = 0; i < s.length; i++) if (this.b[p + i] !== s.charCodeAt(i)) return false;
    return true;
  }

  private indexOfSeq(from: number, s: string): number {
    const first = s.charCodeAt(0);
    let p = from;
    for (;;) {
      p = this.b.indexOf(first, p);
      if (p < 0) return -1;
      if (this.startsWith(p, s)) return p;
      p++;
    }
  }

  // ---------------------------------------------------------------- failures

  fail(message: string): never {
    throw new XmlRpcDecodeError(message, this.p, false);
  }

  private failAt(p: number, message: string): never {
    throw new XmlRpcDecodeError(message, p, false);
  }

  private truncated(message: string): never {
    throw new XmlRpcDecodeError(`${message}: body ends early`, this.n, true);
  }
}

function isSpaceOrEnd(c: number | undefined): boolean {
  return c === undefined || isSpace(c);
}

function setOwn(o: Record<string, XmlRpcValue>, k: string, v: XmlRpcValue): void {
  if (k === '__proto__') {
    Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  } else {
    o[k] = v;
  }
}

const B64 = new Int16Array(256).fill(-1);
for (let i = 0; i < 64; i++) {
  B64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
}

// Like CPython's binascii.a2b_base64 (non-strict): characters outside the alphabet are
// skipped, decoding stops at complete padding, and a dangling partial quantum is an error.
function decodeBase64(s: string, d: { fail(m: string): never }): Uint8Array {
  const out = new Uint8Array(Math.floor((s.length * 3) / 4) + 3);
  let o = 0;
  let left = 0;
  let quad = 0;
  let pads = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) d.fail('non-ASCII character in base64');
    if (c === 0x3d) {
      if (quad >= 2 && quad + ++pads >= 4) return out.slice(0, o);
      continue;
    }
    const v = B64[c];
    if (v < 0) continue;
    pads = 0;
    if (quad === 0) {
      left = v;
      quad = 1;
    } else if (quad === 1) {
      out[o++] = (left << 2) | (v >> 4);
      left = v & 0x0f;
      quad = 2;
    } else if (quad === 2) {
      out[o++] = ((left << 4) | (v >> 2)) & 0xff;
      left = v & 0x03;
      quad = 3;
    } else {
      out[o++] = ((left << 6) | v) & 0xff;
      quad = 0;
    }
  }
  if (quad === 1) d.fail('invalid base64: a dangling character');
  if (quad !== 0) d.fail('invalid base64: incorrect padding');
  return out.slice(0, o);
}
