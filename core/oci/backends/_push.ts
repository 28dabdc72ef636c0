// Private: collect a push body while verifying it.
import { createVerifier, verifyBytes } from "../digest.ts";
import type { Descriptor } from "../descriptor.ts";

/** Read `content` fully, verifying size (early) and digest; returns the bytes. */
export async function collectVerified(
  expected: Descriptor,
  content: Uint8Array | ReadableStream<Uint8Array>,
): Promise<Uint8Array> {
  if (content instanceof Uint8Array) {
    await verifyBytes(content, expected);
    return content.slice();
  }
  const verifier = await createVerifier(expected);
  const out = new Uint8Array(expected.size);
  let at = 0;
  const reader = content.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      verifier.update(value); // throws before overflowing `out`
      out.set(value, at);
      at += value.length;
    }
  } catch (e) {
    await reader.cancel().catch(() => {});
    throw e;
  } finally {
    reader.releaseLock();
  }
  await verifier.finish();
  return out;
}
