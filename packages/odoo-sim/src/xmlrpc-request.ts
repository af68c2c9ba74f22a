/**
 * Parses an XML-RPC `<methodCall>` the way Python's `xmlrpc.client.loads` does for the
 * types clients send: string (tagged or bare), int/i4/i8, double, boolean, nil, base64,
 * dateTime.iso8601 (kept as its string), array and struct, with entities and character
 * references. Requests are small, so a string scanner is plenty.
 */
export class XmlRpcParseError extends Error {
  override name = 'XmlRpcParseError';
}

export interface XmlRpcCall {
  method: string;
  params: unknown[];
}

const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g;

function decodeEntities(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(ENTITY, (_m, e: string) => {
    switch (e) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return String.fromCodePoint(
          e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10),
        );
    }
  });
}

class Scanner {
  pos = 0;
  constructor(readonly s: string) {}

  /** Next tag at or after pos (skipping whitespace, comments, PIs); returns its raw name. */
  peekTag(): string {
    this.skipMisc();
    if (this.s[this.pos] !== '<') throw new XmlRpcParseError(`expected a tag at ${this.pos}`);
    const end = this.s.indexOf('>', this.pos);
    if (end < 0) throw new XmlRpcParseError('unterminated tag');
    return this.s.slice(this.pos + 1, end).trim();
  }

  skipMisc(): void {
    const s = this.s;
    for (;;) {
      while (this.pos < s.length && /\s/.test(s[this.pos])) this.pos++;
      if (s.startsWith('<?', this.pos)) {
        const e = s.indexOf('?>', this.pos);
        if (e < 0) throw new XmlRpcParseError('unterminated processing instruction');
        this.pos = e + 2;
      } else if (s.startsWith('<!--', this.pos)) {
        const e = s.indexOf('-->', this.pos);
        if (e < 0) throw new XmlRpcParseError('unterminated comment');
        this.pos = e + 3;
      } else return;
    }
  }

  open(name: string): boolean {
    const tag = this.peekTag();
    if (tag === `${name}/`) {
      this.pos = this.s.indexOf('>', this.pos) + 1;
      return false; // self-closing: empty element
    }
    if (tag !== name) throw new XmlRpcParseError(`expected <${name}>, found <${tag}>`);
    this.pos = this.s.indexOf('>', this.pos) + 1;
    return true;
  }

  close(name: string): void {
    const tag = this.peekTag();
    if (tag !== `/${name}`) throw new XmlRpcParseError(`expected </${name}>, found <${tag}>`);
    this.pos = this.s.indexOf('>', this.pos) + 1;
  }

  text(name: string): string {
    const end = this.s.indexOf(`</${name}`, this.pos);
    if (end < 0) throw new XmlRpcParseError(`unterminated <${name}>`);
    const raw = this.s.slice(this.pos, end);
    this.pos = end;
    this.close(name);
    return raw;
  }
}

export function parseXmlRpcCall(body: string): XmlRpcCall {
  const sc = new Scanner(body);
  sc.open('methodCall');
  sc.open('methodName');
  const method = decodeEntities(sc.text('methodName')).trim();
  const params: unknown[] = [];
  if (sc.peekTag() === 'params') {
    sc.open('params');
    while (sc.peekTag() === 'param') {
      sc.open('param');
      params.push(parseValue(sc));
      sc.close('param');
    }
    sc.close('params');
  } else if (sc.peekTag() === 'params/') sc.open('params');
  sc.close('methodCall');
  return { method, params };
}

function parseValue(sc: Scanner): unknown {
  if (!sc.open('value')) return '';
  const s = sc.s;
  // A bare value (no type tag) is a string.
  const lt = s.indexOf('<', sc.pos);
  if (s.startsWith('</value', lt)) {
    const raw = s.slice(sc.pos, lt);
    sc.pos = lt;
    sc.close('value');
    return decodeEntities(raw);
  }
  const tag = sc.peekTag();
  let v: unknown;
  const selfClosed = tag.endsWith('/');
  const type = selfClosed ? tag.slice(0, -1).trim() : tag;
  if (selfClosed) {
    sc.pos = s.indexOf('>', sc.pos) + 1;
    v = emptyOf(type);
  } else {
    sc.open(type);
    switch (type) {
      case 'string':
        v = decodeEntities(sc.text(type));
        break;
      case 'int':
      case 'i4':
      case 'i8':
      case 'i1':
      case 'i2':
      case 'biginteger': {
        const t = sc.text(type).trim();
        if (!/^[+-]?\d+$/.test(t)) throw new XmlRpcParseError(`invalid int ${t}`);
        v = Number(t);
        break;
      }
      case 'double':
      case 'float':
      case 'bigdecimal': {
        const t = sc.text(type).trim();
        const n = Number(t);
        if (t === '' || Number.isNaN(n)) throw new XmlRpcParseError(`invalid double ${t}`);
        v = n;
        break;
      }
      case 'boolean': {
        const t = sc.text(type).trim();
        if (t !== '0' && t !== '1') throw new XmlRpcParseError('bad boolean value');
        v = t === '1';
        break;
      }
      case 'nil':
        sc.close('nil');
        v = null;
        break;
      case 'base64':
        v = Buffer.from(sc.text(type).replace(/\s+/g, ''), 'base64').toString('utf8');
        break;
      case 'dateTime.iso8601':
        v = isoToOdoo(sc.text(type).trim());
        break;
      case 'array': {
        const arr: unknown[] = [];
        if (sc.open('data')) {
          while (sc.peekTag() === 'value' || sc.peekTag() === 'value/') arr.push(parseValue(sc));
          sc.close('data');
        }
        sc.close('array');
        v = arr;
        break;
      }
      case 'struct': {
        const obj: Record<string, unknown> = {};
        while (sc.peekTag() === 'member') {
          sc.open('member');
          sc.open('name');
          const key = decodeEntities(sc.text('name'));
          obj[key] = parseValue(sc);
          sc.close('member');
        }
        sc.close('struct');
        v = obj;
        break;
      }
      default:
        throw new XmlRpcParseError(`unknown XML-RPC type <${type}>`);
    }
  }
  sc.close('value');
  return v;
}

function emptyOf(type: string): unknown {
  switch (type) {
    case 'nil':
      return null;
    case 'array':
      return [];
    case 'struct':
      return {};
    case 'string':
      return '';
    default:
      throw new XmlRpcParseError(`empty <${type}/>`);
  }
}

/** `20240101T10:00:00` → `2024-01-01 10:00:00`, what Odoo's ORM would accept for datetimes. */
function isoToOdoo(t: string): string {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(t);
  if (!m) throw new XmlRpcParseError(`invalid dateTime ${t}`);
  return `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}`;
}
