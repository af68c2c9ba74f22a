// Raw deflate of one slice of a zip entry. A slice ends with a sync flush (an empty stored
// block, byte-aligned), after which a separate deflate stream may follow: so the outputs of
// slices deflated in different invocations, each by a fresh compressor, concatenate into one
// valid stream, and the last slice closes it with a final block. CompressionStream cannot
// flush, hence fflate (pinned; pure JavaScript, runs in Deno and Node alike). fflate 0.8.3's own
// flush(true) misplaces the empty block when bits of the last byte are pending (the inflated
// file breaks at some slice sizes), so the sync block is written here from its bit position.
import { Deflate, deflateSync } from 'fflate';
import { crc32 } from './crc32.ts';

/** What a zip entry needs to know of the bytes written so far. */
export interface DeflateProgress {
  crc: number;
  rawSize: number;
  compSize: number;
}

export const emptyProgress = (): DeflateProgress => ({ crc: 0, rawSize: 0, compSize: 0 });

/** Level 6 (zlib's default): the files are kept and downloaded, level 1 saves little CPU. */
const LEVEL = 6;

/** Deflates `bytes` as the next slice; `final` closes the stream. Updates `progress`. */
export function deflateSlice(
  bytes: Uint8Array,
  final: boolean,
  progress: DeflateProgress,
): Uint8Array {
  const out: Uint8Array[] = [];
  const d = new Deflate({ level: LEVEL }, (chunk) => {
    out.push(chunk);
  });
  if (final) d.push(bytes, true);
  else {
    d.push(bytes, false);
    d.flush(false);
    out.push(syncBlock(d));
  }
  const data = concat(out);
  progress.crc = crc32(bytes, progress.crc);
  progress.rawSize += bytes.length;
  progress.compSize += data.length;
  return data;
}

/**
 * The empty non-final stored block that byte-aligns the stream (zlib's 00 00 FF FF), after the
 * bits fflate holds back: its state `s.r` = pending bit count | the partial byte << 3.
 */
function syncBlock(d: Deflate): Uint8Array {
  const r = (d as unknown as { s?: { r?: number } }).s?.r;
  if (typeof r !== 'number')
    throw new Error(
      'fflate no longer keeps its pending bits in s.r: check deflateSlice against its version',
    );
  const bits = r & 7;
  const block = new Uint8Array(6);
  block[0] = r >> 3;
  // Header BFINAL=0 BTYPE=00 takes 3 bits from `bits`; the length fields start on the next byte.
  const at = (bits + 3 + 7) >> 3;
  block[at + 2] = 0xff;
  block[at + 3] = 0xff;
  return block.subarray(0, at + 4);
}

/** A small part deflated whole (workbook.xml, styles, …). */
export function deflateWhole(bytes: Uint8Array): { data: Uint8Array; progress: DeflateProgress } {
  const data = deflateSync(bytes, { level: LEVEL });
  return { data, progress: { crc: crc32(bytes), rawSize: bytes.length, compSize: data.length } };
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
