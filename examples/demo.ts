/**
 * `deno task demo`: inspect a bundled example Experiment.
 *
 * Placeholder until the reader lands: prints what the demo will show.
 */
console.log("ommx-ts demo: the reader is being built; this will inspect examples/*.ommx");
