// Private ustar header helpers shared by the tar reader and writer.

/** Header / block size. */
export const BLOCK = 512;

/** Bytes of zero padding after a member of `size` bytes. */
export function paddingOf(size: number): number {
  const r = size % BLOCK;
  return r === 0 ? 0 : BLOCK - r;
}

/** Unsigned header checksum with the chksum field (148..155) counted as spaces. */
export function headerChecksum(h: Uint8Array): { unsigned: number; signed: number } {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i] as number;
    unsigned += b;
    signed += b >= 0x80 ? b - 256 : b;
  }
  return { unsigned, signed };
}
