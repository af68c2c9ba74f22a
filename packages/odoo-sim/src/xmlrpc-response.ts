import { pythonFloat } from './python-float.ts';
import { LabelCache, type OdooValue, type PageField, PyFloat, RecordPage } from './values.ts';

/**
 * Encodes results byte-for-byte like Odoo's `OdooMarshaller(allow_none=False)` wrapped by
 * `odoo.addons.base.controllers.rpc.dumps`.
 */
export class XmlRpcMarshalError extends Error {
  override name = 'XmlRpcMarshalError';
}

const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f]/g;
const SPECIAL = /[&<>\x00-\x08\x0b\x0c\x0e-\x1f]/;

export function escapeXml(s: string): string {
  if (!SPECIAL.test(s)) return s;
  return s.replace(CONTROL, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const HEAD = '<?xml version="1.0"?>\n<methodResponse>\n';
const TAIL = '\n</methodResponse>\n';

export function encodeXmlRpcResult(value: OdooValue): string {
  return `${HEAD}<params>\n<param>\n${dump(value)}</param>\n</params>\n${TAIL}`;
}

export function encodeXmlRpcFaultResponse(code: number | string, message: string): string {
  const codeXml =
    typeof code === 'number'
      ? `<value><int>${code}</int></value>\n`
      : `<value><string>${escapeXml(code)}</string></value>\n`;
  return (
    `${HEAD}<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n${codeXml}</member>\n` +
    `<member>\n<name>faultString</name>\n<value><string>${escapeXml(message)}</string></value>\n` +
    `</member>\n</struct></value>\n</fault>\n${TAIL}`
  );
}

function dump(v: OdooValue): string {
  switch (typeof v) {
    case 'string':
      return `<value><string>${escapeXml(v)}</string></value>\n`;
    case 'boolean':
      return v ? '<value><boolean>1</boolean></value>\n' : '<value><boolean>0</boolean></value>\n';
    case 'number':
      if (Number.isInteger(v)) {
        if (v > 2147483647 || v < -2147483648) {
          throw new XmlRpcMarshalError('int exceeds XML-RPC limits');
        }
        return `<value><int>${v}</int></value>\n`;
      }
      return `<value><double>${pythonFloat(v)}</double></value>\n`;
    case 'object':
      if (v === null)
        throw new XmlRpcMarshalError('cannot marshal None unless allow_none is enabled');
      if (v instanceof PyFloat) return `<value><double>${pythonFloat(v.value)}</double></value>\n`;
      if (v instanceof RecordPage) return dumpPage(v);
      if (Array.isArray(v)) {
        let s = '<value><array><data>\n';
        for (const x of v) s += dump(x);
        return `${s}</data></array></value>\n`;
      }
      {
        let s = '<value><struct>\n';
        for (const k in v) s += `<member>\n<name>${escapeXml(k)}</name>\n${dump(v[k])}</member>\n`;
        return `${s}</struct></value>\n`;
      }
    default:
      throw new XmlRpcMarshalError(`cannot marshal ${typeof v} objects`);
  }
}

function dumpPage(page: RecordPage): string {
  const fields = page.fields;
  const names = fields.map((f) => `<member>\n<name>${escapeXml(f.name)}</name>\n`);
  const labels = new LabelCache(
    (id, label) =>
      `<value><array><data>\n<value><int>${id}</int></value>\n<value><string>${escapeXml(label)}</string></value>\n</data></array></value>\n`,
  );
  let s = '<value><array><data>\n';
  const { positions } = page;
  for (let i = 0; i < positions.length; i++) {
    const pos = positions[i];
    s += '<value><struct>\n';
    for (let j = 0; j < fields.length; j++) {
      s += names[j] + dumpField(fields[j], pos, labels) + '</member>\n';
    }
    s += '</struct></value>\n';
  }
  return `${s}</data></array></value>\n`;
}

function dumpField(f: PageField, pos: number, labels: LabelCache): string {
  const v = f.get(pos);
  switch (f.kind) {
    case 'int':
      return `<value><int>${v}</int></value>\n`;
    case 'float':
      return `<value><double>${pythonFloat(v)}</double></value>\n`;
    case 'bool':
      return v ? '<value><boolean>1</boolean></value>\n' : '<value><boolean>0</boolean></value>\n';
    case 'str':
      return v === false
        ? '<value><boolean>0</boolean></value>\n'
        : `<value><string>${escapeXml(v)}</string></value>\n`;
    case 'm2o':
      if (!v) return '<value><boolean>0</boolean></value>\n';
      return labels.get(f, v as number);
    case 'm2o-id':
      return v ? `<value><int>${v}</int></value>\n` : '<value><boolean>0</boolean></value>\n';
    case 'ids': {
      let s = '<value><array><data>\n';
      for (const id of v as number[]) s += `<value><int>${id}</int></value>\n`;
      return `${s}</data></array></value>\n`;
    }
    default:
      return dump(v);
  }
}
