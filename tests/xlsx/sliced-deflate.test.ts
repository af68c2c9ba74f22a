import { inflateRawSync, crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../packages/shared/src/xlsx/crc32.ts';
import { deflateSlice, emptyProgress } from '../../packages/shared/src/xlsx/sliced-deflate.ts';
import { prng } from '../reporting/helpers.ts';

// Slices deflated by fresh compressors, as separate invocations do, must concatenate into one
// stream that any inflater reads: every pending-bit position of the sync block is reached by
// random sizes and contents.
describe('slice-by-slice raw deflate', () => {
  it('concatenates into one valid stream with the CRC-32 carried across slices', () => {
    const rnd = prng(11);
    const enc = new TextEncoder();
    for (let trial = 0; trial < 60; trial++) {
      const progress = emptyProgress();
      const outputs: Uint8Array[] = [];
      const texts: string[] = [];
      const slices = 1 + Math.floor(rnd() * 5);
      for (let k = 0; k < slices; k++) {
        const n = Math.floor(rnd() * 90_000);
        let t = '';
        for (let i = 0; i < n; i++) t += String.fromCharCode(97 + Math.floor(rnd() * rnd() * 26));
        texts.push(t);
        outputs.push(deflateSlice(enc.encode(t), k === slices - 1, progress));
      }
      const all = texts.join('');
      const inflated = inflateRawSync(Buffer.concat(outputs));
      expect(inflated.toString()).toBe(all);
      expect(progress.rawSize).toBe(Buffer.byteLength(all));
      expect(progress.compSize).toBe(outputs.reduce((n, o) => n + o.length, 0));
      expect(progress.crc).toBe(zlibCrc32(Buffer.from(all)));
    }
  });

  it('computes CRC-32 as zlib does, in one go or in pieces', () => {
    const bytes = new TextEncoder().encode('The quick brown fox jumps over the lazy dog');
    expect(crc32(bytes)).toBe(0x414fa339);
    expect(crc32(bytes.subarray(7), crc32(bytes.subarray(0, 7)))).toBe(0x414fa339);
  });
});
