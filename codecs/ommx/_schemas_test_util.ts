// Test-only re-exports of generated schemas used by several tests.
export { SampledValuesSchema } from "./gen/ommx/v1/sample_set_pb.ts";
export { StateSchema } from "./gen/ommx/v1/solution_pb.ts";
