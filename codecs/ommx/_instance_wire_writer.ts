/**
 * The `ommx.v2.Instance` bytes of the usual instance written straight from
 * its data: decision variables with kinds and bounds, an objective,
 * regular constraints, a sense and annotations. No message objects are
 * built (the message path makes ~13 KiB of garbage for a 200-byte
 * instance); linear and constant functions are written directly, others
 * through their generated message. The bytes are those of the message path
 * (`instanceToV2Message` + `toBinary`), field for field in protobuf-es's
 * order, which {@linkcode writeUsualInstance}'s caller uses for anything
 * else (labels, fixed values, removed constraints, the other constraint
 * kinds, named functions, dependencies, an output objective, parameter
 * values, a description).
 *
 * @module
 */
import { type BinaryWriter, encodeWith, writeMessage } from "../../core/_protobuf.ts";
import type { Function } from "./function.ts";
import { FunctionSchema } from "./gen/ommx/v1/package_static.ts";
import type { InstanceData } from "./instance_data.ts";
import { equalityToNumber, senseToNumber } from "./_conversions.ts";
import { functionToMessage, hasLabel } from "./_wire_common.ts";
import { sortedById, writeId, writeKindAndBound, writeStringMap } from "./_wire_writer_common.ts";

/** Whether a function's linear ids are safe unsigned integers (the message path refuses others). */
function writableIds(f: Function): boolean {
  if (f.kind !== "linear") return true;
  const ids = f.linearIds;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!Number.isSafeInteger(id) || id < 0) return false;
  }
  return true;
}

/** Field `no`: an `ommx.v1.Function` message. */
function writeFunction(w: BinaryWriter, no: number, f: Function): void {
  if (f.kind === "constant") {
    w.tag(no, 2).fork();
    w.tag(1, 1).double(f.constant);
    w.join();
  } else if (f.kind === "linear") {
    w.tag(no, 2).fork();
    w.tag(2, 2).fork();
    const ids = f.linearIds;
    const coefficients = f.linearCoefficients;
    for (let i = 0; i < ids.length; i++) {
      w.tag(1, 2).fork();
      const id = ids[i]!;
      if (id !== 0) writeId(w.tag(1, 0), id);
      const c = coefficients[i]!;
      if (!Object.is(c, 0)) w.tag(2, 1).double(c);
      w.join();
    }
    if (!Object.is(f.constant, 0)) w.tag(2, 1).double(f.constant);
    w.join();
    w.join();
  } else {
    writeMessage(w, no, FunctionSchema, functionToMessage(f));
  }
}

/**
 * The `ommx.v2.Instance` bytes of instance data, written directly, when it is
 * of the usual kind (see the module documentation).
 *
 * @param d The data.
 * @returns The bytes, or `undefined` when the data needs the message path.
 */
export function writeUsualInstance(d: InstanceData): Uint8Array | undefined {
  if (
    d.description || d.parameterValues || d.outputObjective || d.namedFunctions.length > 0 ||
    d.indicatorConstraints.length > 0 || d.oneHotConstraints.length > 0 ||
    d.sos1Constraints.length > 0 || d.decisionVariableDependency.size > 0
  ) return undefined;
  const variables = sortedById(d.decisionVariables);
  const constraints = sortedById(d.constraints);
  if (variables === undefined || constraints === undefined) return undefined;
  for (const v of variables) {
    if (v.substitutedValue !== undefined || hasLabel(v)) return undefined;
  }
  for (const c of constraints) {
    if (c.removedReason || hasLabel(c) || (c.provenance?.length ?? 0) > 0) return undefined;
    if (!writableIds(c.function)) return undefined;
  }
  if (!writableIds(d.objective)) return undefined;
  return encodeWith((w) => {
    // 1 required_features: none without the other constraint kinds and an output objective.
    w.tag(3, 2).fork(); // decision_variables: entries only
    for (const v of variables) {
      w.tag(1, 2).fork();
      writeId(w.tag(1, 0), v.id);
      w.tag(2, 2).fork();
      writeKindAndBound(w, v);
      w.join();
      w.join();
    }
    w.join();
    writeFunction(w, 4, d.objective);
    w.tag(5, 2).fork(); // regular_constraints: active only
    for (const c of constraints) {
      w.tag(1, 2).fork();
      writeId(w.tag(1, 0), c.id);
      w.tag(2, 2).fork();
      const equality = equalityToNumber(c.equality);
      if (equality !== 0) w.tag(1, 0).int32(equality);
      writeFunction(w, 2, c.function);
      w.join();
      w.join();
    }
    w.join();
    const sense = senseToNumber(d.sense);
    if (sense !== 0) w.tag(6, 0).int32(sense);
    writeStringMap(w, 13, d.annotations);
  });
}
