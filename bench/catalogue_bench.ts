/**
 * `deno bench -A bench/catalogue_bench.ts`: `listExperiments()` and `listArtifacts()` over the
 * 500-Experiment registry of bench/compare_catalogue.sh (skipped with a message when it has not
 * been generated), and `gc()` (dry run) over it.
 *
 * @module
 */
import { gc, listArtifacts, listExperiments } from "../mod.ts";

const ROOT = new URL("../.cache/bench/registry-500/", import.meta.url).pathname;
let have = true;
try {
  Deno.statSync(`${ROOT}index.sqlite3`);
} catch {
  have = false;
  console.warn(`skip: ${ROOT} missing; generate it with: bash bench/compare_catalogue.sh`);
}

Deno.bench(
  "listExperiments over 500 Experiments",
  { ignore: !have, group: "catalogue" },
  async () => {
    const refs = await listExperiments(undefined, { root: ROOT });
    if (refs.length !== 500) throw new Error(`listed ${refs.length}`);
  },
);

Deno.bench("listArtifacts over 550 refs", { ignore: !have, group: "catalogue" }, async () => {
  const refs = await listArtifacts(undefined, { root: ROOT });
  if (refs.length < 500) throw new Error(`listed ${refs.length}`);
});

Deno.bench("gc dry run over the same registry", { ignore: !have, group: "catalogue" }, async () => {
  const report = await gc({ root: ROOT });
  if (report.roots.length < 500) throw new Error(`roots ${report.roots.length}`);
});
