// The zip container around already-deflated entries: local headers, data, central directory.
// Sizes and CRCs are known before assembly (carried across slices), so no data descriptors.
import type { DeflateProgress } from './sliced-deflate.ts';

export interface ZipEntry extends DeflateProgress {
  name: string;
  /** The raw-deflated data, possibly in several consecutive pieces. */
  data: readonly Uint8Array[];
}

export class ZipLimitError extends Error {
  override name = 'ZipLimitError';
}

const MAX32 = 0xffffffff;

function dosTime(d: Date): { time: number; date: number } {
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/** The whole zip file. */
export function zipFile(entries: readonly ZipEntry[], modified = new Date()): Uint8Array {
  const { time, date } = dosTime(modified);
  const enc = new TextEncoder();
  const names = entries.map((e) => enc.encode(e.name));
  let size = 22;
  entries.forEach((e, i) => {
    if (e.rawSize > MAX32 || e.compSize > MAX32)
      throw new ZipLimitError(`${e.name} is larger than 4 GB (zip64 is not written)`);
    size += 30 + names[i].length + e.compSize + 46 + names[i].length;
  });
  if (size > MAX32)
    throw new ZipLimitError('the workbook is larger than 4 GB (zip64 is not written)');
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  const offsets: number[] = [];
  const header = (sig: number, e: ZipEntry, name: Uint8Array, central: boolean, offset: number) => {
    view.setUint32(at, sig, true);
    at += 4;
    if (central) {
      view.setUint16(at, 20, true); // made by: 2.0
      at += 2;
    }
    view.setUint16(at, 20, true); // version needed: 2.0 (deflate)
    view.setUint16(at + 2, 0x0800, true); // UTF-8 names
    view.setUint16(at + 4, 8, true); // deflate
    view.setUint16(at + 6, time, true);
    view.setUint16(at + 8, date, true);
    view.setUint32(at + 10, e.crc >>> 0, true);
    view.setUint32(at + 14, e.compSize, true);
    view.setUint32(at + 18, e.rawSize, true);
    view.setUint16(at + 22, name.length, true);
    view.setUint16(at + 24, 0, true); // extra
    at += 26;
    if (central) {
      view.setUint16(at, 0, true); // comment
      view.setUint16(at + 2, 0, true); // disk
      view.setUint16(at + 4, 0, true); // internal attributes
      view.setUint32(at + 6, 0, true); // external attributes
      view.setUint32(at + 10, offset, true);
      at += 14;
    }
    out.set(name, at);
    at += name.length;
  };
  entries.forEach((e, i) => {
    offsets.push(at);
    header(0x04034b50, e, names[i], false, 0);
    let written = 0;
    for (const piece of e.data) {
      out.set(piece, at);
      at += piece.length;
      written += piece.length;
    }
    if (written !== e.compSize)
      throw new ZipLimitError(`${e.name}: ${written} deflated bytes, ${e.compSize} expected`);
  });
  const central = at;
  entries.forEach((e, i) => {
    header(0x02014b50, e, names[i], true, offsets[i]);
  });
  view.setUint32(at, 0x06054b50, true);
  view.setUint16(at + 8, entries.length, true);
  view.setUint16(at + 10, entries.length, true);
  view.setUint32(at + 12, at - central, true);
  view.setUint32(at + 16, central, true);
  return out;
}
