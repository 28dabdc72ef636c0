/**
 * {@linkcode lazyObject}: an object built on first use. The generated
 * protobuf modules (`codecs/*\/gen/`) wrap every `fileDesc`/`messageDesc`/
 * `enumDesc` in it (a post-processing step of `codecs/gen.sh`), so importing
 * the package does not build the descriptors of every schema; a descriptor
 * boots the first time a codec touches it, synchronously.
 *
 * @module
 */

/**
 * A stand-in for the object `init()` returns, built on first use. The first
 * property read (or `in` test) on it calls `init()` once and copies the built
 * object's own properties and prototype onto the stand-in, so from then on it
 * is a plain object with the same fields and later reads cost what they cost
 * on the original (no proxy stays in the way). The stand-in is not the same
 * object as the built one: code that compares by identity must not mix the
 * two.
 *
 * @example Build on first read
 * ```ts
 * import { lazyObject } from "./_lazy_object.ts";
 * import assert from "node:assert/strict";
 *
 * let built = 0;
 * const o = lazyObject(() => {
 *   built++;
 *   return { name: "x", greet(this: { name: string }) { return `hi ${this.name}`; } };
 * });
 * assert.equal(built, 0);
 * assert.equal(o.name, "x");
 * assert.equal(o.greet(), "hi x");
 * assert.equal("name" in o, true);
 * assert.equal(built, 1);
 * ```
 *
 * @example A failing build throws at every read until it succeeds
 * ```ts
 * import { lazyObject } from "./_lazy_object.ts";
 * import assert from "node:assert/strict";
 *
 * let fail = true;
 * const o = lazyObject(() => {
 *   if (fail) throw new RangeError("not yet");
 *   return { ok: true };
 * });
 * assert.throws(() => o.ok, RangeError);
 * assert.throws(() => o.ok, RangeError);
 * fail = false;
 * assert.equal(o.ok, true);
 * ```
 *
 * @typeParam T The built object's type.
 * @param init Builds the object; called at most once, on first use.
 * @returns The stand-in, typed as the built object.
 */
export function lazyObject<T extends object>(init: () => T): T {
  let done = false;
  const materialize = (): void => {
    if (done) return;
    done = true; // a read during init() finds nothing rather than recursing
    let real: T;
    try {
      real = init();
    } catch (e) {
      done = false; // the next read tries again and throws the same way
      throw e;
    }
    Object.defineProperties(self, Object.getOwnPropertyDescriptors(real));
    Object.setPrototypeOf(self, Object.getPrototypeOf(real));
  };
  // The stand-in's prototype is a proxy: a read of a property the stand-in
  // does not own yet reaches it, builds the object once and swaps the
  // prototype for the real one, so the proxy is out of the chain afterwards.
  const trap = new Proxy(Object.create(null) as object, {
    get(_target, key, receiver) {
      materialize();
      return Reflect.get(self, key, receiver);
    },
    has(_target, key) {
      materialize();
      return Reflect.has(self, key);
    },
  });
  const self = Object.create(trap) as T;
  return self;
}
