// Private ustar header helpers shared by the tar reader and writer.

/** Header / block size. */
export const BLOCK = 512;

/** Bytes of zero padding after a member of `size` bytes. */
export function paddingOf(size: number): number {
  const r = size % BLOCK;
  return r === 0 ? 0 : BLOCK - r;
}

/** Header checksums with the chksum field (148..155) counted as spaces. */
export interface HeaderChecksum {
  /** Sum of the bytes read as unsigned (POSIX). */
  readonly unsigned: number;
  /** Sum of the bytes read as signed (some historic writers). */
  readonly signed: number;
}

/**
 * Header checksums with the chksum field (148..155) counted as spaces.
 *
 * @param h A 512-byte header, or bytes holding one from `base`.
 * @param base Where the header starts in `h` (default 0).
 * @param words Optional: `h` as 32-bit words (`h.byteOffset` a multiple of 4), so that a walk
 *   over many headers in one buffer does not build a view per header.
 * @returns Both the unsigned and the signed sum.
 */
export function headerChecksum(h: Uint8Array, base = 0, words?: Uint32Array): HeaderChecksum {
  // The checksum field itself counts as eight spaces (8 * 0x20 = 256).
  let unsigned = 256;
  let high = 0;
  const aligned = (h.byteOffset + base) % 4 === 0 && h.length - base >= BLOCK;
  if (aligned) {
    // Word at a time: four byte lanes summed with masks (lanes never overflow
    // within one 512-byte block: 128 words * 255 < 2^16).
    const w = words ?? new Uint32Array(h.buffer, h.byteOffset + base, BLOCK / 4);
    const w0 = words === undefined ? 0 : base / 4;
    let even = 0;
    let odd = 0;
    let highBits = 0;
    for (let i = 0; i < BLOCK / 4; i++) {
      if (i === 37 || i === 38) continue; // bytes 148..155
      const x = w[w0 + i] as number;
      even += x & 0x00ff00ff;
      odd += (x >>> 8) & 0x00ff00ff;
      highBits += (x >>> 7) & 0x01010101;
    }
    unsigned += (even & 0xffff) + (even >>> 16) + (odd & 0xffff) + (odd >>> 16);
    high = (highBits & 0xff) + ((highBits >>> 8) & 0xff) + ((highBits >>> 16) & 0xff) +
      (highBits >>> 24);
  } else {
    for (let i = 0; i < BLOCK; i++) {
      if (i >= 148 && i < 156) continue;
      const b = h[base + i] as number;
      unsigned += b;
      high += b >> 7;
    }
  }
  // Signed bytes differ from unsigned ones by 256 for every byte >= 0x80.
  return { unsigned, signed: unsigned - 256 * high };
}
