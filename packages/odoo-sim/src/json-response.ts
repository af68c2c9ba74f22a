import { pythonFloat } from './python-float.ts';
import { LabelCache, type OdooValue, type PageField, PyFloat, RecordPage } from './values.ts';

/**
 * Serializes like Odoo's `json.dumps(data, ensure_ascii=False, default=json_default)`:
 * Python's default separators (", " and ": ") and Python float repr (`1.0`, `1e-05`).
 */
export function encodeJson(v: OdooValue): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return Number.isInteger(v) ? String(v) : jsonFloat(v);
    case 'object': {
      if (v === null) return 'null';
      if (v instanceof PyFloat) return jsonFloat(v.value);
      if (v instanceof RecordPage) return encodePage(v);
      if (Array.isArray(v)) {
        let s = '[';
        for (let i = 0; i < v.length; i++) s += (i ? ', ' : '') + encodeJson(v[i]);
        return `${s}]`;
      }
      let s = '{';
      let first = true;
      for (const k in v) {
        s += `${first ? '' : ', '}${JSON.stringify(k)}: ${encodeJson(v[k])}`;
        first = false;
      }
      return `${s}}`;
    }
    default:
      return 'null';
  }
}

function jsonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return pythonFloat(x);
}

function encodePage(page: RecordPage): string {
  const fields = page.fields;
  const keys = fields.map((f, j) => `${j ? ', ' : '{'}${JSON.stringify(f.name)}: `);
  const labels = new LabelCache((id, label) => `[${id}, ${JSON.stringify(label)}]`);
  const { positions } = page;
  let s = '[';
  for (let i = 0; i < positions.length; i++) {
    const pos = positions[i];
    if (i) s += ', ';
    for (let j = 0; j < fields.length; j++) s += keys[j] + encodeField(fields[j], pos, labels);
    s += fields.length ? '}' : '{}';
  }
  return `${s}]`;
}

function encodeField(f: PageField, pos: number, labels: LabelCache): string {
  const v = f.get(pos);
  switch (f.kind) {
    case 'int':
      return String(v);
    case 'float':
      return jsonFloat(v);
    case 'bool':
      return v ? 'true' : 'false';
    case 'str':
      return v === false ? 'false' : JSON.stringify(v);
    case 'm2o':
      if (!v) return 'false';
      return labels.get(f, v as number);
    case 'm2o-id':
      return v ? String(v) : 'false';
    case 'ids':
      return (v as number[]).length ? `[${(v as number[]).join(', ')}]` : '[]';
    default:
      return encodeJson(v);
  }
}
