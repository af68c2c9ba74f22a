// The finished .xlsx: the sheets' deflated streams (from every slice, in order) and the small
// parts that name them, in one zip.
import { filterRange } from './sheet-xml.ts';
import { deflateWhole } from './sliced-deflate.ts';
import type { SheetPiece, WorkbookState } from './sliced-workbook.ts';
import { STYLES_XML } from './styles.ts';
import { escapeXml } from './xml-text.ts';
import { type ZipEntry, zipFile } from './zip.ts';

export class WorkbookAssemblyError extends Error {
  override name = 'WorkbookAssemblyError';
}

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

function parts(state: WorkbookState, created: Date): Record<string, string> {
  const sheets = state.sheets;
  const ct =
    `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
    sheets
      .map(
        (_, i) =>
          `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
      )
      .join('') +
    '</Types>';
  const rootRels =
    `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    `<Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/>` +
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
    '</Relationships>';
  const workbook =
    `${XML_HEAD}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${REL}">` +
    '<bookViews><workbookView/></bookViews><sheets>' +
    sheets
      .map((s, i) => `<sheet name="${escapeXml(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
      .join('') +
    '</sheets><definedNames>' +
    sheets
      .map(
        (s, i) =>
          `<definedName name="_xlnm._FilterDatabase" localSheetId="${i}" hidden="1">${escapeXml(
            filterRange(s.name, s.columns, s.headerRow, s.filterRow),
          )}</definedName>`,
      )
      .join('') +
    '</definedNames></workbook>';
  const workbookRels =
    `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    sheets
      .map(
        (_, i) =>
          `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
      )
      .join('') +
    `<Relationship Id="rId${sheets.length + 1}" Type="${REL}/styles" Target="styles.xml"/>` +
    '</Relationships>';
  const stamp = `${created.toISOString().slice(0, 19)}Z`;
  const core =
    `${XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    '<dc:creator>Finanzas AGV</dc:creator>' +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${stamp}</dcterms:created>` +
    '</cp:coreProperties>';
  return {
    '[Content_Types].xml': ct,
    '_rels/.rels': rootRels,
    'docProps/core.xml': core,
    'xl/workbook.xml': workbook,
    'xl/_rels/workbook.xml.rels': workbookRels,
    'xl/styles.xml': STYLES_XML,
  };
}

/** The .xlsx bytes from the final state and every piece written, in the order written. */
export function workbookFile(
  state: WorkbookState,
  pieces: readonly SheetPiece[],
  created = new Date(),
): Uint8Array {
  if (state.sheets.length === 0) throw new WorkbookAssemblyError('the workbook has no sheet');
  const enc = new TextEncoder();
  const entries: ZipEntry[] = Object.entries(parts(state, created)).map(([name, xml]) => {
    const { data, progress } = deflateWhole(enc.encode(xml));
    return { name, data: [data], ...progress };
  });
  state.sheets.forEach((s, i) => {
    if (!s.closed) throw new WorkbookAssemblyError(`sheet ${s.name} was never closed`);
    const data = pieces.filter((p) => p.sheet === i).map((p) => p.data);
    entries.push({
      name: `xl/worksheets/sheet${i + 1}.xml`,
      crc: s.crc,
      rawSize: s.rawSize,
      compSize: s.compSize,
      data,
    });
  });
  return zipFile(entries, created);
}
